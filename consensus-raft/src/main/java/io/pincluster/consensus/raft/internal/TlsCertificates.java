package io.pincluster.consensus.raft.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.ContentSigner;

/**
 * The X.509 side of the Raft transport's mutual TLS (see {@code ClusterTls}): derives the cluster
 * CA key pair from the cluster secret and issues certificates. Stateless; uses BouncyCastle's
 * lightweight API only (no JCA provider is registered), and returns JDK (SunEC) keys and JDK
 * certificates so the TLS stacks see nothing unusual.
 *
 * <p>Derivation (fixed forever for label {@value #CA_KEY_LABEL}; a change needs a new label):
 * HKDF-SHA256 (RFC 5869) with the secret as input key material, no salt and the label as info gives
 * {@value #OKM_BYTES} bytes; read as a big-endian integer x, the CA private scalar is {@code d = (x
 * mod (n - 1)) + 1} on P-256 (n its order; the 64 extra bits make the bias negligible, as in FIPS
 * 186-5 A.2.1), and the public point is {@code d·G}. The CA certificate has a fixed subject,
 * serial, validity and extensions and is signed with deterministic ECDSA (RFC 6979), so every
 * holder of the secret builds the byte-identical certificate.
 */
public final class TlsCertificates {
  /** HKDF info label of the CA key; versioned so that a future change cannot collide. */
  public static final String CA_KEY_LABEL = "pincluster raft ca v1";

  /** Subject (and issuer) of the cluster CA certificate, as RFC 2253 prints it. */
  public static final String CA_SUBJECT = "CN=pincluster cluster CA,O=pincluster";

  static final int OKM_BYTES = 40;
  private static final String CURVE = "secp256r1";
  private static final X9ECParameters BC_CURVE = CustomNamedCurves.getByName(CURVE);
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(
          BC_CURVE.getCurve(), BC_CURVE.getG(), BC_CURVE.getN(), BC_CURVE.getH());
  private static final BigInteger CA_SERIAL = BigInteger.ONE;
  private static final Instant CA_NOT_BEFORE = Instant.parse("2020-01-01T00:00:00Z");
  // RFC 5280 4.1.2.5: "no well-defined expiration date".
  private static final Instant CA_NOT_AFTER = Instant.parse("9999-12-31T23:59:59Z");

  private TlsCertificates() {}

  /**
   * The cluster CA key pair derived from {@code secret} (see the class comment).
   *
   * @throws IllegalArgumentException if {@code secret} is shorter than 16 bytes
   */
  public static KeyPair deriveCaKeyPair(byte[] secret) {
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException(
          "cluster secret must have at least 16 bytes, not "
              + (secret == null ? "none" : secret.length));
    }
    byte[] okm = new byte[OKM_BYTES];
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(secret, null, CA_KEY_LABEL.getBytes(UTF_8)));
    hkdf.generateBytes(okm, 0, okm.length);
    BigInteger n = DOMAIN.getN();
    BigInteger d = new BigInteger(1, okm).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    java.util.Arrays.fill(okm, (byte) 0);
    org.bouncycastle.math.ec.ECPoint q =
        new FixedPointCombMultiplier().multiply(DOMAIN.getG(), d).normalize();
    try {
      ECParameterSpec spec = jdkCurve();
      KeyFactory kf = KeyFactory.getInstance("EC");
      ECPoint w =
          new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      return new KeyPair(
          kf.generatePublic(new ECPublicKeySpec(w, spec)),
          kf.generatePrivate(new ECPrivateKeySpec(d, spec)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make P-256 keys: " + e, e);
    }
  }

  /** A fresh P-256 key pair (for a peer's ephemeral certificate). */
  public static KeyPair newLeafKeyPair() {
    try {
      java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
      g.initialize(new java.security.spec.ECGenParameterSpec(CURVE));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make P-256 keys: " + e, e);
    }
  }

  /** The self-signed cluster CA certificate of {@code ca} (same bytes for the same key pair). */
  public static X509Certificate caCertificate(KeyPair ca) {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "pincluster")
            .addRDN(BCStyle.CN, "pincluster cluster CA")
            .build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  subject,
                  CA_SERIAL,
                  Date.from(CA_NOT_BEFORE),
                  Date.from(CA_NOT_AFTER),
                  subject,
                  ca.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(ca.getPublic()));
      return sign(b, (ECPrivateKey) ca.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot build the cluster CA certificate: " + e, e);
    }
  }

  /**
   * A certificate for {@code leafKey}, issued by the CA: subject {@code CN=<name>,OU=raft,
   * O=pincluster}, valid from {@code now} - 1 h to {@code now} + {@code validYears} years, for TLS
   * server and client authentication.
   */
  public static X509Certificate leafCertificate(
      KeyPair ca,
      X509Certificate caCert,
      PublicKey leafKey,
      String name,
      Instant now,
      BigInteger serial,
      int validYears) {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "pincluster")
            .addRDN(BCStyle.OU, "raft")
            .addRDN(BCStyle.CN, name)
            .build();
    Instant notAfter = now.atZone(java.time.ZoneOffset.UTC).plusYears(validYears).toInstant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
                  caCert,
                  serial,
                  Date.from(now.minusSeconds(3600)),
                  Date.from(notAfter),
                  subject,
                  leafKey)
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(
                      new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                      }))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKey))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(caCert));
      return sign(b, (ECPrivateKey) ca.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a certificate for " + name + ": " + e, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, ECPrivateKey key)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(b.build(new Rfc6979Signer(key)));
  }

  private static ECParameterSpec jdkCurve() throws GeneralSecurityException {
    java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
    p.init(new java.security.spec.ECGenParameterSpec(CURVE));
    return p.getParameterSpec(ECParameterSpec.class);
  }

  /** ecdsa-with-SHA256 with RFC 6979 nonces: the same key and data give the same signature. */
  private static final class Rfc6979Signer implements ContentSigner {
    private static final ASN1ObjectIdentifier OID = X9ObjectIdentifiers.ecdsa_with_SHA256;
    private final DSADigestSigner signer =
        new DSADigestSigner(
            new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())), new SHA256Digest());

    Rfc6979Signer(ECPrivateKey key) {
      signer.init(true, new ECPrivateKeyParameters(key.getS(), DOMAIN));
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() {
      return new AlgorithmIdentifier(OID);
    }

    @Override
    public OutputStream getOutputStream() {
      return new OutputStream() {
        @Override
        public void write(int b) {
          signer.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          signer.update(b, off, len);
        }
      };
    }

    @Override
    public byte[] getSignature() {
      try {
        return signer.generateSignature();
      } catch (RuntimeException e) {
        throw new UncheckedIOException(new IOException("signing failed: " + e, e));
      }
    }
  }
}
