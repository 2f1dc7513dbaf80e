package io.pincluster.core.config;

import java.util.Objects;

/**
 * The whole of {@code service.json}: one validated record per section. Immutable; built by {@link
 * ConfigLoader} before anything starts.
 */
public record ServiceConfig(
    ClusterSection cluster,
    RaftSection raft,
    IpfsProxySection ipfsProxy,
    RestApiSection restApi,
    IpfsHttpSection ipfsHttp,
    MapTrackerSection mapTracker,
    MonBasicSection monBasic,
    BalancedAllocatorSection balancedAllocator,
    DiskInformerSection diskInformer,
    TagsInformerSection tagsInformer,
    MetricsSection metrics) {

  public ServiceConfig {
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(raft, "raft");
    Objects.requireNonNull(ipfsProxy, "ipfsProxy");
    Objects.requireNonNull(restApi, "restApi");
    Objects.requireNonNull(ipfsHttp, "ipfsHttp");
    Objects.requireNonNull(mapTracker, "mapTracker");
    Objects.requireNonNull(monBasic, "monBasic");
    Objects.requireNonNull(balancedAllocator, "balancedAllocator");
    Objects.requireNonNull(diskInformer, "diskInformer");
    Objects.requireNonNull(tagsInformer, "tagsInformer");
    Objects.requireNonNull(metrics, "metrics");
  }

  /** Every default, with the given peer name and secret. */
  public static ServiceConfig defaults(String peername, String secret) {
    return new ServiceConfig(
        ClusterSection.defaults(peername, secret),
        RaftSection.defaults(),
        IpfsProxySection.defaults(),
        RestApiSection.defaults(),
        IpfsHttpSection.defaults(),
        MapTrackerSection.defaults(),
        MonBasicSection.defaults(),
        BalancedAllocatorSection.defaults(),
        DiskInformerSection.defaults(),
        TagsInformerSection.defaults(),
        MetricsSection.defaults());
  }
}
