package io.pincluster.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.IpfsHttpSection;
import io.pincluster.core.config.PinMethod;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.ipfs.internal.FailureBackoff;
import io.pincluster.ipfs.internal.KuboClient;
import io.pincluster.ipfs.internal.KuboJson;
import io.pincluster.ipfs.internal.PinLsIterator;
import io.pincluster.ipfs.internal.PinStreams;
import io.pincluster.ipfs.internal.Timeout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import okhttp3.OkHttpClient;
import okhttp3.Response;

/**
 * The {@link IpfsConnector} for a Kubo (or js-ipfs) node, spoken to over its RPC API ({@code POST
 * http://host:port/api/v0/<cmd>}) with OkHttp.
 *
 * <p>Pinning: a CID already pinned in the wanted mode is left alone ({@code pin/ls} first). With
 * {@code pin_method: refs} a recursive pin first fetches the DAG with {@code refs -r}, then {@code
 * pin/add?progress=true}. {@code pin_timeout} is counted from the last time the reported progress
 * grew (a new block fetched), or from the start when the node reports none (js-ipfs never does);
 * silence is bounded by the same value. {@code unpin_timeout} bounds {@code pin/rm} and {@code
 * ipfs_request_timeout} every other call. Answers are streamed, never buffered whole.
 *
 * <p>Leniency: CIDs are compared by multihash (nodes answer in other bases and versions), numbers
 * may arrive as strings, unknown fields and {@code null} lists are accepted; "not pinned" refusals
 * count as success for unpin and as "not pinned" for {@link #pinStatus}.
 *
 * <p>After 10 consecutive failures to reach the node, requests are limited to one per second until
 * one reaches it. Thread-safe; interrupting a caller cancels its HTTP call. Threads: {@code
 * ipfs-http-N} (OkHttp's dispatcher, at most 64) plus OkHttp's shared {@code OkHttp TaskRunner}.
 */
public final class IpfsHttpConnector implements IpfsConnector {
  private final IpfsHttpSection config;
  private final KuboClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** A connector with its own OkHttp client, released by {@link #close()}. */
  public IpfsHttpConnector(IpfsHttpSection config) {
    this(
        config,
        new KuboClient(config, null, System::nanoTime, FailureBackoff.defaults(System::nanoTime)));
  }

  /**
   * A connector deriving its calls from {@code client} (which stays the caller's to shut down) and
   * measuring pin progress on {@code nanoTicker} (a monotonic clock in nanoseconds).
   */
  public IpfsHttpConnector(IpfsHttpSection config, OkHttpClient client, LongSupplier nanoTicker) {
    this(config, new KuboClient(config, client, nanoTicker, FailureBackoff.defaults(nanoTicker)));
  }

  IpfsHttpConnector(IpfsHttpSection config, KuboClient client) {
    this.config = config;
    this.client = client;
  }

  /** The node's peer ID and swarm addresses ({@code id}). */
  @Override
  public IpfsId id() {
    checkOpen();
    return client.call(
        "id",
        client.url("id"),
        Timeout.REQUEST,
        r -> {
          JsonNode node = json(r);
          String id = KuboJson.text(node, "ID");
          if (id.isEmpty()) {
            throw client.refused("id", "the answer has no ID");
          }
          List<String> addresses = new ArrayList<>();
          JsonNode list = node.get("Addresses");
          if (list != null && list.isArray()) {
            list.forEach(a -> addresses.add(a.asText()));
          }
          return new IpfsId(id, addresses, "");
        });
  }

  /**
   * Pins {@code cid}; returns once the node confirms it. Idempotent.
   *
   * @throws IpfsException when refused, unreachable, or no progress for pin_timeout (the pin may
   *     then still complete in IPFS; retrying is safe)
   */
  @Override
  public void pin(Cid cid, PinMode mode) {
    checkOpen();
    if (pinStatus(cid).equals(Optional.of(mode))) {
      return;
    }
    if (config.pinMethod() == PinMethod.REFS && mode == PinMode.RECURSIVE) {
      client.call(
          "refs",
          client.url("refs", "arg", cid.toString(), "recursive", "true"),
          Timeout.PIN,
          r -> PinStreams.refs(client, cid, r));
    }
    client.call(
        "pin/add",
        client.url(
            "pin/add",
            "arg",
            cid.toString(),
            "recursive",
            String.valueOf(mode == PinMode.RECURSIVE),
            "progress",
            "true"),
        Timeout.PIN,
        r -> PinStreams.pinAdd(client, "pin/add", cid, r));
  }

  /** Unpins {@code cid} ({@code pin/rm}); "not pinned" counts as success. */
  @Override
  public void unpin(Cid cid) {
    checkOpen();
    client.call(
        "pin/rm",
        client.url("pin/rm", "arg", cid.toString()),
        Timeout.UNPIN,
        r -> {
          KuboJson.readAll(r.body().source(), 1024 * 1024);
          return Boolean.TRUE;
        },
        (status, message) -> PinStreams.isNotPinned(message) ? Boolean.TRUE : null);
  }

  /** {@code pin/ls?arg=<cid>&type=all}: recursive, direct, or empty (indirect or not pinned). */
  @Override
  public Optional<PinMode> pinStatus(Cid cid) {
    checkOpen();
    return client.call(
        "pin/ls",
        client.url("pin/ls", "arg", cid.toString(), "type", "all"),
        Timeout.REQUEST,
        r -> PinStreams.pinStatus(cid, r),
        (status, message) -> PinStreams.isNotPinned(message) ? Optional.empty() : null);
  }

  /**
   * Every pin of one mode on the node ({@code pin/ls?type=<mode>&stream=true}), read lazily. Not
   * part of {@link IpfsConnector} yet. The caller closes the iterator; the whole read is bounded by
   * ipfs_request_timeout.
   *
   * @throws IpfsException when the node cannot be reached or refuses (also from the iterator)
   */
  public CloseableIterator<Map.Entry<Cid, PinMode>> pinLs(PinMode mode) {
    checkOpen();
    return client.call(
        "pin/ls",
        client.url("pin/ls", "type", mode.wire(), "stream", "true"),
        Timeout.REQUEST,
        r -> new PinLsIterator(client, r));
  }

  /**
   * Moves a recursive pin from {@code from} to {@code to} ({@code pin/update}), keeping {@code
   * from} unless {@code unpinFrom}. Nodes without {@code pin/update} (js-ipfs: HTTP 404) get a
   * plain recursive pin of {@code to} (and an unpin of {@code from} when asked). Not part of {@link
   * IpfsConnector} yet. Bounded like {@link #pin}.
   */
  public void pinUpdate(Cid from, Cid to, boolean unpinFrom) {
    checkOpen();
    Boolean updated =
        client.call(
            "pin/update",
            client.url(
                "pin/update",
                "arg",
                from.toString(),
                "arg",
                to.toString(),
                "unpin",
                String.valueOf(unpinFrom)),
            Timeout.PIN,
            r -> {
              PinStreams.pinAdd(client, "pin/update", to, r);
              return Boolean.TRUE;
            },
            (status, message) -> status == 404 ? Boolean.FALSE : null);
    if (!updated) {
      pin(to, PinMode.RECURSIVE);
      if (unpinFrom) {
        unpin(from);
      }
    }
  }

  /** {@code repo/stat?size-only=true}: RepoSize and StorageMax (numbers or strings). */
  @Override
  public RepoStat repoStat() {
    checkOpen();
    return client.call(
        "repo/stat",
        client.url("repo/stat", "size-only", "true"),
        Timeout.REQUEST,
        r -> {
          JsonNode node = json(r);
          return new RepoStat(
              KuboJson.number(node, "RepoSize", 0), KuboJson.number(node, "StorageMax", 0));
        });
  }

  /** {@code swarm/connect?arg=<address>}. */
  @Override
  public void swarmConnect(Multiaddr address) {
    checkOpen();
    client.call(
        "swarm/connect",
        client.url("swarm/connect", "arg", address.toString()),
        Timeout.REQUEST,
        r -> {
          KuboJson.readAll(r.body().source(), 1024 * 1024);
          return Boolean.TRUE;
        });
  }

  /** Idempotent; cancels calls in flight and releases the connections and threads it created. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }

  @Override
  public String toString() {
    return "IpfsHttpConnector[" + client.node() + "]";
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IpfsException("the connector to IPFS at " + client.node() + " is closed");
    }
  }

  private JsonNode json(Response r) throws IOException {
    return KuboJson.parse(KuboJson.readAll(r.body().source(), 1024 * 1024));
  }
}
