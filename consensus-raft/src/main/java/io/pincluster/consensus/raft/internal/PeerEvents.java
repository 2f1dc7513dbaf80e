package io.pincluster.consensus.raft.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the state machine reports into what the rest of the peer needs: applied indexes (for
 * write waiters), a fatal apply error, new configurations (to refresh peer connections), and above
 * all <em>this peer was removed from the group</em>.
 *
 * <p>Removal is recognised two ways (Ratis has no dedicated notification, see ratis.md pitfall 11):
 * a committed, non-transitional configuration applied here no longer lists this peer; or the
 * division closed by itself (Ratis shuts down a removed peer's division when it finds itself
 * outside the configuration or a leader tells it so) while its latest configuration does not list
 * it. Only configurations newer than the one at start count, and only after this peer has been a
 * member, so replaying old entries (or joining) never looks like a removal. A removed peer that was
 * cut off while the change committed never receives the configuration without it: the leader tells
 * it to shut down when it next asks for votes, and its latest configuration still lists it. So when
 * the division closes by itself while its configuration lists this peer, the cluster's leader is
 * asked ({@link RemovalCheck}, on a new thread named {@code raft-removal-check-<peer>}); only if it
 * does not confirm the removal is the close reported as a failure. Removal listeners run once, on a
 * new thread named {@code raft-removed-<peer>}, never on a Ratis thread.
 *
 * <p>Thread-safe. Events that arrive before {@link #started} are held back and handled then.
 */
public final class PeerEvents implements StateMachineEvents {
  private static final Logger LOG = LoggerFactory.getLogger(PeerEvents.class);

  private record Conf(long index, RaftConfigurationProto conf) {}

  /** Asks the rest of the cluster whether this peer is still a member. */
  @FunctionalInterface
  public interface RemovalCheck {
    /**
     * Asks the members of {@code lastKnown} (the last configuration this peer knew) for the
     * cluster's leader and its configuration. Returns why this peer is no longer a member when the
     * leader's configuration (old and new peers while a change is in progress) does not list it;
     * empty when the leader still lists it or no leader answered in time. Blocks for a bounded
     * time.
     */
    Optional<String> whyRemoved(Membership lastKnown);
  }

  private final RaftPeerId self;
  private final String peerName;
  private final AppliedIndexWaiters waiters;
  private final LeaderContact contact;
  private final List<Runnable> removedListeners = new ArrayList<>(); // guarded by itself
  private final AtomicBoolean removed = new AtomicBoolean();
  private final List<Conf> early = new ArrayList<>(); // guarded by this
  private volatile boolean started;
  private volatile boolean closing;
  private volatile boolean wasMember;
  private volatile long startConfIndex = Long.MAX_VALUE;
  private volatile String failure;
  private volatile Supplier<Optional<Membership>> currentConf = Optional::empty;
  private volatile Consumer<RaftConfigurationProto> onConfiguration = c -> {};
  private volatile RemovalCheck removalCheck = m -> Optional.empty();
  private volatile Membership lastKnown;

  /**
   * @param peerName this peer's short name, in the names of the threads started here
   */
  public PeerEvents(
      RaftPeerId self, String peerName, AppliedIndexWaiters waiters, LeaderContact contact) {
    this.self = self;
    this.peerName = peerName;
    this.waiters = waiters;
    this.contact = contact;
  }

  /**
   * The division runs: {@code confIndex} is the log index of its configuration now and {@code
   * member} whether that lists this peer; {@code removalCheck} is asked when the division closes by
   * itself while its configuration still lists this peer.
   */
  public void started(
      long confIndex,
      boolean member,
      Supplier<Optional<Membership>> currentConf,
      Consumer<RaftConfigurationProto> onConfiguration,
      RemovalCheck removalCheck) {
    List<Conf> held;
    synchronized (this) {
      this.startConfIndex = confIndex;
      this.wasMember = member;
      this.currentConf = currentConf;
      this.onConfiguration = onConfiguration;
      this.removalCheck = removalCheck;
      this.lastKnown = currentConf.get().orElse(null);
      this.started = true;
      held = new ArrayList<>(early);
      early.clear();
    }
    held.forEach(c -> configurationApplied(c.index(), c.conf()));
  }

  /** Our own close starts: the division closing is no news then. */
  public void closing() {
    closing = true;
  }

  /** Runs {@code r} once when this peer is found removed (at once, if it already was). */
  public void onRemoved(Runnable r) {
    synchronized (removedListeners) {
      if (!removed.get()) {
        removedListeners.add(r);
        return;
      }
    }
    runOnNewThread(List.of(r));
  }

  public boolean isRemoved() {
    return removed.get();
  }

  /** When state from a leader last arrived here. */
  public LeaderContact leaderContact() {
    return contact;
  }

  /** Why applying stopped for good, if it did. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void applied(long index) {
    if (waiters.advance(index)) {
      contact.received();
    }
  }

  @Override
  public void snapshotChunkReceived() {
    contact.received();
  }

  @Override
  public void fatal(long index, String message) {
    failure = message;
  }

  @Override
  public void configurationApplied(long index, RaftConfigurationProto conf) {
    synchronized (this) {
      if (!started) {
        early.add(new Conf(index, conf));
        return;
      }
    }
    if (conf.getOldPeersCount() > 0 || conf.getOldListenersCount() > 0) {
      return; // transitional: the final configuration follows
    }
    onConfiguration.accept(conf);
    lastKnown = Membership.of(conf);
    if (lists(conf.getPeersList()) || lists(conf.getListenersList())) {
      wasMember = true;
    } else if (wasMember && index > startConfIndex) {
      removed("the configuration committed at index " + index + " no longer lists it");
    }
  }

  private boolean lists(List<RaftPeerProto> peers) {
    return peers.stream().anyMatch(p -> RaftPeerId.valueOf(p.getId()).equals(self));
  }

  @Override
  public void closed() {
    if (closing || removed.get()) {
      return;
    }
    if (failure != null) {
      LOG.error("the Raft division of {} stopped: {}", self, failure);
      return;
    }
    Optional<Membership> conf = currentConf.get().or(() -> Optional.ofNullable(lastKnown));
    if (wasMember && conf.isPresent() && conf.get().find(self).isEmpty()) {
      removed("its Raft division shut down outside the configuration " + conf.get().all());
    } else if (started && wasMember && conf.isPresent()) {
      Membership last = conf.get();
      LOG.info(
          "the Raft division of {} closed by itself: asking the cluster's leader whether this peer"
              + " was removed",
          self);
      startThread(
          "raft-removal-check-" + peerName,
          () -> {
            Optional<String> why = removalCheck.whyRemoved(last);
            if (why.isPresent()) {
              removed("its Raft division shut down and " + why.get());
            } else if (!closing) {
              closedUnexpectedly();
            }
          });
    } else if (started) {
      closedUnexpectedly();
    }
  }

  private void closedUnexpectedly() {
    failure = "the Raft division of this peer closed unexpectedly";
    LOG.error("the Raft division of {} closed unexpectedly; this peer no longer replicates", self);
  }

  private void removed(String why) {
    List<Runnable> toRun;
    synchronized (removedListeners) {
      if (!removed.compareAndSet(false, true)) {
        return;
      }
      toRun = List.copyOf(removedListeners);
    }
    LOG.warn("peer {} was removed from the cluster: {}", self, why);
    runOnNewThread(toRun);
  }

  private void runOnNewThread(List<Runnable> listeners) {
    List<Runnable> copy = List.copyOf(listeners);
    startThread(
        "raft-removed-" + peerName,
        () -> {
          for (Runnable r : copy) {
            try {
              r.run();
            } catch (RuntimeException e) {
              LOG.warn("a removal listener failed", e);
            }
          }
        });
  }

  private static void startThread(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
