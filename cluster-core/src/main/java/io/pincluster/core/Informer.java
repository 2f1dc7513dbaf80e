package io.pincluster.core;

import io.pincluster.core.api.Metric;

/** Produces one kind of metric about this peer (free space, tags…). Thread-safe, may block. */
public interface Informer {
  /** The metric name, e.g. {@code freespace}. */
  String name();

  /** A fresh reading; {@code valid=false} when it could not be taken (it is then not published). */
  Metric metric();
}
