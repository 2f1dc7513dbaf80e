package io.pincluster.core;

import io.pincluster.core.api.Metric;
import java.util.List;

/** Collects the metrics peers publish and keeps the latest per (name, peer). Thread-safe. */
public interface PeerMonitor extends AutoCloseable {
  /** Records a metric received from a peer (or produced locally). */
  void accept(Metric metric);

  /** The latest valid, unexpired metric of this name from each peer. */
  List<Metric> latestMetrics(String name);

  @Override
  void close();
}
