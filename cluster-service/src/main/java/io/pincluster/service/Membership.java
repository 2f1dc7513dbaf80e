package io.pincluster.service;

import io.pincluster.consensus.raft.RaftConsensus;
import io.pincluster.consensus.raft.StateFormat;
import io.pincluster.core.ClusterException;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.service.cluster.SelfAddresses;
import io.pincluster.service.config.ConfigFolder;
import io.pincluster.service.config.Peerstore;
import io.pincluster.service.state.JoinMarker;
import io.pincluster.service.state.RemovedMarker;
import io.pincluster.service.state.StateFolders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This peer's place in the cluster across its lifetime: what to do with the state folder before
 * Raft starts (upgrade, join with {@code --bootstrap}, refuse to start after a removal), joining,
 * noticing that it was removed, leaving on shutdown, and cleaning up after either (the state folder
 * is rotated to {@code <data_folder>.old.0}, the peerstore emptied and a {@code REMOVED} marker
 * left, so an accidental restart cannot disturb the cluster).
 */
final class Membership {
  private static final Logger log = LoggerFactory.getLogger(Membership.class);

  private final PeerId self;
  private final ConfigFolder folder;
  private final ServiceConfig config;
  private final Daemon.Options options;
  private final Path dataFolder;
  private final Runnable onRemoved;
  private final AtomicBoolean gone = new AtomicBoolean();
  private volatile String goneReason = "";
  private RaftConsensus consensus;
  private SelfAddresses addresses;
  private Optional<Multiaddr> joinVia = Optional.empty();

  Membership(
      PeerId self,
      ConfigFolder folder,
      ServiceConfig config,
      Daemon.Options options,
      Path dataFolder,
      Runnable onRemoved) {
    this.self = self;
    this.folder = folder;
    this.config = config;
    this.options = options;
    this.dataFolder = dataFolder;
    this.onRemoved = onRemoved;
  }

  /**
   * Readies the state folder and says whether this start joins an existing cluster.
   *
   * @throws ClusterException when this peer was removed and is not asked to join again, or its
   *     state needs an upgrade that was not asked for
   */
  boolean prepareStateFolder() {
    var removed = RemovedMarker.read(folder.path());
    if (removed.isPresent()) {
      if (options.bootstrap().isEmpty()) {
        throw new ClusterException(
            "this peer left or was removed from the cluster ("
                + removed.get()
                + "). It will not"
                + " start on its own again: to join a cluster, start it with"
                + " `cluster-service daemon --bootstrap /ip4/<host>/tcp/<raft port>/p2p/<peer ID>`"
                + " (its state is kept in "
                + StateFolders.backup(dataFolder, 0)
                + ").");
      }
      StateFolders.rotate(dataFolder, config.raft().backupsRotate());
      try {
        RemovedMarker.clear(folder.path());
      } catch (IOException e) {
        throw new ClusterException("cannot clear " + RemovedMarker.path(folder.path()), e);
      }
    }
    resumeUnfinishedJoin();
    upgradeIfNeeded();
    boolean hasState = Files.isDirectory(dataFolder.resolve("ratis"));
    if (joinVia.isPresent()) {
      return true;
    }
    if (options.bootstrap().isPresent()) {
      if (hasState) {
        log.warn(
            "--bootstrap {} ignored: this peer already has cluster state in {} and starts as the"
                + " member it is (run `cluster-service state cleanup` first to join another"
                + " cluster)",
            options.bootstrap().get(),
            dataFolder);
        return false;
      }
      joinVia = options.bootstrap();
      return true;
    }
    return false;
  }

  /**
   * An earlier join that did not finish (see {@link JoinMarker}) left state without a cluster
   * configuration, from which Raft would start a one-member group of its own and accept writes no
   * other peer sees: delete it and join again, through {@code --bootstrap} if given, else through
   * the peer the earlier join used.
   */
  private void resumeUnfinishedJoin() {
    Optional<Multiaddr> earlier;
    try {
      earlier = JoinMarker.read(folder.path());
    } catch (IllegalStateException e) {
      throw new ClusterException(
          e.getMessage()
              + ": start with `--bootstrap <peer address>` to join again, or remove that file if"
              + " this peer finished joining",
          e);
    }
    if (earlier.isEmpty()) {
      return;
    }
    Multiaddr via = options.bootstrap().orElse(earlier.get());
    StateFolders.discard(dataFolder);
    log.warn(
        "an earlier join through {} did not finish (the peer stopped while joining): its partial"
            + " state in {} was deleted (the cluster holds all of it); joining again through {}",
        earlier.get(),
        dataFolder,
        via);
    joinVia = Optional.of(via);
  }

  private void upgradeIfNeeded() {
    StateFormat.Status status = StateFormat.check(dataFolder);
    if (status.needsUpgrade()) {
      if (!options.upgrade()) {
        throw new ClusterException(
            "the state in "
                + dataFolder
                + " is in format "
                + status.found()
                + "; this version uses"
                + " format "
                + StateFormat.CURRENT
                + ": start once with"
                + " `cluster-service daemon --upgrade` to migrate it");
      }
      log.info(
          "upgrading the state in {} from format {} to {}",
          dataFolder,
          status.found(),
          StateFormat.CURRENT);
      StateFormat.upgrade(dataFolder);
    } else if (options.upgrade()) {
      log.info("--upgrade: the state in {} is current, nothing to migrate", dataFolder);
    }
  }

  void attach(RaftConsensus consensus, SelfAddresses addresses) {
    this.consensus = consensus;
    this.addresses = addresses;
    consensus.onRemoved(
        () -> {
          if (gone.compareAndSet(false, true)) {
            goneReason = "removed from the cluster";
            onRemoved.run();
          }
        });
  }

  /** Asks the bootstrap peer's cluster to add this peer, then waits until it has caught up. */
  void join() {
    Multiaddr via = joinVia.orElseThrow();
    PeerId viaPeer =
        via.peerId()
            .orElseThrow(
                () -> new ClusterException("--bootstrap " + via + " has no /p2p/<peer ID>"));
    Duration wait = config.raft().waitForLeaderTimeout().plusSeconds(5);
    log.info("joining the cluster through {}", via);
    try {
      JoinMarker.write(folder.path(), via);
    } catch (IOException e) {
      throw new ClusterException("cannot write " + JoinMarker.path(folder.path()), e);
    }
    try {
      try {
        consensus.requestJoin(
            viaPeer, via.withoutPeerId().hostPort(), addresses.raft().hostPort(), wait);
      } catch (ClusterException e) {
        // An earlier join of this peer that was cut short may still be under way at the leader
        // (Ratis first brings a new peer up to date, then commits it, and refuses other changes
        // meanwhile): when it completes, this peer is a member without a new request.
        // That includes sending it a snapshot, which takes as long as the pinset is large: wait
        // longer than for a plain join. If it does not complete, the daemon exits with the error
        // and the JOINING marker left in place makes the next start try again.
        Duration earlierJoin = wait.multipliedBy(5);
        log.info(
            "the join request failed ({}); waiting up to {}s for an earlier join of this peer to"
                + " complete",
            e.getMessage(),
            earlierJoin.toSeconds());
        if (!consensus.awaitCaughtUp(earlierJoin) || !consensus.isMember()) {
          throw e;
        }
      }
      if (!consensus.awaitCaughtUp(wait)) {
        throw new ClusterException(
            "did not catch up with the cluster within " + wait.toSeconds() + "s");
      }
      JoinMarker.clear(folder.path());
    } catch (IOException e) {
      throw new ClusterException("cannot remove " + JoinMarker.path(folder.path()), e);
    } catch (ClusterException e) {
      throw new ClusterException(
          "this peer was not able to become part of the cluster through "
              + via
              + ": "
              + e.getMessage()
              + ". Check that the address is the peer's Raft address (its"
              + " cluster.listen_multiaddress port), that it is up, that a majority of the"
              + " cluster is up, and that this peer's announced address ("
              + addresses.raft()
              + ") is reachable from it.",
          e);
    }
    log.info("joined the cluster: {} members", consensus.members().size());
  }

  /** On shutdown: leaves the cluster when asked to ({@code --leave} or leave_on_shutdown). */
  void leaveIfAsked() {
    boolean asked = options.leave() || config.cluster().leaveOnShutdown();
    if (!asked || gone.get() || consensus == null || !consensus.isMember()) {
      return;
    }
    Duration wait = config.raft().waitForLeaderTimeout();
    try {
      consensus.removePeer(self).get(wait.toMillis(), TimeUnit.MILLISECONDS);
      gone.set(true);
      goneReason = "left the cluster on shutdown";
      log.info("left the cluster");
    } catch (Exception e) {
      log.warn("could not leave the cluster within {}s: {}", wait.toSeconds(), e.toString());
    }
  }

  /** After shutdown: cleans up when this peer is no longer a member. */
  void cleanUpIfGone() throws IOException {
    if (!gone.get()) {
      return;
    }
    var backup = StateFolders.rotate(dataFolder, config.raft().backupsRotate());
    Peerstore.write(folder.resolveFile(config.cluster().peerstoreFile()), List.of());
    RemovedMarker.write(folder.path(), goneReason, Instant.now());
    log.warn(
        "this peer {}: its state was moved to {} and its peer list cleared; it will refuse to"
            + " start until started with --bootstrap",
        goneReason,
        backup.map(Path::toString).orElse("(none)"));
  }
}
