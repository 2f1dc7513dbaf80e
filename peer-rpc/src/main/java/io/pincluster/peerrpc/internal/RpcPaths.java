package io.pincluster.peerrpc.internal;

/** The peer RPC endpoints (all {@code GET}). */
public final class RpcPaths {
  public static final String ID = "/rpc/v1/id";
  public static final String STATUS = "/rpc/v1/status";
  public static final String REPOSTAT = "/rpc/v1/repostat";

  private RpcPaths() {}
}
