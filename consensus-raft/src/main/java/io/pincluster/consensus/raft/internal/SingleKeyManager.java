package io.pincluster.consensus.raft.internal;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers one EC private key and its certificate chain, on both sides of a TLS connection, for every
 * request that accepts an EC key.
 *
 * <p>Why not the JDK's key manager: with Netty's OpenSSL engine (which Ratis' gRPC server always
 * uses) the JDK's PKIX key manager declines every alias (it checks the engine's handshake session,
 * which Netty's engine does not fill in the JDK's way), and the handshake fails with an
 * "internal_error" alert. There is only one key here, so there is nothing to choose: it is offered
 * when the key type is EC ({@code EC}, or {@code EC_EC} in OpenSSL's TLS 1.2 naming) and the TLS
 * stack checks the rest. Immutable, thread-safe; the key is never exposed beyond {@link
 * #getPrivateKey}.
 */
public final class SingleKeyManager extends X509ExtendedKeyManager {
  static final String ALIAS = "peer";
  private final PrivateKey key;
  private final X509Certificate[] chain;

  public SingleKeyManager(PrivateKey key, X509Certificate... chain) {
    if (!"EC".equals(key.getAlgorithm())) {
      throw new IllegalArgumentException("expected an EC key, not " + key.getAlgorithm());
    }
    this.key = key;
    this.chain = chain.clone();
  }

  private static boolean fits(String keyType) {
    return "EC".equals(keyType) || "EC_EC".equals(keyType);
  }

  private static String alias(String[] keyTypes) {
    if (keyTypes != null) {
      for (String t : keyTypes) {
        if (fits(t)) {
          return ALIAS;
        }
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return fits(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return alias(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine e) {
    return alias(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return fits(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return fits(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return fits(keyType) ? ALIAS : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  @Override
  public String toString() {
    return "SingleKeyManager[" + chain[0].getSubjectX500Principal().getName() + "]";
  }
}
