package io.pincluster.consensus.raft.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly the certificates that chain to one CA (JDK PKIX validation: signature, validity,
 * key usage, basic constraints), and does <em>not</em> check the peer's host name.
 *
 * <p>Why no host name check: Raft peers dial each other by whatever IP or host name the
 * configuration holds, which a peer's certificate (made at its start) cannot know. The identity
 * that matters is "holds the cluster secret", which the chain to the secret-derived CA proves. The
 * TLS stacks ask for a host name check through the {@link SSLEngine}/{@link Socket} variants (gRPC
 * sets the HTTPS endpoint identification algorithm on every client engine); this class answers them
 * with the chain check alone. Being an {@link X509ExtendedTrustManager}, the JDK does not wrap it
 * with its own host name check either. Thread-safe, immutable.
 */
public final class ChainOnlyTrustManager extends X509ExtendedTrustManager {
  private final X509ExtendedTrustManager pkix;
  private final X509Certificate ca;

  /** Trusts {@code ca} as the only trust anchor. */
  public ChainOnlyTrustManager(X509Certificate ca) {
    this.ca = ca;
    try {
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      anchors.setCertificateEntry("cluster-ca", ca);
      TrustManagerFactory f = TrustManagerFactory.getInstance("PKIX");
      f.init(anchors);
      this.pkix = only(f.getTrustManagers());
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up the cluster CA as trust anchor: " + e, e);
    }
  }

  private static X509ExtendedTrustManager only(TrustManager[] managers) {
    for (TrustManager m : managers) {
      if (m instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new IllegalStateException("the JDK's PKIX trust manager factory has no X.509 manager");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    pkix.checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {ca};
  }
}
