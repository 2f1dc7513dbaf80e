package io.pincluster.faults.net;

/** What a {@link FaultProxy} does with the traffic of one link (one source, one destination). */
public enum LinkState {
  /** Forward every byte (after the link's delay, if any). */
  PASS,
  /**
   * A hard cut: new connections are reset as soon as they are accepted, and established ones are
   * reset (RST on both sides). The peers see "connection refused/reset" at once.
   */
  CUT,
  /**
   * A silent partition: nothing is forwarded, nothing is reset. New connections are accepted and
   * held unconnected; established ones stop forwarding (bytes stay in the proxy and in the TCP
   * buffers, so senders eventually block as if the network dropped their packets). On heal, held
   * bytes flow again in order, as after a real outage TCP retransmits; a held new connection is
   * then forwarded.
   */
  BLACKHOLE
}
