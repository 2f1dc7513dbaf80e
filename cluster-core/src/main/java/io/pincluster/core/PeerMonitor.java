package io.pincluster.core;

import io.pincluster.core.api.Alert;
import io.pincluster.core.api.Metric;
import io.pincluster.core.peer.PeerId;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects the metrics peers publish (a bounded window per (name, peer)), checks them on a timer
 * and raises an {@link Alert} when the latest valid metric of a member expires: one alert per
 * expiry, cleared by a fresh metric. A member never heard from raises a {@code ping} alert once the
 * monitor has run for a whole ping TTL. Thread-safe.
 */
public interface PeerMonitor extends AutoCloseable {
  /** Records a metric received from a peer (or produced locally). Invalid metrics are dropped. */
  void accept(Metric metric);

  /** The latest valid, unexpired metric of this name from each peer, in peer order. */
  List<Metric> latestMetrics(String name);

  /** The names of every metric held, sorted. */
  List<String> metricNames();

  /** True when {@code peer}'s latest {@code ping} is valid and unexpired. */
  boolean isHealthy(PeerId peer);

  /** The alerts raised (at most 1000 kept), newest first. */
  List<Alert> alerts();

  /**
   * Calls {@code listener} with every new alert, on the monitor's checker thread (the listener must
   * not block).
   */
  void addAlertListener(Consumer<Alert> listener);

  @Override
  void close();
}
