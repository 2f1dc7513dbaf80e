package io.pincluster.service.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.config.ClusterSection;
import io.pincluster.core.config.ConfigException;
import io.pincluster.core.config.ConfigLoader;
import io.pincluster.core.config.IpfsProxySection;
import io.pincluster.core.config.RaftSection;
import io.pincluster.core.config.RestApiSection;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code cluster-service init}: writes {@code service.json} (defaults, with the environment's
 * overrides baked in), {@code identity.json} (only when absent) and the {@code peerstore}, each
 * with mode 0600 and atomically ({@link SecureFiles}), in a folder created with mode 0700; then
 * warns about any of them (or a kept {@code identity.json}) that others can read.
 */
public final class Initializer {
  /** What init was asked to do. */
  public record Options(
      boolean force, String customSecret, List<Multiaddr> peers, boolean randomPorts) {
    public Options {
      peers = List.copyOf(peers);
    }
  }

  /** What init did. */
  public record Result(ServiceConfig config, Identity identity, boolean newIdentity) {}

  private Initializer() {}

  /**
   * @throws ConfigException when the folder is already initialised (without force) or an input is
   *     invalid
   */
  public static Result init(
      ConfigFolder folder,
      Options options,
      Map<String, String> env,
      String hostname,
      Consumer<String> warnings)
      throws IOException {
    if (Files.exists(folder.serviceJson()) && !options.force()) {
      throw new ConfigException(
          "a configuration already exists at "
              + folder.serviceJson()
              + ": use --force to overwrite it");
    }
    for (Multiaddr peer : options.peers()) {
      if (peer.peerId().isEmpty()) {
        throw new ConfigException("--peers: " + peer + " has no /p2p/<peer ID>");
      }
      peer.toSocketAddress();
    }
    String secret = options.customSecret() != null ? options.customSecret() : randomSecret();
    ServiceConfig defaults;
    try {
      defaults = ServiceConfig.defaults(hostname, secret);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("cluster." + e.getMessage(), e);
    }
    List<PeerId> initPeerset = options.peers().stream().map(p -> p.peerId().orElseThrow()).toList();
    defaults = withInitPeerset(defaults, initPeerset);
    if (options.randomPorts()) {
      defaults = withRandomPorts(defaults);
    }
    ObjectNode json = ConfigLoader.toJson(defaults);
    ServiceConfig config = ConfigLoader.fromJson(json, env, hostname, warnings);

    SecureFiles.createPrivateDirectories(folder.path());
    boolean newIdentity = !Files.exists(folder.identityJson());
    Identity identity;
    if (newIdentity) {
      identity = Identity.generate();
      IdentityFile.write(folder.identityJson(), identity);
    } else {
      identity = IdentityFile.load(folder.identityJson(), Map.of());
    }
    SecureFiles.writePrivate(folder.serviceJson(), ConfigLoader.toText(config));
    Path peerstore = folder.resolveFile(config.cluster().peerstoreFile());
    Peerstore.write(peerstore, options.peers());
    SecureFiles.exposureWarnings(folder, config).forEach(warnings);
    return new Result(config, identity, newIdentity);
  }

  static String randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static ServiceConfig withInitPeerset(ServiceConfig c, List<PeerId> peers) {
    RaftSection r = c.raft();
    RaftSection raft =
        new RaftSection(
            peers,
            r.dataFolder(),
            r.waitForLeaderTimeout(),
            r.networkTimeout(),
            r.commitRetries(),
            r.commitRetryDelay(),
            r.backupsRotate(),
            r.heartbeatTimeout(),
            r.electionTimeout(),
            r.commitTimeout(),
            r.maxAppendEntries(),
            r.trailingLogs(),
            r.snapshotInterval(),
            r.snapshotThreshold(),
            r.leaderLeaseTimeout());
    return new ServiceConfig(
        c.cluster(),
        raft,
        c.ipfsProxy(),
        c.restApi(),
        c.ipfsHttp(),
        c.mapTracker(),
        c.monBasic(),
        c.balancedAllocator(),
        c.diskInformer(),
        c.tagsInformer(),
        c.metrics());
  }

  private static ServiceConfig withRandomPorts(ServiceConfig c) {
    ClusterSection k = c.cluster();
    ClusterSection cluster =
        new ClusterSection(
            k.peername(),
            k.secret(),
            k.leaveOnShutdown(),
            repoint(k.listenMultiaddress()),
            repoint(k.rpcListenMultiaddress()),
            k.announceMultiaddress(),
            k.stateSyncInterval(),
            k.ipfsSyncInterval(),
            k.pinRecoverInterval(),
            k.replicationFactorMin(),
            k.replicationFactorMax(),
            k.monitorPingInterval(),
            k.peerWatchInterval(),
            k.disableRepinning(),
            k.repinGracePeriod(),
            k.repinMaxInFlight(),
            k.peerstoreFile());
    RestApiSection a = c.restApi();
    List<Multiaddr> rest = new ArrayList<>();
    a.httpListenMultiaddress().forEach(m -> rest.add(repoint(m)));
    RestApiSection restApi =
        new RestApiSection(
            rest,
            a.sslCertFile(),
            a.sslKeyFile(),
            a.readTimeout(),
            a.readHeaderTimeout(),
            a.writeTimeout(),
            a.idleTimeout(),
            a.maxHeaderBytes(),
            a.basicAuthCredentials(),
            a.httpLogFile(),
            a.headers(),
            a.corsAllowedOrigins(),
            a.corsAllowedMethods(),
            a.corsAllowedHeaders(),
            a.corsExposedHeaders(),
            a.corsAllowCredentials(),
            a.corsMaxAge());
    IpfsProxySection p = c.ipfsProxy();
    IpfsProxySection proxy =
        new IpfsProxySection(
            repoint(p.listenMultiaddress()),
            p.nodeMultiaddress(),
            p.logFile(),
            p.readTimeout(),
            p.readHeaderTimeout(),
            p.writeTimeout(),
            p.idleTimeout(),
            p.maxHeaderBytes());
    return new ServiceConfig(
        cluster,
        c.raft(),
        proxy,
        restApi,
        c.ipfsHttp(),
        c.mapTracker(),
        c.monBasic(),
        c.balancedAllocator(),
        c.diskInformer(),
        c.tagsInformer(),
        c.metrics());
  }

  private static Multiaddr repoint(Multiaddr m) {
    return Multiaddr.tcp(m.host().orElse("127.0.0.1"), freePort());
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
