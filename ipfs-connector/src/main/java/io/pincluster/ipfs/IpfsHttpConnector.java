package io.pincluster.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.InvalidRequestException;
import io.pincluster.core.IpfsConnector;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.IpfsAdded;
import io.pincluster.core.api.IpfsId;
import io.pincluster.core.api.IpfsPin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.RepoStat;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.IpfsHttpSection;
import io.pincluster.core.config.PinMethod;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.ipfs.internal.CarRoots;
import io.pincluster.ipfs.internal.ConcatIterator;
import io.pincluster.ipfs.internal.FailureBackoff;
import io.pincluster.ipfs.internal.KuboAnswers;
import io.pincluster.ipfs.internal.KuboClient;
import io.pincluster.ipfs.internal.KuboJson;
import io.pincluster.ipfs.internal.NdjsonIterator;
import io.pincluster.ipfs.internal.PinStreams;
import io.pincluster.ipfs.internal.SharedCalls;
import io.pincluster.ipfs.internal.StreamedBody;
import io.pincluster.ipfs.internal.SwarmConnects;
import io.pincluster.ipfs.internal.Timeout;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.MultipartBody;
import okhttp3.OkHttpClient;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The {@link IpfsConnector} for a Kubo (or js-ipfs) node, spoken to over its RPC API ({@code POST
 * http://host:port/api/v0/<cmd>}) with OkHttp.
 *
 * <p>Pinning: {@code pin/add?progress=true}, which the node answers at once for a CID it already
 * holds recursively. With {@code pin_method: refs} a recursive pin first makes sure the node holds
 * the DAG; {@link #pin} asks {@code pin/ls} first, so that a DAG the node already holds is not
 * walked again, and {@link #pinNew} does not. The node is first asked to walk the DAG from its own
 * blocks ({@code refs -r} with {@code offline=true}, which Kubo fails at the first block it lacks
 * instead of fetching it); such walks of pins ready at about the same time share a call ({@link
 * SharedCalls}). A DAG the node does not hold whole is then fetched with {@code refs -r}, alone.
 * Once the node holds the DAG, its {@code pin/add} shares a call with the other pins ready
 * meanwhile, unless the DAGs walked in its {@code refs} call have more than {@value
 * #MAX_REFS_TO_SHARE_A_CALL} blocks. Shared calls carry at most {@value #MAX_PINS_PER_CALL} CIDs,
 * at most {@value #MAX_PIN_CALLS_IN_FLIGHT} of each kind are in flight, and one that fails is sent
 * again by each pin alone. (js-ipfs ignores {@code offline}: there a walk fetches what is missing,
 * and a shared one waits for the slowest DAG in it.) {@link #pin} also leaves a direct pin alone
 * when {@code pin/ls?type=direct} finds it. {@code pin_timeout} is counted from the last time the
 * reported progress grew (a new block fetched), or from the start when the node reports none
 * (js-ipfs never does); silence is bounded by the same value ({@code pin/update} too). {@code
 * unpin_timeout} bounds {@code pin/rm}, {@code repogc_timeout} the whole {@code repo/gc}, and
 * {@code ipfs_request_timeout} every other call, except the streamed {@code pin/ls} listing, where
 * it bounds silence only (a listing of millions of pins lasts as long as its reader needs). {@code
 * connect_swarms_delay} is used by {@link #connectSwarmsAfterDelay}. Answers are streamed, never
 * buffered whole.
 *
 * <p>Leniency: CIDs are compared by multihash (nodes answer in other bases and versions), numbers
 * may arrive as strings, unknown fields and {@code null} lists are accepted; "not pinned" refusals
 * count as success for unpin and as "not pinned" for {@link #pinStatus}.
 *
 * <p>After 10 consecutive failures to reach the node, requests are limited to one per second until
 * one reaches it. Thread-safe; interrupting a caller cancels its HTTP call (but not the reading of
 * an iterator it already holds, which is bounded by its timeout). Threads: {@code ipfs-http-N}
 * (OkHttp's dispatcher, at most 64), OkHttp's shared {@code OkHttp TaskRunner}, and {@code
 * ipfs-connect-swarms} (one, only once {@link #connectSwarmsAfterDelay} is used).
 */
public final class IpfsHttpConnector implements IpfsConnector {
  /** The most roots one {@code dag/import} answer is read for. */
  private static final int MAX_IMPORT_ROOTS = 100_000;

  private final IpfsHttpSection config;
  private final KuboClient client;
  private final SwarmConnects swarms;
  private final SharedCalls<Long> localWalks;
  private final SharedCalls<Void> fetchedPins;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * The most CIDs in one shared call ({@code refs}, {@code pin/add}): a URL of about 4 KB, well
   * under the 16 KB of request head that js-ipfs (Node.js) takes.
   */
  static final int MAX_PINS_PER_CALL = 64;

  /**
   * The largest DAG (blocks below the root, as {@code refs -r} counted them) whose {@code pin/add}
   * shares a call: the node walks the DAG again to pin it, so a shared call is held up by its
   * largest DAG; larger ones are pinned alone.
   */
  static final long MAX_REFS_TO_SHARE_A_CALL = 1_000;

  /**
   * The most such {@code pin/add} calls in flight at once: a node answering one request at a time
   * (js-ipfs) gains nothing from more, and a second lane keeps a large DAG's pin (the node walks it
   * even when local) from holding up every other.
   */
  static final int MAX_PIN_CALLS_IN_FLIGHT = 2;

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
    this.swarms = new SwarmConnects(this::swarmConnect, client.node());
    this.localWalks =
        new SharedCalls<>(this::localRefs, MAX_PINS_PER_CALL, MAX_PIN_CALLS_IN_FLIGHT);
    this.fetchedPins =
        new SharedCalls<>(
            cids -> {
              pinAdd(cids, PinMode.RECURSIVE);
              return null;
            },
            MAX_PINS_PER_CALL,
            MAX_PIN_CALLS_IN_FLIGHT);
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
   * Pins {@code cid}; returns once the node confirms it. Idempotent: {@code pin/add} of a CID the
   * node holds recursively changes nothing; a direct pin, and with {@code pin_method: refs} a
   * recursive one, is left alone when {@code pin/ls?arg=<cid>&type=<mode>} finds it pinned so.
   *
   * @throws IpfsException when refused, unreachable, or no progress for pin_timeout (the pin may
   *     then still complete in IPFS; retrying is safe)
   */
  @Override
  public void pin(Cid cid, PinMode mode) {
    pin(cid, mode, true);
  }

  /**
   * As {@link #pin}, without its {@code pin/ls} check: one call fewer per pin (figure 7 of {@code
   * docs/benchmarks.md}), at the cost of a local DAG walk ({@code refs -r}) when the node does hold
   * the CID.
   */
  @Override
  public void pinNew(Cid cid, PinMode mode) {
    pin(cid, mode, false);
  }

  private void pin(Cid cid, PinMode mode, boolean mayHold) {
    checkOpen();
    boolean refs = config.pinMethod() == PinMethod.REFS && mode == PinMode.RECURSIVE;
    if (mayHold && (mode == PinMode.DIRECT || refs) && pinnedAs(cid, mode)) {
      return;
    }
    if (refs) {
      long blocks = localWalks.call(cid); // of every DAG walked in the same call
      if (blocks == PinStreams.NOT_LOCAL) {
        blocks =
            client.call(
                "refs",
                client.url("refs", "arg", cid.toString(), "recursive", "true"),
                Timeout.PIN,
                r -> PinStreams.refs(client, cid, r));
      }
      if (blocks <= MAX_REFS_TO_SHARE_A_CALL) {
        fetchedPins.call(cid); // local now: shares a call with the other pins ready meanwhile
        return;
      }
    }
    pinAdd(List.of(cid), mode);
  }

  /**
   * Pins up to {@value #MAX_PINS_PER_CALL} CIDs a call with one {@code pin/add} and {@code
   * offline=true}, which Kubo refuses at the first block it lacks instead of fetching it (those
   * before it are pinned by then). Only a call the node refuses (its answer says so, in the status,
   * an error line or the {@code X-Stream-Error} trailer) falls back to walking the same CIDs with
   * {@code refs -r} and {@code offline=true}, split in halves until each CID's own answer is known
   * (k CIDs missing among n cost about 2k·log2(n/k) more walks), then one {@code pin/add} of those
   * held. A call that fails otherwise (unreachable, no progress for {@code pin_timeout},
   * interrupted) ends it: the CIDs not pinned by then are left to the caller. js-ipfs ignores
   * {@code offline} and reports no progress on {@code pin/add}: there the first call fetches what
   * is missing, and {@code pin_timeout} bounds the whole call, not each DAG (a batch that takes
   * longer is left to the caller, which pins each alone). These calls do not go through {@link
   * SharedCalls}: each caller (a tracker worker) has at most one in flight.
   */
  @Override
  public Set<Cid> pinLocal(List<Cid> cids) {
    Set<Cid> pinned = new HashSet<>();
    try {
      checkOpen();
      for (int from = 0; from < cids.size(); from += MAX_PINS_PER_CALL) {
        List<Cid> chunk = cids.subList(from, Math.min(cids.size(), from + MAX_PINS_PER_CALL));
        if (pinAddOffline(chunk)) {
          pinned.addAll(chunk);
          continue;
        }
        List<Cid> held = new ArrayList<>();
        collectHeld(chunk, held);
        if (!held.isEmpty()) {
          pinAdd(held, PinMode.RECURSIVE);
          pinned.addAll(held);
        }
      }
    } catch (IpfsException e) {
      // unreachable, no progress or interrupted: the rest is pinned one by one, with the node's
      // own answer
    }
    return pinned;
  }

  /**
   * One recursive {@code pin/add} of {@code cids} with {@code offline=true}: true when the node
   * pinned them all, false when it refused (a block it lacks, or anything else it answers).
   *
   * @throws IpfsException when the node cannot be reached, makes no progress for {@code
   *     pin_timeout}, or the call is interrupted
   */
  private boolean pinAddOffline(List<Cid> cids) {
    String[] params = argsThen(cids, "recursive", "true", "progress", "true", "offline", "true");
    String what = describe(cids);
    return client.call(
        "pin/add",
        client.url("pin/add", params),
        Timeout.PIN,
        r -> PinStreams.pinAddRefusal(client, "pin/add", what, r) == null,
        (status, message) -> false);
  }

  /** Adds to {@code held} those of {@code cids} whose DAG the node holds whole. */
  private void collectHeld(List<Cid> cids, List<Cid> held) {
    if (localRefs(cids) != PinStreams.NOT_LOCAL) {
      held.addAll(cids);
    } else if (cids.size() > 1) {
      int half = cids.size() / 2;
      collectHeld(cids.subList(0, half), held);
      collectHeld(cids.subList(half, cids.size()), held);
    }
  }

  /**
   * {@code refs -r} of {@code cids} with {@code offline=true}: the blocks below them all, or {@link
   * PinStreams#NOT_LOCAL} when the node refused (it lacks a block, or anything else: the pin then
   * takes the fetching path, which reports the node's own answer).
   */
  private Long localRefs(List<Cid> cids) {
    String what = describe(cids);
    return client.call(
        "refs",
        client.url("refs", argsThen(cids, "recursive", "true", "offline", "true")),
        Timeout.PIN,
        r -> PinStreams.localRefs(client, what, r),
        (status, message) -> PinStreams.NOT_LOCAL);
  }

  /** Query parameters: {@code arg=<cid>} for each of {@code cids}, then {@code more}. */
  private static String[] argsThen(List<Cid> cids, String... more) {
    String[] params = new String[2 * cids.size() + more.length];
    int i = 0;
    for (Cid c : cids) {
      params[i++] = "arg";
      params[i++] = c.toString();
    }
    System.arraycopy(more, 0, params, i, more.length);
    return params;
  }

  /** The CID, or how many, for messages. */
  private static String describe(List<Cid> cids) {
    return cids.size() == 1 ? cids.get(0).toString() : cids.size() + " CIDs";
  }

  /** One {@code pin/add} of {@code cids} in {@code mode}, with progress. */
  private void pinAdd(List<Cid> cids, PinMode mode) {
    String[] params =
        argsThen(cids, "recursive", String.valueOf(mode == PinMode.RECURSIVE), "progress", "true");
    String what = describe(cids);
    client.call(
        "pin/add",
        client.url("pin/add", params),
        Timeout.PIN,
        r -> PinStreams.pinAdd(client, "pin/add", what, r));
  }

  /** Unpins {@code cid} ({@code pin/rm}, bounded by unpin_timeout); "not pinned" is success. */
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

  /**
   * {@code pin/ls?arg=<cid>&type=recursive}, then {@code type=direct}: never {@code type=all},
   * which makes the node walk every recursive pin to look for an indirect one.
   */
  @Override
  public Optional<PinMode> pinStatus(Cid cid) {
    checkOpen();
    for (PinMode mode : PinMode.values()) {
      if (pinnedAs(cid, mode)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }

  /**
   * Every recursive, then every direct pin ({@code pin/ls?type=recursive&stream=true}, then {@code
   * type=direct}; the second request is sent once the first listing is read), never held in memory.
   * Indirect pins are not listed: asking for them makes the node walk every DAG. The node may not
   * stay silent longer than ipfs_request_timeout; the listing as a whole lasts as long as the
   * caller reads. The caller closes the iterator.
   *
   * @throws IpfsException when the node cannot be reached or refuses (also from the iterator,
   *     mid-stream)
   */
  @Override
  public CloseableIterator<IpfsPin> pinLs() {
    checkOpen();
    return new ConcatIterator<>(
        List.of(() -> pinLs(PinMode.RECURSIVE), () -> pinLs(PinMode.DIRECT)));
  }

  /**
   * The pins of one mode ({@code pin/ls?type=<mode>&stream=true}), read lazily like {@link
   * #pinLs()}.
   */
  public CloseableIterator<IpfsPin> pinLs(PinMode mode) {
    checkOpen();
    return client.call(
        "pin/ls",
        client.url("pin/ls", "type", mode.wire(), "stream", "true"),
        Timeout.STREAM,
        r -> new NdjsonIterator<>(client, "pin/ls", Timeout.STREAM, r, PinStreams::pinLsLine));
  }

  /**
   * Pins {@code to} recursively by updating the pin of {@code from} ({@code
   * pin/update?unpin=false}, which fetches only the difference); {@code from} stays pinned. A node
   * without {@code pin/update} (js-ipfs: HTTP 404), or where {@code from} is not pinned
   * recursively, gets a plain {@link #pin} of {@code to}. Idempotent; bounded like {@link #pin}.
   */
  @Override
  public void pinUpdate(Cid from, Cid to) {
    pinUpdate(from, to, false);
  }

  /** {@link #pinUpdate(Cid, Cid)}, then unpins {@code from} when {@code unpinFrom}. */
  public void pinUpdate(Cid from, Cid to, boolean unpinFrom) {
    checkOpen();
    boolean done = pinnedAs(to, PinMode.RECURSIVE);
    if (!done) {
      done =
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
                PinStreams.pinAdd(client, "pin/update", to.toString(), r);
                return Boolean.TRUE;
              },
              (status, message) -> PinStreams.cannotUpdate(status, message) ? Boolean.FALSE : null);
      if (done) {
        return;
      }
      pin(to, PinMode.RECURSIVE, false); // just found not pinned
    }
    if (unpinFrom && !from.multihash().equals(to.multihash())) {
      unpin(from);
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

  /**
   * Runs the node's garbage collection ({@code repo/gc?stream-errors=true}): one entry per removed
   * block or error, read lazily. The whole collection, reading included, is bounded by
   * repogc_timeout. The caller closes the iterator.
   */
  @Override
  public CloseableIterator<RepoGcKey> repoGc() {
    checkOpen();
    return client.call(
        "repo/gc",
        client.url("repo/gc", "stream-errors", "true"),
        Timeout.REPOGC,
        r -> new NdjsonIterator<>(client, "repo/gc", Timeout.REPOGC, r, KuboAnswers::gcLine));
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

  /** {@code swarm/peers}: the peer IDs the node is connected to ({@code Peers} may be null). */
  @Override
  public List<String> swarmPeers() {
    checkOpen();
    return client.call(
        "swarm/peers",
        client.url("swarm/peers"),
        Timeout.REQUEST,
        r -> List.copyOf(KuboAnswers.swarmPeers(json(r))));
  }

  /**
   * Stores one block ({@code block/put?format=<format>}, multipart) and returns the CID the node
   * made of it. For {@code raw} also sends {@code cid-codec=raw}, which Kubo prefers; other formats
   * are sent only as the legacy {@code format}, because Kubo refuses a non-raw {@code cid-codec}
   * next to it.
   */
  @Override
  public Cid blockPut(byte[] data, String format) {
    checkOpen();
    String f = format == null || format.isBlank() ? "raw" : format;
    RequestBody body =
        new MultipartBody.Builder()
            .setType(MultipartBody.FORM)
            .addFormDataPart(
                "data", "data", RequestBody.create(data, MediaType.get("application/octet-stream")))
            .build();
    HttpUrl url =
        f.equals("raw")
            ? client.url("block/put", "format", f, "cid-codec", "raw", "mhtype", "sha2-256")
            : client.url("block/put", "format", f, "mhtype", "sha2-256");
    return client.call(
        "block/put",
        url,
        body,
        Timeout.REQUEST,
        r ->
            KuboAnswers.blockKey(json(r))
                .orElseThrow(() -> client.refused("block/put", "the answer has no readable Key")),
        (status, message) -> null);
  }

  /**
   * Resolves an IPFS path to the CID it ends at. {@code /ipfs/<cid>} (or {@code /ipld/<cid>}, or a
   * bare CID) is answered without asking the node; anything else goes to {@code
   * resolve?recursive=true} ({@code /ipns/} names included), and when the answer still has a path
   * inside a block ({@code /ipfs/<cid>/a/b} in a dag-cbor node), to {@code dag/resolve} for the
   * last CID on the way.
   */
  @Override
  public Cid resolve(String path) {
    checkOpen();
    Optional<Cid> direct = KuboAnswers.justACid(path);
    if (direct.isPresent()) {
      return direct.get();
    }
    String resolved =
        client.call(
            "resolve",
            client.url("resolve", "arg", path, "recursive", "true"),
            Timeout.REQUEST,
            r -> KuboJson.text(json(r), "Path"));
    Optional<Cid> cid = KuboAnswers.justACid(resolved);
    if (cid.isPresent()) {
      return cid.get();
    }
    if (!resolved.startsWith("/ipfs/") && !resolved.startsWith("/ipld/")) {
      throw client.refused("resolve", "unexpected answer for " + path + ": \"" + resolved + "\"");
    }
    return client.call(
        "dag/resolve",
        client.url("dag/resolve", "arg", resolved),
        Timeout.REQUEST,
        r ->
            KuboJson.cid(json(r).get("Cid"))
                .orElseThrow(
                    () ->
                        client.refused(
                            "dag/resolve", "the answer for " + resolved + " has no Cid")));
  }

  /**
   * Adds content ({@code add}): streams the multipart body to the node as it arrives (chunked,
   * never held whole), with {@code params} (Kubo's names; {@code pin} and {@code stream-channels}
   * are always {@code false} and {@code true}), and streams the node's output lines back as they
   * come: added objects {@code {"Name","Hash","Size"}} and, with {@code progress=true}, progress
   * {@code {"Name","Bytes"}} (numbers may be strings, as js-ipfs sends them). The node may stay
   * silent (while reading the body, or between lines) at most ipfs_request_timeout; the whole add
   * lasts as long as the upload and the reader need. The caller closes the iterator.
   *
   * <p>Like most HTTP/1.1 clients, OkHttp reads the answer only once the whole body is sent, while
   * the node answers as it reads; what the node writes meanwhile (a line per file, a progress line
   * per chunk) waits in the socket buffers, a few megabytes on a typical system.
   *
   * @throws IpfsException when the node cannot be reached or refuses (also from the iterator)
   * @throws InvalidRequestException when the node answers 400: it refused the body or the options
   *     (Kubo's answer to a multipart body without files, or a malformed one), nothing was added
   */
  @Override
  public CloseableIterator<IpfsAdded> add(
      InputStream body, String contentType, Map<String, String> params) {
    checkOpen();
    List<String> query = new ArrayList<>();
    new TreeMap<>(params)
        .forEach(
            (k, v) -> {
              if (!k.equals("pin") && !k.equals("stream-channels") && !k.equals("arg")) {
                query.add(k);
                query.add(v);
              }
            });
    query.addAll(List.of("pin", "false", "stream-channels", "true"));
    return client.call(
        "add",
        client.url("add", query.toArray(new String[0])),
        body(body, contentType),
        Timeout.STREAM,
        r -> new NdjsonIterator<>(client, "add", Timeout.STREAM, r, this::addLine),
        (status, message) -> {
          if (status == 400) {
            throw new InvalidRequestException(
                "IPFS at " + client.node() + " refused add: " + message);
          }
          return null;
        });
  }

  private void addLine(JsonNode line, java.util.function.Consumer<IpfsAdded> out) {
    try {
      KuboAnswers.addLine(line, out);
    } catch (IllegalArgumentException e) {
      throw client.refused("add", e.getMessage());
    }
  }

  /**
   * Imports a CAR ({@code dag/import?pin-roots=false}): streams the multipart body to the node as
   * it arrives and returns the CAR's roots. Nodes report roots only when they pin them, so the
   * roots are read from the CAR header as it is sent (when the node does report some, those are
   * used). Bounded like {@link #add}. A node without {@code dag/import} (HTTP 404) fails with a
   * message saying so.
   *
   * @throws IpfsException when the node cannot be reached, refuses, or the CAR names no root
   */
  @Override
  public List<Cid> dagImport(InputStream body, String contentType) {
    checkOpen();
    CarRoots watched = new CarRoots(body);
    List<Cid> reported =
        client.call(
            "dag/import",
            client.url("dag/import", "pin-roots", "false"),
            body(watched, contentType),
            Timeout.STREAM,
            r -> importedRoots(r),
            (status, message) -> {
              if (status == 404) {
                throw new IpfsException(
                    "IPFS at "
                        + client.node()
                        + " does not support dag/import (HTTP 404), so CAR files cannot be"
                        + " imported into it; add the content as files instead");
              }
              return null;
            });
    if (!reported.isEmpty()) {
      return reported;
    }
    List<Cid> roots =
        watched
            .roots()
            .orElseThrow(
                () -> client.refused("dag/import", "the body does not start with a CAR v1 header"));
    if (roots.isEmpty()) {
      throw client.refused("dag/import", "the CAR has no root");
    }
    return roots;
  }

  private List<Cid> importedRoots(Response r) {
    List<Cid> roots = new ArrayList<>();
    try (NdjsonIterator<Cid> it =
        new NdjsonIterator<>(
            client,
            "dag/import",
            Timeout.STREAM,
            r,
            (line, out) -> KuboAnswers.importedRoot(line).ifPresent(out))) {
      while (it.hasNext() && roots.size() < MAX_IMPORT_ROOTS) {
        roots.add(it.next());
      }
    }
    return List.copyOf(roots);
  }

  private static RequestBody body(InputStream in, String contentType) {
    try {
      return new StreamedBody(in, contentType);
    } catch (IllegalArgumentException e) {
      throw new IpfsException("cannot send the body to IPFS: " + e.getMessage(), e);
    }
  }

  /** {@code version}: the node's {@code Version} text ({@code 0.30.0}, js-ipfs {@code 0.18.1}). */
  @Override
  public String version() {
    checkOpen();
    return client.call(
        "version",
        client.url("version"),
        Timeout.REQUEST,
        r -> {
          String version = KuboJson.text(json(r), "Version");
          if (version.isEmpty()) {
            throw client.refused("version", "the answer has no Version");
          }
          return version;
        });
  }

  /**
   * Once {@code connect_swarms_delay} has passed, connects the node to every address {@code
   * addresses} supplies then (typically the other cluster peers' IPFS nodes, {@code …/p2p/<id>}),
   * one after the other, best effort: a failed connect is logged and skipped. Runs on this
   * connector's {@code ipfs-connect-swarms} thread; {@link #close()} cancels it.
   *
   * @return how many connects succeeded
   */
  public CompletableFuture<Integer> connectSwarmsAfterDelay(
      Supplier<? extends Collection<Multiaddr>> addresses) {
    checkOpen();
    return swarms.connectAfter(config.connectSwarmsDelay(), addresses);
  }

  /** Idempotent; cancels calls in flight and releases the connections and threads it created. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      swarms.close();
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

  /** Whether {@code pin/ls?arg=<cid>&type=<mode>} lists {@code cid}; "not pinned" is false. */
  private boolean pinnedAs(Cid cid, PinMode mode) {
    return client.call(
        "pin/ls",
        client.url("pin/ls", "arg", cid.toString(), "type", mode.wire()),
        Timeout.REQUEST,
        r -> PinStreams.pinStatus(cid, r).equals(Optional.of(mode)),
        (status, message) -> PinStreams.isNotPinned(message) ? Boolean.FALSE : null);
  }

  private JsonNode json(Response r) throws IOException {
    return KuboJson.object(KuboJson.readAll(r.body().source(), 1024 * 1024));
  }
}
