package io.pincluster.peerrpc.internal;

/**
 * The peer RPC endpoints: {@code GET} for the ones that only report, {@code POST} for the ones that
 * act (recover, sync, repo GC) or carry a body (metrics).
 */
public final class RpcPaths {
  public static final String ID = "/rpc/v1/id";
  public static final String STATUS = "/rpc/v1/status";
  public static final String REPOSTAT = "/rpc/v1/repostat";

  /** {@code POST}: {@code /rpc/v1/recover/{cid}} for one CID, {@code /rpc/v1/recover} for all. */
  public static final String RECOVER = "/rpc/v1/recover";

  /** {@code POST}: {@code /rpc/v1/sync/{cid}} for one CID, {@code /rpc/v1/sync} for all. */
  public static final String SYNC = "/rpc/v1/sync";

  /** {@code POST}: runs the peer's IPFS garbage collection. */
  public static final String REPOGC = "/rpc/v1/repogc";

  /** {@code POST}: a JSON array of metrics for the peer's monitor; answers 204. */
  public static final String METRICS = "/rpc/v1/metrics";

  /** {@code GET}: the peer's {@code PeerLinks} (its part of the connectivity graph). */
  public static final String LINKS = "/rpc/v1/links";

  private RpcPaths() {}
}
