package io.pincluster.core.peer;

import io.pincluster.core.cid.Multihash;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A peer's Ed25519 identity, interchangeable with IPFS Cluster's {@code identity.json}: {@code
 * private_key} is base64 of the libp2p protobuf-encoded private key ({@code 08 01 12 40} + 32-byte
 * seed + 32-byte public key) and {@code id} is the identity multihash of the protobuf-encoded
 * public key ({@code 08 01 12 20} + 32 bytes). Immutable. {@link #toString()} never shows the key.
 */
public final class Identity {
  private static final byte[] PRIVATE_PREFIX = {0x08, 0x01, 0x12, 0x40};
  private static final byte[] PUBLIC_PREFIX = {0x08, 0x01, 0x12, 0x20};

  private final PeerId id;
  private final byte[] seed;
  private final byte[] publicKey;

  private Identity(byte[] seed, byte[] publicKey) {
    this.seed = seed;
    this.publicKey = publicKey;
    this.id = PeerId.of(Multihash.of(Multihash.IDENTITY, publicKeyProtobuf()));
  }

  /** A new random identity. */
  public static Identity generate() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    return fromSeed(seed);
  }

  /** The identity whose Ed25519 private key is this 32-byte seed. */
  public static Identity fromSeed(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, not " + seed.length);
    }
    return new Identity(seed.clone(), derivePublicKey(seed));
  }

  /**
   * Decodes a libp2p protobuf-encoded Ed25519 private key and checks that its public half matches
   * the seed.
   *
   * @throws IllegalArgumentException when the key is not such a key or is inconsistent
   */
  public static Identity fromPrivateKeyProtobuf(byte[] encoded) {
    if (encoded.length != 68 || !Arrays.equals(Arrays.copyOfRange(encoded, 0, 4), PRIVATE_PREFIX)) {
      throw new IllegalArgumentException(
          "private_key is not a libp2p Ed25519 private key (expected 68 bytes starting 08011240)");
    }
    Identity identity = fromSeed(Arrays.copyOfRange(encoded, 4, 36));
    if (!Arrays.equals(identity.publicKey, Arrays.copyOfRange(encoded, 36, 68))) {
      throw new IllegalArgumentException(
          "private_key is inconsistent: its public half does not match its seed");
    }
    return identity;
  }

  /** Decodes the base64 {@code private_key} of identity.json. */
  public static Identity fromPrivateKeyBase64(String base64) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("private_key is not base64: " + e.getMessage(), e);
    }
    return fromPrivateKeyProtobuf(decoded);
  }

  public PeerId id() {
    return id;
  }

  public byte[] publicKeyProtobuf() {
    byte[] out = Arrays.copyOf(PUBLIC_PREFIX, 36);
    System.arraycopy(publicKey, 0, out, 4, 32);
    return out;
  }

  public byte[] privateKeyProtobuf() {
    byte[] out = Arrays.copyOf(PRIVATE_PREFIX, 68);
    System.arraycopy(seed, 0, out, 4, 32);
    System.arraycopy(publicKey, 0, out, 36, 32);
    return out;
  }

  public String privateKeyBase64() {
    return Base64.getEncoder().encodeToString(privateKeyProtobuf());
  }

  @Override
  public String toString() {
    return "Identity[" + id + "]";
  }

  private static byte[] derivePublicKey(byte[] seed) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
      generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
      KeyPair pair = generator.generateKeyPair();
      byte[] x509 = pair.getPublic().getEncoded();
      return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot create Ed25519 keys", e);
    }
  }

  /** Hands the JDK key generator a chosen seed instead of random bytes. */
  private static final class SeedRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final byte[] seed;

    SeedRandom(byte[] seed) {
      this.seed = seed.clone();
    }

    @Override
    public void nextBytes(byte[] bytes) {
      System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
    }
  }
}
