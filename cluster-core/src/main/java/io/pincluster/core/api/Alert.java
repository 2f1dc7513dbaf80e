package io.pincluster.core.api;

import io.pincluster.core.peer.PeerId;
import java.time.Instant;

/** An expired metric that the monitor reported: the metric's fields plus when it was raised. */
public record Alert(
    String name,
    PeerId peer,
    String value,
    long expire,
    boolean valid,
    long weight,
    boolean partitionable,
    long receivedAt,
    Instant triggeredAt) {

  public static Alert of(Metric m, Instant triggeredAt) {
    return new Alert(
        m.name(),
        m.peer(),
        m.value(),
        m.expire(),
        m.valid(),
        m.weight(),
        m.partitionable(),
        m.receivedAt(),
        triggeredAt);
  }
}
