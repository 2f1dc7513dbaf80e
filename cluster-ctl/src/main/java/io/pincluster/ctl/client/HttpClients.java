package io.pincluster.ctl.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Builds the OkHttp client for a {@link RestClientConfig}.
 *
 * <p>OkHttp bounds the TLS handshake by the read timeout, which is long (a cluster-wide status may
 * take minutes to start). Pointing {@code --https} at a plain-http port would then hang for that
 * long, so the TLS sockets get the connect timeout for the handshake; OkHttp sets the read timeout
 * on them again before the first request is written.
 */
final class HttpClients {
  private HttpClients() {}

  static OkHttpClient create(RestClientConfig config) {
    OkHttpClient.Builder b =
        new OkHttpClient.Builder()
            .connectTimeout(config.connectTimeout())
            .readTimeout(config.readTimeout())
            .writeTimeout(config.readTimeout())
            .callTimeout(config.timeout())
            .followRedirects(true)
            .followSslRedirects(false);
    if (config.anyHttps()) {
      X509TrustManager trust =
          config.skipCertificateCheck() ? new TrustEverything() : systemTrust();
      SSLSocketFactory tls = tlsFactory(trust);
      int handshakeMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
      b.sslSocketFactory(new HandshakeTimeout(tls, handshakeMillis), trust);
      if (config.skipCertificateCheck()) {
        b.hostnameVerifier((host, session) -> true);
      }
    }
    return b.build();
  }

  private static X509TrustManager systemTrust() {
    try {
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init((KeyStore) null);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("the JVM has no X509 trust manager");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot load the JVM's trusted certificates", e);
    }
  }

  private static SSLSocketFactory tlsFactory(X509TrustManager trust) {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new TrustManager[] {trust}, new SecureRandom());
      return tls.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up TLS", e);
    }
  }

  /** Accepts any certificate: {@code --no-check-certificate}. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Gives every TLS socket a read timeout for the handshake. */
  private static final class HandshakeTimeout extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final int millis;

    HandshakeTimeout(SSLSocketFactory delegate, int millis) {
      this.delegate = delegate;
      this.millis = millis;
    }

    private Socket bounded(Socket s) throws IOException {
      s.setSoTimeout(millis);
      return s;
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose)
        throws IOException {
      return bounded(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
      return bounded(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      return bounded(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
        throws IOException {
      return bounded(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      return bounded(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
        InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return bounded(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }
  }
}
