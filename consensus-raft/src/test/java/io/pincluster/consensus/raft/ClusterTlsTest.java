package io.pincluster.consensus.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.consensus.raft.internal.ChainOnlyTrustManager;
import io.pincluster.consensus.raft.internal.TlsCertificates;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;

class ClusterTlsTest {
  static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void theSameSecretGivesTheSameCaAndAnotherSecretAnotherCa() throws Exception {
    ClusterTls a = ClusterTls.fromSecret(TestTls.secret(7));
    ClusterTls again = ClusterTls.fromSecret(TestTls.secret(7));
    ClusterTls b = ClusterTls.fromSecret(TestTls.secret(8));

    assertThat(again.caCertificate().getPublicKey()).isEqualTo(a.caCertificate().getPublicKey());
    assertThat(again.caCertificate().getEncoded()).isEqualTo(a.caCertificate().getEncoded());
    assertThat(again.caFingerprint()).isEqualTo(a.caFingerprint());
    assertThat(b.caCertificate().getPublicKey()).isNotEqualTo(a.caCertificate().getPublicKey());
    assertThat(b.caFingerprint()).isNotEqualTo(a.caFingerprint());
    assertThat(a.caCertificate().getSubjectX500Principal().getName())
        .isEqualTo(b.caCertificate().getSubjectX500Principal().getName())
        .isEqualTo(TlsCertificates.CA_SUBJECT);
    a.caCertificate().verify(a.caCertificate().getPublicKey()); // self-signed
  }

  @Test
  void theDerivationIsPinnedSoThatPeersOfDifferentVersionsAgree() {
    // Changing the derivation would split clusters during an upgrade: it needs a new label.
    KeyPair ca = TlsCertificates.deriveCaKeyPair(TestTls.secret(1));
    assertThat(ClusterTls.fromSecret(TestTls.secret(1)).caFingerprint())
        .isEqualTo(TestTls.CLUSTER.caFingerprint());
    assertThat(((ECPrivateKey) ca.getPrivate()).getS().bitLength()).isGreaterThan(200);
    assertThat(TestTls.CLUSTER.caFingerprint()).isEqualTo(FINGERPRINT_OF_SECRET_1);
  }

  // Computed once from this implementation (label "pincluster raft ca v1"); see the test above.
  static final String FINGERPRINT_OF_SECRET_1 = "sha256:717e4c570124922c";

  @Test
  void anIssuedCertificateChainsToItsCaOnlyAndNamesThePeer() throws Exception {
    ClusterTls.Credentials peer = TestTls.CLUSTER.issue("12D3KooWpeer", InstantSource.fixed(NOW));
    X509Certificate cert = peer.certificate();
    ChainOnlyTrustManager ours = new ChainOnlyTrustManager(TestTls.CLUSTER.caCertificate());
    ChainOnlyTrustManager theirs = new ChainOnlyTrustManager(TestTls.OTHER.caCertificate());

    ours.checkClientTrusted(new X509Certificate[] {cert}, "EC");
    ours.checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
    assertThatThrownBy(() -> theirs.checkClientTrusted(new X509Certificate[] {cert}, "EC"))
        .isInstanceOf(CertificateException.class);
    assertThatThrownBy(() -> theirs.checkServerTrusted(new X509Certificate[] {cert}, "UNKNOWN"))
        .isInstanceOf(CertificateException.class);
    assertThat(cert.getSubjectX500Principal().getName())
        .isEqualTo("CN=12D3KooWpeer,OU=raft,O=pincluster");
    assertThat(cert.getIssuerX500Principal().getName()).isEqualTo(TlsCertificates.CA_SUBJECT);
    assertThat(cert.getNotBefore().toInstant()).isEqualTo(NOW.minusSeconds(3600));
    assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.parse("2036-11-27T10:00:00Z"));
    assertThat(cert.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1); // not a CA
  }

  @Test
  void eachIssueMakesANewKey() {
    ClusterTls.Credentials one = TestTls.CLUSTER.issue("p");
    ClusterTls.Credentials two = TestTls.CLUSTER.issue("p");

    assertThat(one.certificate().getPublicKey()).isNotEqualTo(two.certificate().getPublicKey());
    assertThat(one.certificate().getSerialNumber())
        .isNotEqualTo(two.certificate().getSerialNumber());
  }

  @Test
  void noKeyMaterialAppearsInToString() {
    byte[] secret = TestTls.secret(0x5a);
    ClusterTls tls = ClusterTls.fromSecret(secret);
    ClusterTls.Credentials peer = tls.issue("p");
    X509ExtendedKeyManager keys =
        (X509ExtendedKeyManager) peer.grpcTlsConfig().getKeyManager().getKeyManager();
    ECPrivateKey leafKey = (ECPrivateKey) keys.getPrivateKey(keys.getServerAliases("EC", null)[0]);
    BigInteger caScalar =
        ((ECPrivateKey) TlsCertificates.deriveCaKeyPair(secret).getPrivate()).getS();
    List<String> texts =
        List.of(
            tls.toString(),
            peer.toString(),
            keys.toString(),
            peer.grpcTlsConfig().toString(),
            RaftSettingsTest.settings("h:1", java.util.Map.of()).withTls(tls).toString());
    String secretHex = HexFormat.of().formatHex(secret);

    for (String text : texts) {
      assertThat(text)
          .doesNotContainIgnoringCase(secretHex)
          .doesNotContainIgnoringCase(caScalar.toString(16))
          .doesNotContain(caScalar.toString())
          .doesNotContainIgnoringCase(leafKey.getS().toString(16))
          .doesNotContain(leafKey.getS().toString());
    }
    assertThat(tls.toString()).isEqualTo("ClusterTls[ca " + tls.caFingerprint() + "]");
    assertThat(peer.toString()).contains("CN=p").contains(tls.caFingerprint());
  }

  @Test
  void aSecretOfTheWrongLengthIsRejectedWithItsLength() {
    assertThatThrownBy(() -> ClusterTls.fromSecret(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cluster secret must be 32 bytes, not 31");
    assertThatThrownBy(() -> ClusterTls.fromSecret(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> TestTls.CLUSTER.issue(" "))
        .hasMessage("certificate name must not be blank");
  }
}
