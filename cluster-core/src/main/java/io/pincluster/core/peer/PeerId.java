package io.pincluster.core.peer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.pincluster.core.cid.Base58;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.InvalidCidException;
import io.pincluster.core.cid.Multihash;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A libp2p peer ID: the multihash of a protobuf-encoded public key, written in base58btc ({@code
 * 12D3KooW…} for Ed25519 keys, {@code Qm…} for hashed keys). Immutable, compared by its bytes.
 */
public final class PeerId implements Comparable<PeerId> {
  /**
   * Peer IDs parsed so far, by their text: a cluster has few peers, and every status line of a
   * listing names some of them again (decoding and re-encoding base58 was a good part of a
   * cluster-wide status stream). At most {@value #MAX_CACHED} entries; beyond that, parsed IDs are
   * not remembered.
   */
  private static final ConcurrentHashMap<String, PeerId> PARSED = new ConcurrentHashMap<>();

  static final int MAX_CACHED = 4096;

  private final Multihash multihash;
  private final String text;

  private PeerId(Multihash multihash) {
    this.multihash = multihash;
    this.text = Base58.encode(multihash.bytes());
  }

  /**
   * The peer ID with this multihash: an identity multihash of a protobuf public key (Ed25519) or a
   * sha2-256 multihash (hashed RSA keys).
   *
   * @throws IllegalArgumentException for any other multihash
   */
  public static PeerId of(Multihash multihash) {
    byte[] bytes = multihash.bytes();
    if (multihash.code() == Multihash.IDENTITY) {
      // 0x00, length, then PublicKey protobuf: 0x08 <type> 0x12 <len> <key>
      if (bytes.length < 6 || bytes[2] != 0x08 || bytes[4] != 0x12 || bytes.length > 44) {
        throw new IllegalArgumentException("identity multihash does not hold a public key");
      }
    } else if (multihash.code() != Multihash.SHA2_256) {
      throw new IllegalArgumentException(
          "multihash code 0x" + Long.toHexString(multihash.code()) + " is not used by peer IDs");
    }
    return new PeerId(multihash);
  }

  /**
   * Parses a peer ID in base58btc or as a CIDv1 with the libp2p-key codec.
   *
   * @throws InvalidPeerIdException with a message that quotes the text and says what is wrong
   */
  @JsonCreator
  public static PeerId parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidPeerIdException("invalid peer ID: empty string");
    }
    PeerId known = PARSED.get(text);
    if (known != null) {
      return known;
    }
    PeerId parsed = decode(text);
    if (PARSED.size() < MAX_CACHED) {
      PARSED.putIfAbsent(text, parsed);
    }
    return parsed;
  }

  private static PeerId decode(String text) {
    try {
      if (text.startsWith("1") || text.startsWith("Qm")) {
        byte[] bytes = Base58.decode(text);
        return of(Multihash.decode(bytes, 0));
      }
      Cid cid = Cid.parse(text);
      if (cid.codec() != Cid.LIBP2P_KEY) {
        throw new IllegalArgumentException("a CID used as a peer ID must have codec libp2p-key");
      }
      return of(cid.multihash());
    } catch (InvalidCidException e) {
      throw new InvalidPeerIdException("invalid peer ID \"" + text + "\": not base58btc nor a CID");
    } catch (IllegalArgumentException e) {
      throw new InvalidPeerIdException("invalid peer ID \"" + text + "\": " + e.getMessage());
    }
  }

  public Multihash multihash() {
    return multihash;
  }

  /** The base58btc text. */
  @JsonValue
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && multihash.equals(p.multihash);
  }

  @Override
  public int hashCode() {
    return multihash.hashCode();
  }

  @Override
  public int compareTo(PeerId o) {
    return text.compareTo(o.text);
  }

  /** A shortened form for logs and tables: the last 6 characters. */
  public String shortString() {
    return text.length() <= 6 ? text : "…" + text.substring(text.length() - 6);
  }
}
