package io.pincluster.consensus.raft;

import io.pincluster.consensus.raft.internal.ChainOnlyTrustManager;
import io.pincluster.consensus.raft.internal.SingleKeyManager;
import io.pincluster.consensus.raft.internal.TlsCertificates;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * The trust of the Raft transport, derived from the cluster secret: every Ratis gRPC connection
 * (Raft messages between servers, client writes and reads, admin and group-management calls) uses
 * mutual TLS, and a peer accepts exactly the certificates issued by the cluster CA.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>The cluster CA key pair is derived deterministically from the secret ({@link
 *       TlsCertificates}: HKDF-SHA256, label {@value TlsCertificates#CA_KEY_LABEL}, EC P-256), and
 *       its self-signed certificate is byte-identical on every holder of the secret. Nothing is
 *       read from or written to disk: the secret in {@code service.json} is the only material to
 *       copy between peers.
 *   <li>{@link #issue} makes a fresh, in-memory-only key pair and a certificate for it signed by
 *       the CA (a peer does this at each start). A TLS peer accepts the other side when its
 *       certificate chains to the CA; the host name is not checked (peers are dialled by addresses
 *       the certificate cannot know), see {@link ChainOnlyTrustManager}.
 *   <li>Holders of the secret can therefore join, write, vote and read; anyone else fails the TLS
 *       handshake before any Raft message is read.
 *   <li>No private key, secret or derived byte appears in {@code toString()} or logs; the CA
 *       {@linkplain #caFingerprint() fingerprint} (of the public key) may be logged, to tell peers
 *       with different secrets apart.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class ClusterTls {
  /** Length of the cluster secret ({@code cluster.secret}), in bytes. */
  public static final int SECRET_BYTES = 32;

  /**
   * Validity of a certificate from {@link #issue}, in years (the peer makes a new one each start).
   */
  public static final int LEAF_VALID_YEARS = 10;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair ca;
  private final X509Certificate caCertificate;
  private final String fingerprint;
  private final ChainOnlyTrustManager trust;

  private ClusterTls(KeyPair ca) {
    this.ca = ca;
    this.caCertificate = TlsCertificates.caCertificate(ca);
    this.fingerprint = fingerprint(ca);
    this.trust = new ChainOnlyTrustManager(caCertificate);
  }

  /**
   * The trust of the cluster whose secret is {@code secret} ({@code cluster.secret} decoded, {@code
   * ClusterSection.secretBytes()}). The array is not kept.
   *
   * @throws IllegalArgumentException if {@code secret} is not {@value #SECRET_BYTES} bytes
   */
  public static ClusterTls fromSecret(byte[] secret) {
    Objects.requireNonNull(secret, "cluster secret");
    if (secret.length != SECRET_BYTES) {
      throw new IllegalArgumentException(
          "cluster secret must be " + SECRET_BYTES + " bytes, not " + secret.length);
    }
    return new ClusterTls(TlsCertificates.deriveCaKeyPair(secret));
  }

  /** The cluster CA certificate (the only trust anchor of the Raft transport). */
  public X509Certificate caCertificate() {
    return caCertificate;
  }

  /**
   * {@code sha256:} and the first 16 hex digits of the SHA-256 of the CA public key: equal on peers
   * with the same secret, different otherwise. Safe to log.
   */
  public String caFingerprint() {
    return fingerprint;
  }

  /** As {@link #issue(String, InstantSource)} with the system clock. */
  public Credentials issue(String name) {
    return issue(name, InstantSource.system());
  }

  /**
   * A fresh key pair and a CA-signed certificate for it, named {@code name} (a peer ID, or a tool's
   * name), valid from {@code clock.instant()} - 1 h for {@value #LEAF_VALID_YEARS} years. Held in
   * memory only. Costs one EC key generation and two signatures (about a millisecond).
   *
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public Credentials issue(String name, InstantSource clock) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("certificate name must not be blank");
    }
    KeyPair leaf = TlsCertificates.newLeafKeyPair();
    X509Certificate cert =
        TlsCertificates.leafCertificate(
            ca,
            caCertificate,
            leaf.getPublic(),
            name,
            clock.instant(),
            new BigInteger(127, RANDOM).add(BigInteger.ONE),
            LEAF_VALID_YEARS);
    return new Credentials(
        new SingleKeyManager(leaf.getPrivate(), cert, caCertificate), cert, this);
  }

  @Override
  public String toString() {
    return "ClusterTls[ca " + fingerprint + "]";
  }

  private static String fingerprint(KeyPair ca) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(ca.getPublic().getEncoded());
      return "sha256:" + HexFormat.of().formatHex(h, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no SHA-256 in this JDK", e);
    }
  }

  /**
   * One certificate and its private key from {@link #issue}, as the Ratis gRPC transport takes
   * them. Immutable and thread-safe; the private key is held only by the key manager handed to the
   * TLS stack.
   */
  public static final class Credentials {
    private final SingleKeyManager keys;
    private final X509Certificate certificate;
    private final ClusterTls cluster;

    private Credentials(SingleKeyManager keys, X509Certificate certificate, ClusterTls c) {
      this.keys = keys;
      this.certificate = certificate;
      this.cluster = c;
    }

    /** This peer's certificate (public). */
    public X509Certificate certificate() {
      return certificate;
    }

    /** The cluster these credentials belong to. */
    public ClusterTls cluster() {
      return cluster;
    }

    /**
     * Mutual TLS for one Ratis gRPC endpoint: these credentials as key and certificate, the cluster
     * CA as the only trust anchor, chain check without host name check.
     */
    public GrpcTlsConfig grpcTlsConfig() {
      return new GrpcTlsConfig(keys, cluster.trust, true);
    }

    /**
     * New Ratis parameters that make a {@code RaftServer} or {@code RaftClient} (set with {@code
     * setParameters}) use mutual TLS on every gRPC channel it opens or serves: server, client and
     * admin. Each call returns a new, independent object.
     */
    public Parameters ratisParameters() {
      GrpcTlsConfig tls = grpcTlsConfig();
      Parameters p = new Parameters();
      GrpcConfigKeys.TLS.setConf(p, tls);
      GrpcConfigKeys.Server.setTlsConf(p, tls);
      GrpcConfigKeys.Client.setTlsConf(p, tls);
      GrpcConfigKeys.Admin.setTlsConf(p, tls);
      return p;
    }

    @Override
    public String toString() {
      return "ClusterTls.Credentials["
          + certificate.getSubjectX500Principal().getName()
          + ", serial "
          + certificate.getSerialNumber().toString(16)
          + ", ca "
          + cluster.fingerprint
          + "]";
    }
  }
}
