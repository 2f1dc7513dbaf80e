package io.pincluster.testing;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.internal.KuboCommands;
import io.pincluster.testing.internal.KuboState;
import io.pincluster.testing.internal.MiniHttpServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * An in-memory fake IPFS daemon speaking the Kubo RPC API ({@code POST /api/v0/<cmd>}) over real
 * HTTP on 127.0.0.1. Thread-safe; every hook may be called while requests are in flight.
 *
 * <p>Commands: {@code id}, {@code version}, {@code pin/add} (recursive or direct, {@code
 * progress=true} streams {@link #setPinProgressSteps} progress lines; with {@code offline=true} it
 * pins its arguments in order and refuses at the first whose DAG holds a CID gated by {@link
 * #blockPin}, as Kubo refuses a block it lacks; with progress it reports the first pin at once and
 * the count once more before the result, as Kubo's 500 ms progress ticker does for fast pins, so a
 * refusal after the first comes as the {@code X-Stream-Error} trailer), {@code pin/rm}, {@code
 * pin/ls} (one or more {@code arg}s, or the whole pinset; {@code type}; {@code stream=true} for
 * NDJSON), {@code pin/update}, {@code refs} (the links added with {@link #addLink}; other blocks
 * are leaves; with {@code offline=true} a CID held by {@link #blockPin} counts as a block the node
 * lacks), {@code repo/stat}, {@code repo/gc} (drops blocks neither pinned nor linked below a
 * recursive pin), {@code swarm/connect}, {@code swarm/peers}, {@code block/put} (multipart; {@code
 * format} or {@code cid-codec}: raw by default), {@code block/get}, {@code resolve} and {@code
 * dag/resolve} ({@code /ipfs/<cid>[/link…]}, {@code /ipns/<name>} from {@link #setIpns}), {@code
 * add} (multipart files and directories made into real UnixFS DAGs, see {@link #addedCid}: {@code
 * cid-version}, {@code raw-leaves}, {@code chunker=size-N}, {@code hash}, {@code
 * wrap-with-directory}, {@code progress}, {@code pin}, {@code only-hash}) and {@code dag/import}
 * (CAR v1 parts, {@code pin-roots}; see {@link CarFiles}). Failures use Kubo's shape: HTTP 500
 * {@code {"Message":…,"Code":0,"Type":"error"}} (400 and code 1 for missing arguments). GET is
 * refused with 405, like Kubo. Pins are compared by multihash. {@link #emulateJsIpfs} switches to
 * js-ipfs's shapes.
 *
 * <p>Test hooks: pins and unpins behind the clients' backs, gated pins, injected failures, garbage
 * answers ({@link #setGarbage}), latency, and {@link #stop()}/{@link #restart()} on the same port
 * to simulate the daemon going down and coming back.
 *
 * <p>Threads: {@code fakekubo-<port>-accept} and up to 128 {@code fakekubo-<port>-conn-N}, one per
 * open connection (daemon threads; {@code <port>} is the requested one, 0 until a restart).
 *
 * <p>Run standalone with {@code java -cp … io.pincluster.testing.FakeKubo [port [swarm-maddr…]]}:
 * it prints its API URL on one line and serves until killed. With {@code
 * -Dpincluster.fakekubo.preload=FILE} it first loads the recursive pins listed in FILE (see {@link
 * #preloadRecursivePins}) and opens its port only then, so a peer that finds the port open finds
 * every one of them pinned.
 */
public final class FakeKubo implements AutoCloseable {
  private static final int MAX_CONNECTIONS = 128;
  private static final String HOST = "127.0.0.1";

  /** The system property naming a file of pins that {@link #main} preloads before serving. */
  public static final String PRELOAD_PROPERTY = "pincluster.fakekubo.preload";

  private final KuboState state;
  private final KuboCommands commands;
  private final int boundPort;
  private volatile MiniHttpServer server;
  private boolean stopped; // guarded by this
  private boolean closed; // guarded by this

  /** Starts a fake on a free port with swarm address {@code /ip4/127.0.0.1/tcp/4001}. */
  public FakeKubo() {
    this(0);
  }

  /** Starts a fake on {@code port} (0 for a free one). */
  public FakeKubo(int port) {
    this(port, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001")));
  }

  /**
   * Starts a fake on {@code port} (0 for a free one) that reports these swarm addresses (each gets
   * {@code /p2p/<id>} appended in {@code id}).
   *
   * @throws java.io.UncheckedIOException when the port cannot be bound
   */
  public FakeKubo(int port, List<Multiaddr> swarmAddresses) {
    this(port, swarmAddresses, null);
  }

  private FakeKubo(int port, List<Multiaddr> swarmAddresses, Path preload) {
    this.state = new KuboState(swarmAddresses);
    if (preload != null) {
      state.preloadRecursivePins(preload);
    }
    this.commands = new KuboCommands(state);
    this.server =
        new MiniHttpServer("fakekubo-" + port, HOST, port, MAX_CONNECTIONS, commands::handle);
    this.boundPort = server.port();
  }

  /** Runs one fake on {@code args[0]} (default 5001) until the process is killed. */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 5001;
    List<Multiaddr> swarm = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      swarm.add(Multiaddr.parse(args[i]));
    }
    if (swarm.isEmpty()) {
      swarm.add(Multiaddr.parse("/ip4/127.0.0.1/tcp/4001"));
    }
    String preload = System.getProperty(PRELOAD_PROPERTY, "");
    long t0 = System.nanoTime();
    FakeKubo kubo = new FakeKubo(port, swarm, preload.isEmpty() ? null : Path.of(preload));
    if (!preload.isEmpty()) {
      System.out.printf(
          "preloaded %d recursive pins from %s in %.1f s%n",
          kubo.state.pinCount(), preload, (System.nanoTime() - t0) / 1e9);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kubo.close();
                  stopped.countDown();
                },
                "fakekubo-shutdown"));
    System.out.println(kubo.apiUrl());
    System.out.flush();
    stopped.await();
  }

  // ---- addresses ----

  /** The API port; stays the same across {@link #stop()} and {@link #restart()}. */
  public int port() {
    return boundPort;
  }

  /** {@code http://127.0.0.1:<port>} */
  public String apiUrl() {
    return "http://" + HOST + ":" + port();
  }

  /** {@code /ip4/127.0.0.1/tcp/<port>}, the connector's {@code node_multiaddress}. */
  public Multiaddr apiMultiaddr() {
    return Multiaddr.tcp(HOST, port());
  }

  /** The node's (random, stable) peer ID. */
  public PeerId peerId() {
    return state.peerId();
  }

  /** The swarm addresses {@code id} reports, with {@code /p2p/<id>}. */
  public List<Multiaddr> swarmAddresses() {
    return state.swarmAddresses();
  }

  public FakeKubo setSwarmAddresses(List<Multiaddr> addresses) {
    state.setSwarmAddresses(addresses);
    return this;
  }

  // ---- pins ----

  /** A snapshot of the pinset, keyed by the CID as it was pinned. */
  public Map<Cid, PinMode> pins() {
    return state.pins();
  }

  /** Whether {@code cid} (compared by multihash) is pinned in any mode. */
  public boolean isPinned(Cid cid) {
    return state.pin(cid).isPresent();
  }

  /** How {@code cid} is pinned, if it is. */
  public Optional<PinMode> pinMode(Cid cid) {
    return state.pin(cid).map(KuboState.PinEntry::mode);
  }

  /**
   * Pins recursively, behind the clients' backs, every CID listed in {@code file}: one CID a line,
   * or one JSON object with a {@code "cid"} field a line (such as {@code state export} or {@code
   * state import} files); blank lines are skipped. They are kept packed (about 50 bytes a pin, so
   * millions fit a small heap) and answer {@code pin/ls} (listing and {@code arg=}), {@code
   * pin/rm}, {@code pin/add} and {@code pin/update} like any other pin. Once per fake. Returns how
   * many distinct pins the file held.
   *
   * @throws IllegalStateException when this fake preloaded pins already
   * @throws IllegalArgumentException naming the line of a CID that does not parse
   * @throws java.io.UncheckedIOException when the file cannot be read
   */
  public int preloadRecursivePins(Path file) {
    return state.preloadRecursivePins(file);
  }

  /** Pins behind the clients' backs (another user of the node). Not counted as a request. */
  public FakeKubo addPin(Cid cid, PinMode mode) {
    state.addPin(cid, mode);
    return this;
  }

  /** Unpins behind the clients' backs (an unexpected unpin). Not counted as a request. */
  public FakeKubo removePin(Cid cid) {
    state.removePin(cid);
    return this;
  }

  /**
   * {@code pin/add} of {@code cid} (any version, same multihash) hangs, sending nothing, until
   * {@link #releasePin}, until its client disconnects (then nothing is pinned), or until the fake
   * closes.
   */
  public FakeKubo blockPin(Cid cid) {
    state.blockPin(cid);
    return this;
  }

  public FakeKubo releasePin(Cid cid) {
    state.releasePin(cid);
    return this;
  }

  /** The CIDs whose {@code pin/add} is hanging at a gate right now. */
  public Set<Cid> blockedPins() {
    return state.blockedPins();
  }

  /** How many {@code {"Progress":n}} lines a {@code pin/add?progress=true} sends (default 0). */
  public FakeKubo setPinProgressSteps(int steps) {
    state.setProgressSteps(steps);
    return this;
  }

  /** Prints CIDv1s in base58btc ({@code zb2…}) as js-ipfs does, instead of base32. */
  public FakeKubo printCidV1InBase58(boolean on) {
    state.setV1InBase58(on);
    return this;
  }

  /** {@code cid} as this node prints it (base58btc {@code zb2…} for CIDv1s in js-ipfs style). */
  public String format(Cid cid) {
    return state.format(cid);
  }

  // ---- requests, failures, repo, swarm ----

  /** How many requests arrived for {@code cmd} (e.g. {@code "pin/add"}), failed ones included. */
  public long requestCount(String cmd) {
    return state.requestCount(cmd);
  }

  /**
   * The next {@code times} requests of {@code cmd} fail with {@code message}: a Kubo error (HTTP
   * 500), or for {@code refs} and {@code repo/gc} an HTTP 200 stream with an error line, as nodes
   * do.
   */
  public FakeKubo failNext(String cmd, int times, String message) {
    state.failNext(cmd, times, message);
    return this;
  }

  /** What {@code repo/stat} reports from now on (by default: stored block bytes and 10 GB). */
  public FakeKubo setRepoStat(long repoSize, long storageMax) {
    state.setRepoStat(repoSize, storageMax);
    return this;
  }

  /** Stores a raw block as {@code block/put} would; returns its CID. */
  public Cid putBlock(byte[] data) {
    return state.putBlock(Cids.rawOf(data), data);
  }

  public boolean hasBlock(Cid cid) {
    return state.block(cid).isPresent();
  }

  /** The bytes of a stored block (compared by multihash), if stored. */
  public Optional<byte[]> blockData(Cid cid) {
    return state.block(cid);
  }

  /**
   * The CID {@code add} gives one file of this content with these Kubo parameters (e.g. {@code
   * Map.of("cid-version", "1")}), computed without adding it.
   */
  public static Cid addedCid(byte[] content, Map<String, String> params) {
    return io.pincluster.testing.internal.UnixFsBuilder.fileCid(
        content, io.pincluster.testing.internal.UnixFsBuilder.Options.fromParams(params::get));
  }

  /** The query parameters of the latest request of {@code cmd} (empty when none came). */
  public Map<String, List<String>> lastParams(String cmd) {
    return state.lastParams(cmd);
  }

  /**
   * Makes the node answer {@code cmd} as a command it does not have (404, as Kubo or js-ipfs answer
   * unknown commands), or restores it. Returns this.
   */
  public FakeKubo disableCommand(String cmd, boolean disabled) {
    state.setDisabled(cmd, disabled);
    return this;
  }

  /** The addresses passed to {@code swarm/connect}, in order. */
  public List<Multiaddr> swarmConnects() {
    return state.swarmConnects();
  }

  /**
   * Unpins behind the clients' backs, like {@link #removePin}, and also drops the block, so that
   * the content is really gone from this node.
   */
  public FakeKubo removePinAndBlock(Cid cid) {
    state.removePin(cid);
    state.gc();
    return this;
  }

  // ---- naming: links and IPNS ----

  /**
   * Links {@code child} below {@code parent} under {@code name}, as a directory entry: {@code
   * resolve /ipfs/<parent>/<name>} finds {@code child}, {@code refs -r} of {@code parent} lists it
   * and {@code repo/gc} keeps it while {@code parent} is pinned recursively.
   */
  public FakeKubo addLink(Cid parent, String name, Cid child) {
    state.dag().addLink(parent, name, child);
    return this;
  }

  /** Publishes the IPNS name {@code name} as {@code path} ({@code /ipfs/…} or {@code /ipns/…}). */
  public FakeKubo setIpns(String name, String path) {
    state.dag().setIpns(name, path);
    return this;
  }

  public FakeKubo removeIpns(String name) {
    state.dag().removeIpns(name);
    return this;
  }

  // ---- flavour and timing ----

  /**
   * Answers as js-ipfs 0.66 does instead of Kubo: no {@code pin/update} (404 with a JSON body, as
   * for every unknown command), no progress lines from {@code pin/add}, numbers as strings in
   * {@code repo/stat}, {@code {"Peers":[]}} instead of {@code null}, CIDv1s in base58btc ({@code
   * zb2…}), {@code Err} in {@code repo/gc} lines, {@code block/put} defaulting to CIDv0.
   */
  public FakeKubo emulateJsIpfs(boolean on) {
    state.setJsIpfs(on);
    state.setV1InBase58(on);
    return this;
  }

  /**
   * {@code true}: every command (after the latency) is answered HTTP 200 {@code application/json}
   * with garbage and has no effect: bytes that are not JSON at all and JSON cut off mid-document,
   * in turn. {@code false} (the default): proper answers again. Returns this.
   */
  public FakeKubo setGarbage(boolean on) {
    state.setGarbage(on);
    return this;
  }

  /** Every request waits this long before it is answered (default zero). */
  public FakeKubo setLatency(java.time.Duration delay) {
    state.setLatency(delay);
    return this;
  }

  // ---- availability ----

  /**
   * Stops serving as if the daemon died: the port refuses connections, open connections are closed,
   * and requests in flight (a gated or slow {@code pin/add}) end without effect. The pins, blocks
   * and hooks are kept for {@link #restart()}. Idempotent.
   */
  public synchronized FakeKubo stop() {
    if (!stopped && !closed) {
      stopped = true;
      server.close();
    }
    return this;
  }

  /**
   * Serves again on the same port after {@link #stop()}; a no-op while running.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws java.io.UncheckedIOException when the port was taken in the meantime
   */
  public synchronized FakeKubo restart() {
    if (closed) {
      throw new IllegalStateException("FakeKubo on port " + boundPort + " is closed");
    }
    if (stopped) {
      server =
          new MiniHttpServer(
              "fakekubo-" + boundPort, HOST, boundPort, MAX_CONNECTIONS, commands::handle);
      stopped = false;
    }
    return this;
  }

  /** {@code true}: {@link #stop()} (connections refused); {@code false}: {@link #restart()}. */
  public FakeKubo setUnavailable(boolean unavailable) {
    return unavailable ? stop() : restart();
  }

  /** Whether the fake is serving (not stopped, not closed). */
  public synchronized boolean isRunning() {
    return !stopped && !closed;
  }

  /** Idempotent: stops serving, ends hanging requests and closes every connection. */
  @Override
  public void close() {
    MiniHttpServer s;
    synchronized (this) {
      closed = true;
      s = server;
    }
    state.close();
    s.close();
  }

  @Override
  public String toString() {
    return "FakeKubo[" + apiUrl() + ", " + peerId() + "]";
  }
}
