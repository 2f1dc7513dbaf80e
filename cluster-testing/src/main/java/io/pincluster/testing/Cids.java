package io.pincluster.testing;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Test CIDs: a few fixed ones (v0 and v1) and a generator of unique random ones. Thread-safe.
 *
 * <p>The fixed {@code V0_*} / {@code V1_*} CIDs are derived from fixed strings, so they are stable
 * across runs; {@link #EMPTY_DIR_V0} and {@link #EMPTY_DIR_V1} are the real empty UnixFS directory
 * (the same content in both versions, useful to test comparisons by multihash).
 */
public final class Cids {
  /** The empty UnixFS directory, CIDv0. */
  public static final Cid EMPTY_DIR_V0 =
      Cid.parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");

  /**
   * The empty UnixFS directory, CIDv1 (dag-pb, base32). Same multihash as {@link #EMPTY_DIR_V0}.
   */
  public static final Cid EMPTY_DIR_V1 = EMPTY_DIR_V0.toV1();

  public static final Cid V0_1 = v0Of("pincluster test cid 1");
  public static final Cid V0_2 = v0Of("pincluster test cid 2");
  public static final Cid V0_3 = v0Of("pincluster test cid 3");
  public static final Cid V1_1 = rawOf("pincluster test cid 4".getBytes(StandardCharsets.UTF_8));
  public static final Cid V1_2 = rawOf("pincluster test cid 5".getBytes(StandardCharsets.UTF_8));
  public static final Cid V1_3 = rawOf("pincluster test cid 6".getBytes(StandardCharsets.UTF_8));

  private static final SecureRandom RANDOM = new SecureRandom();

  private Cids() {}

  /** A new CID, different from every other one: raw sha2-256 CIDv1 of 32 random bytes. */
  public static Cid random() {
    byte[] data = new byte[32];
    RANDOM.nextBytes(data);
    return rawOf(data);
  }

  /** {@code n} distinct random CIDs. */
  public static List<Cid> random(int n) {
    List<Cid> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(random());
    }
    return out;
  }

  /** The raw-codec sha2-256 CIDv1 of {@code data}, as {@code ipfs block put --format=raw} makes. */
  public static Cid rawOf(byte[] data) {
    return Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, sha256(data)));
  }

  /** A dag-pb CIDv0 whose multihash is the sha2-256 of {@code text} (not a real DAG node). */
  public static Cid v0Of(String text) {
    return Cid.v0(Multihash.of(Multihash.SHA2_256, sha256(text.getBytes(StandardCharsets.UTF_8))));
  }

  /** The sha2-256 digest of {@code data}. */
  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }
}
