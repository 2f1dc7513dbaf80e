package io.pincluster.faults.crash;

import io.pincluster.testing.Cids;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Continuous ingest: {@code clients} threads, each pinning and unpinning CIDs it alone uses (so a
 * CID's history is sequential), through a random live peer per request, recording every request in
 * a {@link History}. A CID whose request ended unknown is retired (never used again), so a late
 * effect of that request cannot be mistaken for a lost acknowledgement. Deterministic choices per
 * seed (timing still varies). Most CIDs are pinned with the given replication factors, one in four
 * everywhere.
 */
final class Workload {
  /** A peer a client may send to: its name and REST URL. */
  record Target(String name, String url) {}

  private final Rest rest;
  private final History history;
  private final Supplier<List<Target>> live;
  private final LongSupplier millis;
  private final int clients;
  private final long seed;
  private final int rmin;
  private final int rmax;
  private final Duration pause;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();

  /**
   * @param live the peers requests may go to now (the runner removes a peer before killing it)
   * @param millis ms since the run started
   * @param pause between two requests of one client
   */
  Workload(
      Rest rest,
      History history,
      Supplier<List<Target>> live,
      LongSupplier millis,
      int clients,
      long seed,
      int rmin,
      int rmax,
      Duration pause) {
    this.rest = rest;
    this.history = history;
    this.live = live;
    this.millis = millis;
    this.clients = clients;
    this.seed = seed;
    this.rmin = rmin;
    this.rmax = rmax;
    this.pause = pause;
  }

  void start() {
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> loop(client), "crash-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /** Asks the clients to stop and waits for their last requests (at most {@code timeout} each). */
  void stop(Duration timeout) throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(timeout.toMillis());
      if (t.isAlive()) {
        t.interrupt();
        t.join(timeout.toMillis());
      }
    }
  }

  private void loop(int client) {
    Random random = new Random(seed * 1_000_003L + client);
    List<String> active = new ArrayList<>();
    Set<String> pinned = new HashSet<>();
    int created = 0;
    try {
      while (!stop.get()) {
        List<Target> targets = live.get();
        if (targets.isEmpty()) {
          Thread.sleep(pause.toMillis() + 10);
          continue;
        }
        if (active.isEmpty() || (active.size() < 16 && random.nextInt(4) == 0)) {
          active.add(
              Cids.rawOf(
                      ("crash-" + seed + "-client-" + client + "-" + created++)
                          .getBytes(StandardCharsets.UTF_8))
                  .toString());
        }
        String cid = active.get(random.nextInt(active.size()));
        // every fourth CID of a client is pinned everywhere (replication -1): such a pin needs no
        // allocation, so any group that believes it has a majority acknowledges it
        boolean everywhere = cid.hashCode() % 4 == 0;
        Op.Kind kind = pinned.contains(cid) && random.nextInt(3) > 0 ? Op.Kind.UNPIN : Op.Kind.PIN;
        Target target = targets.get(random.nextInt(targets.size()));
        long sent = millis.getAsLong();
        Rest.Answer a;
        InterruptedException interrupted = null;
        try {
          a = rest.write(target.url(), kind, cid, everywhere ? -1 : rmin, everywhere ? -1 : rmax);
        } catch (InterruptedException e) {
          interrupted = e; // recorded as unknown below, then ends this client
          a = new Rest.Answer(Op.Outcome.UNKNOWN, "interrupted while waiting for the answer");
        }
        history.add(
            new Op(
                client,
                kind,
                cid,
                target.name(),
                sent,
                millis.getAsLong(),
                a.outcome(),
                a.detail()));
        if (interrupted != null) {
          throw interrupted;
        }
        switch (a.outcome()) {
          case ACKNOWLEDGED -> {
            if (kind == Op.Kind.PIN) {
              pinned.add(cid);
            } else {
              pinned.remove(cid);
            }
          }
          case UNKNOWN -> {
            active.remove(cid);
            pinned.remove(cid);
          }
          case FAILED -> {
            // nothing changed
          }
        }
        if (!pause.isZero()) {
          Thread.sleep(pause.toMillis());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
