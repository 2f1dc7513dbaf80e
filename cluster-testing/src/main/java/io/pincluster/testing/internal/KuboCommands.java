package io.pincluster.testing.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.InvalidCidException;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.testing.Cids;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubo RPC commands FakeKubo answers ({@code POST /api/v0/<cmd>}), with Kubo's field names,
 * streaming and error shapes. Stateless apart from the {@link KuboState} it drives.
 */
public final class KuboCommands {
  private static final String PREFIX = "/api/v0/";
  private static final String JSON = "application/json";
  private static final long DAG_CBOR = 0x71;

  private final ObjectMapper mapper = new ObjectMapper();
  private final KuboState state;

  public KuboCommands(KuboState state) {
    this.state = state;
  }

  /** Answers one HTTP call. */
  public void handle(HttpCall call) {
    if (!call.path().startsWith(PREFIX)) {
      call.respond(404, "text/plain", bytes("404 page not found"));
      return;
    }
    String cmd = call.path().substring(PREFIX.length());
    cmd = cmd.endsWith("/") ? cmd.substring(0, cmd.length() - 1) : cmd;
    state.countRequest(cmd);
    state.recordParams(cmd, call.query());
    if (!call.method().equals("POST")) {
      call.respond(405, "text/plain", bytes("405 - Method Not Allowed"));
      return;
    }
    state.awaitLatency();
    if (Thread.currentThread().isInterrupted()) {
      throw new UncheckedIOException(new java.io.IOException("fake stopped"));
    }
    Optional<byte[]> garbage = state.nextGarbage();
    if (garbage.isPresent()) {
      call.respond(200, JSON, garbage.get());
      return;
    }
    try {
      Optional<String> failure = state.takeFailure(cmd);
      if (failure.isPresent()) {
        injectFailure(call, cmd, failure.get());
        return;
      }
      if (state.isDisabled(cmd)) {
        notFound(call);
        return;
      }
      dispatch(call, cmd);
    } catch (KuboError e) {
      if (!call.responded()) {
        error(call, e);
      } else {
        call.endStream(e.getMessage());
      }
    }
  }

  private void dispatch(HttpCall call, String cmd) {
    switch (cmd) {
      case "id" -> id(call);
      case "version" -> version(call);
      case "pin/add" -> pinAdd(call);
      case "pin/rm" -> pinRm(call);
      case "pin/ls" -> pinLs(call);
      case "pin/update" -> pinUpdate(call);
      case "refs" -> refs(call);
      case "repo/stat" -> repoStat(call);
      case "repo/gc" -> repoGc(call);
      case "swarm/connect" -> swarmConnect(call);
      case "swarm/peers" -> swarmPeers(call);
      case "block/put" -> blockPut(call);
      case "block/get" -> blockGet(call);
      case "resolve" -> resolve(call);
      case "dag/resolve" -> dagResolve(call);
      case "add" -> add(call);
      case "dag/import" -> dagImport(call);
      default -> notFound(call);
    }
  }

  /** An unknown command: Kubo's plain-text 404, or js-ipfs's JSON one. */
  private void notFound(HttpCall call) {
    if (state.jsIpfs()) {
      ObjectNode out = obj().put("Message", "Not Found").put("Code", 3).put("Type", "error");
      call.respond(404, JSON, line(out));
    } else {
      call.respond(404, "text/plain", bytes("404 page not found"));
    }
  }

  /**
   * {@code refs} and {@code repo/gc} fail the way nodes really do: HTTP 200 with an {@code Err}
   * line ({@code Error} for Kubo's repo/gc).
   */
  private void injectFailure(HttpCall call, String cmd, String message) {
    if (cmd.equals("refs")) {
      call.startStream(200, JSON);
      call.chunk(line(obj().put("Ref", "").put("Err", message)));
      return;
    }
    if (cmd.equals("repo/gc")) {
      call.startStream(200, JSON);
      call.chunk(line(obj().put(state.jsIpfs() ? "Err" : "Error", message)));
      return;
    }
    error(call, KuboError.of(message));
  }

  private void id(HttpCall call) {
    ObjectNode out = obj().put("ID", state.peerId().toString());
    out.put("PublicKey", Base64.getEncoder().encodeToString(state.identity().publicKeyProtobuf()));
    List<Multiaddr> addrs = state.swarmAddresses();
    if (addrs.isEmpty()) {
      out.putNull("Addresses");
    } else {
      ArrayNode a = out.putArray("Addresses");
      addrs.forEach(m -> a.add(m.toString()));
    }
    String agent = state.jsIpfs() ? "js-ipfs/0.18.1" : "kubo/0.30.0/fake";
    out.put("AgentVersion", agent).put("ProtocolVersion", "ipfs/0.1.0");
    out.putArray("Protocols");
    ok(call, out);
  }

  private void version(HttpCall call) {
    if (state.jsIpfs()) {
      ok(call, obj().put("Version", "0.18.1").put("Commit", "").put("Repo", "12"));
      return;
    }
    ok(
        call,
        obj()
            .put("Version", "0.30.0")
            .put("Commit", "fake")
            .put("Repo", "16")
            .put("System", "amd64/linux")
            .put("Golang", "go1.22.0"));
  }

  private void pinAdd(HttpCall call) {
    List<Cid> cids = cidArgs(call, "ipfs-path");
    PinMode mode = call.flag("recursive", true) ? PinMode.RECURSIVE : PinMode.DIRECT;
    boolean offline = call.flag("offline", false) && !state.jsIpfs();
    boolean progress = call.flag("progress", false) && !state.jsIpfs();
    int done = 0;
    for (Cid cid : cids) {
      if (offline) {
        // Kubo pins the arguments in order and stops at the first block it lacks; with progress,
        // once it has reported some, the refusal comes as the X-Stream-Error trailer
        Cid lacking = firstLacking(cid, mode);
        if (lacking != null) {
          throw KuboError.of(notLocal(lacking));
        }
        state.addPin(cid, mode);
        if (progress && ++done == 1) { // further progress is reported once, before the result
          call.startStream(200, JSON);
          call.chunk(line(obj().put("Progress", done)));
        }
      } else if (!state.awaitGate(cid, call::clientGone)) {
        throw new UncheckedIOException(new java.io.IOException("client left during pin/add"));
      }
    }
    if (!offline) {
      cids.forEach(c -> state.addPin(c, mode));
    }
    ObjectNode result = obj();
    ArrayNode list = result.putArray("Pins");
    cids.forEach(c -> list.add(state.format(c)));
    if (!progress) {
      ok(call, result);
      return;
    }
    if (done == 0) {
      call.startStream(200, JSON);
    } else if (done > 1) {
      call.chunk(line(obj().put("Progress", done)));
    }
    int steps = state.progressSteps();
    for (int i = 1; i <= steps; i++) {
      call.chunk(line(obj().put("Progress", i)));
    }
    call.chunk(line(result));
  }

  private void pinRm(HttpCall call) {
    List<Cid> cids = cidArgs(call, "ipfs-path");
    ObjectNode result = obj();
    ArrayNode list = result.putArray("Pins");
    for (Cid cid : cids) {
      if (!state.removePin(cid)) {
        throw KuboError.of("not pinned or pinned indirectly");
      }
      list.add(state.format(cid));
    }
    ok(call, result);
  }

  private void pinLs(HttpCall call) {
    String type = call.param("type", "all").toLowerCase(Locale.ROOT);
    if (!List.of("all", "recursive", "direct", "indirect").contains(type)) {
      throw KuboError.client(
          "invalid type '" + type + "', must be one of {direct, indirect, recursive, all}");
    }
    if (call.params("arg").isEmpty() && call.flag("stream", false)) {
      streamAllPins(call, type);
      return;
    }
    List<KuboState.PinEntry> found = new ArrayList<>();
    if (call.params("arg").isEmpty()) {
      state.pinEntries().stream().filter(p -> matches(p, type)).forEach(found::add);
    } else {
      for (String arg : call.params("arg")) {
        Cid cid = parseCid(arg);
        found.add(
            state
                .pin(cid)
                .filter(p -> matches(p, type))
                .orElseThrow(() -> KuboError.of("path '" + arg + "' is not pinned")));
      }
    }
    if (call.flag("stream", false)) {
      call.startStream(200, JSON);
      for (KuboState.PinEntry p : found) {
        call.chunk(
            line(
                obj()
                    .put("Cid", state.format(p.cid()))
                    .put("Type", p.mode().wire())
                    .put("Name", "")));
      }
      return;
    }
    ObjectNode out = obj();
    ObjectNode keys = out.putObject("Keys");
    found.forEach(
        p -> keys.putObject(state.format(p.cid())).put("Type", p.mode().wire()).put("Name", ""));
    ok(call, out);
  }

  /**
   * {@code pin/ls?stream=true} of the whole pinset: the pins made through the API or hooks, then
   * the preloaded ones (recursive, without an object a pin: there may be millions), in chunks of
   * about 64 KB (a chunk a line cost the fake a write a line, a million at 1M pins).
   */
  private void streamAllPins(HttpCall call, String type) {
    KuboState.Listing listing = state.listing();
    call.startStream(200, JSON);
    java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream(1 << 17);
    for (KuboState.PinEntry p : listing.entries()) {
      if (matches(p, type)) {
        addLine(call, batch, pinLsLine(p.cid(), p.mode()));
      }
    }
    if (type.equals("all") || type.equals(PinMode.RECURSIVE.wire())) {
      listing.forEachPreloaded(cid -> addLine(call, batch, pinLsLine(cid, PinMode.RECURSIVE)));
    }
    if (batch.size() > 0) {
      call.chunk(batch.toByteArray());
    }
  }

  /** Adds {@code line} to {@code batch}, sent as one chunk once it holds 64 KB. */
  private static void addLine(HttpCall call, java.io.ByteArrayOutputStream batch, byte[] line) {
    batch.writeBytes(line);
    if (batch.size() >= 1 << 16) {
      call.chunk(batch.toByteArray());
      batch.reset();
    }
  }

  private byte[] pinLsLine(Cid cid, PinMode mode) {
    return line(obj().put("Cid", state.format(cid)).put("Type", mode.wire()).put("Name", ""));
  }

  private static boolean matches(KuboState.PinEntry p, String type) {
    return type.equals("all") || type.equals(p.mode().wire());
  }

  private void pinUpdate(HttpCall call) {
    if (state.jsIpfs()) {
      notFound(call);
      return;
    }
    List<Cid> cids = cidArgs(call, "from-path");
    if (cids.size() != 2) {
      throw KuboError.client("argument \"to-path\" is required");
    }
    state.updatePin(cids.get(0), cids.get(1), call.flag("unpin", true));
    ObjectNode out = obj();
    out.putArray("Pins").add(state.format(cids.get(0))).add(state.format(cids.get(1)));
    ok(call, out);
  }

  /**
   * Lists what is linked below each argument ({@code FakeKubo#addLink}); leaves list nothing. With
   * {@code offline=true} (ignored by js-ipfs), a gated CID ({@code FakeKubo#blockPin}) counts as a
   * block the node lacks: as a root, HTTP 500; below one, an {@code Err} line that ends the walk.
   */
  private void refs(HttpCall call) {
    List<Cid> roots = cidArgs(call, "ipfs-path");
    boolean offline = call.flag("offline", false) && !state.jsIpfs();
    for (Cid root : roots) {
      if (offline && state.isGated(root)) {
        throw KuboError.of(notLocal(root));
      }
    }
    call.startStream(200, JSON);
    for (Cid root : roots) {
      for (Cid ref : state.dag().refs(root)) {
        if (offline && state.isGated(ref)) {
          call.chunk(line(obj().put("Ref", "").put("Err", notLocal(ref))));
          return;
        }
        call.chunk(line(obj().put("Ref", state.format(ref)).put("Err", "")));
      }
    }
  }

  /**
   * Offline, the first block of {@code root}'s DAG (only the root for a direct pin) that the node
   * lacks (gated, {@code FakeKubo#blockPin}), or null when it holds them all.
   */
  private Cid firstLacking(Cid root, PinMode mode) {
    if (state.isGated(root)) {
      return root;
    }
    if (mode == PinMode.RECURSIVE) {
      for (Cid ref : state.dag().refs(root)) {
        if (state.isGated(ref)) {
          return ref;
        }
      }
    }
    return null;
  }

  /** Kubo's answer for a block an offline walk needs and the node lacks. */
  private String notLocal(Cid cid) {
    return "block was not found locally (offline): ipld: could not find " + state.format(cid);
  }

  private void repoStat(HttpCall call) {
    long[] stat = state.repoStat();
    if (state.jsIpfs()) {
      ok(
          call,
          obj()
              .put("NumObjects", String.valueOf(stat[2]))
              .put("RepoSize", String.valueOf(stat[0]))
              .put("RepoPath", "/fake/js-ipfs")
              .put("Version", "12")
              .put("StorageMax", String.valueOf(stat[1])));
      return;
    }
    ObjectNode out = obj().put("RepoSize", stat[0]).put("StorageMax", stat[1]);
    if (!call.flag("size-only", false)) {
      out.put("NumObjects", stat[2]).put("RepoPath", "/fake/kubo").put("Version", "fs-repo@16");
    }
    ok(call, out);
  }

  private void repoGc(HttpCall call) {
    List<Cid> removed = state.gc();
    call.startStream(200, JSON);
    for (Cid cid : removed) {
      ObjectNode out = obj();
      out.putObject("Key").put("/", state.format(cid));
      call.chunk(line(out));
    }
  }

  private void swarmConnect(HttpCall call) {
    List<String> args = call.params("arg");
    if (args.isEmpty()) {
      throw KuboError.client("argument \"address\" is required");
    }
    ObjectNode out = obj();
    ArrayNode strings = out.putArray("Strings");
    for (String arg : args) {
      Multiaddr addr;
      PeerId peer;
      try {
        addr = Multiaddr.parse(arg);
        peer = addr.peerId().orElseThrow(() -> new IllegalArgumentException("no /p2p/ part"));
      } catch (IllegalArgumentException e) {
        throw KuboError.of("invalid peer address: " + e.getMessage());
      }
      state.swarmConnect(addr, peer);
      strings.add("connect " + peer + " success");
    }
    ok(call, out);
  }

  private void swarmPeers(HttpCall call) {
    Map<PeerId, Multiaddr> peers = state.peers();
    ObjectNode out = obj();
    if (peers.isEmpty() && !state.jsIpfs()) {
      out.putNull("Peers");
    } else {
      ArrayNode list = out.putArray("Peers");
      peers.forEach(
          (id, addr) ->
              list.addObject()
                  .put("Addr", addr.toString())
                  .put("Peer", id.toString())
                  .put("Direction", 1));
    }
    ok(call, out);
  }

  private void blockPut(HttpCall call) {
    List<byte[]> files = Multipart.files(call.header("content-type"), call.body());
    if (files.isEmpty()) {
      throw KuboError.client("file argument 'data' is required");
    }
    boolean pin = call.flag("pin", false);
    String format = call.param("format", call.param("cid-codec", state.jsIpfs() ? "v0" : "raw"));
    StringBuilder body = new StringBuilder();
    for (byte[] data : files) {
      Cid cid = state.putBlock(blockCid(format, data), data);
      if (pin) {
        state.addPin(cid, PinMode.RECURSIVE);
      }
      body.append(obj().put("Key", state.format(cid)).put("Size", data.length)).append('\n');
    }
    call.respond(200, JSON, bytes(body.toString()));
  }

  /** The CID block/put gives {@code data} for a legacy {@code format} or a {@code cid-codec}. */
  private static Cid blockCid(String format, byte[] data) {
    Multihash mh = Multihash.of(Multihash.SHA2_256, Cids.sha256(data));
    return switch (format) {
      case "raw" -> Cid.v1(Cid.RAW, mh);
      case "v0", "protobuf" -> Cid.v0(mh);
      case "dag-pb" -> Cid.v1(Cid.DAG_PB, mh);
      case "cbor", "dag-cbor" -> Cid.v1(DAG_CBOR, mh);
      default -> throw KuboError.of("unrecognized format: " + format);
    };
  }

  private void resolve(HttpCall call) {
    String path = call.param("arg", "");
    if (path.isEmpty()) {
      throw KuboError.client("argument \"name\" is required");
    }
    ok(call, obj().put("Path", "/ipfs/" + state.format(state.dag().resolve(path))));
  }

  private void dagResolve(HttpCall call) {
    String path = call.param("arg", "");
    if (path.isEmpty()) {
      throw KuboError.client("argument \"ref\" is required");
    }
    ObjectNode out = obj();
    out.putObject("Cid").put("/", state.format(state.dag().resolve(path)));
    out.put("RemPath", "");
    ok(call, out);
  }

  /**
   * {@code add}: builds the UnixFS DAG of the multipart body ({@link UnixFsBuilder}), stores its
   * blocks and links, pins the roots recursively unless {@code pin=false}, and streams Kubo's
   * output lines: {@code {"Name","Bytes"}} progress with {@code progress=true}, then {@code
   * {"Name","Hash","Size"}} per object (Size as a string, as Kubo sends it).
   */
  private void add(HttpCall call) {
    List<Multipart.Part> parts = Multipart.parts(call.header("content-type"), call.body());
    UnixFsBuilder.Options options =
        UnixFsBuilder.Options.fromParams(n -> call.params(n).isEmpty() ? null : call.param(n, ""));
    UnixFsBuilder.Result result = UnixFsBuilder.build(parts, options);
    if (!call.flag("only-hash", false)) {
      store(result);
      if (call.flag("pin", true)) {
        result.roots().forEach(r -> state.addPin(r, PinMode.RECURSIVE));
      }
    }
    call.startStream(200, JSON);
    for (UnixFsBuilder.Event e : result.events()) {
      ObjectNode out = obj().put("Name", e.name());
      if (e.cid() == null) {
        out.put("Bytes", e.bytes());
      } else {
        out.put("Hash", state.format(e.cid())).put("Size", String.valueOf(e.size()));
      }
      call.chunk(line(out));
    }
    call.endStream(null);
  }

  private void store(UnixFsBuilder.Result result) {
    result.blocks().forEach(state::putBlock);
    for (UnixFsBuilder.Link l : result.links()) {
      if (l.name().isEmpty()) {
        state.dag().addUnnamedLink(l.parent(), l.child());
      } else {
        state.dag().addLink(l.parent(), l.name(), l.child());
      }
    }
  }

  /**
   * {@code dag/import}: stores the blocks of every CAR part; with {@code pin-roots} (default true)
   * pins the roots and, as Kubo, only then reports them ({@code {"Root":{"Cid":{"/":…},
   * "PinErrorMsg":""}}}). A block linked from another one is not linked here (the fake does not
   * decode dag-pb), so GC keeps imported blocks only while pinned.
   */
  private void dagImport(HttpCall call) {
    List<Multipart.Part> parts = Multipart.parts(call.header("content-type"), call.body());
    if (parts.isEmpty()) {
      throw KuboError.client("file argument 'path' is required");
    }
    boolean pinRoots = call.flag("pin-roots", true);
    List<Cid> roots = new ArrayList<>();
    for (Multipart.Part p : parts) {
      io.pincluster.testing.CarFiles.Car car;
      try {
        car = io.pincluster.testing.CarFiles.read(p.content());
      } catch (IllegalArgumentException e) {
        throw KuboError.of("failed to import CAR: " + e.getMessage());
      }
      car.blocks().forEach(state::putBlock);
      roots.addAll(car.roots());
    }
    call.startStream(200, JSON);
    if (pinRoots) {
      for (Cid root : roots) {
        state.addPin(root, PinMode.RECURSIVE);
        ObjectNode out = obj();
        ObjectNode r = out.putObject("Root");
        r.putObject("Cid").put("/", state.format(root));
        r.put("PinErrorMsg", "");
        call.chunk(line(out));
      }
    }
    call.endStream(null);
  }

  private void blockGet(HttpCall call) {
    Cid cid = cidArgs(call, "cid").get(0);
    byte[] data =
        state.block(cid).orElseThrow(() -> KuboError.of("block was not found locally (offline)"));
    call.respond(200, "text/plain", data);
  }

  // ---- helpers ----

  private static List<Cid> cidArgs(HttpCall call, String argName) {
    List<String> args = call.params("arg");
    if (args.isEmpty()) {
      throw KuboError.client("argument \"" + argName + "\" is required");
    }
    return args.stream().map(KuboCommands::parseCid).toList();
  }

  private static Cid parseCid(String arg) {
    String text = arg.startsWith("/ipfs/") ? arg.substring("/ipfs/".length()) : arg;
    int slash = text.indexOf('/');
    text = slash < 0 ? text : text.substring(0, slash);
    try {
      return Cid.parse(text);
    } catch (InvalidCidException e) {
      throw KuboError.of("invalid path \"" + arg + "\": " + e.getMessage());
    }
  }

  private void ok(HttpCall call, ObjectNode out) {
    call.respond(200, JSON, line(out));
  }

  private void error(HttpCall call, KuboError e) {
    ObjectNode out =
        obj().put("Message", e.getMessage()).put("Code", e.code()).put("Type", "error");
    call.respond(e.status(), JSON, line(out));
  }

  private ObjectNode obj() {
    return mapper.createObjectNode();
  }

  private static byte[] line(ObjectNode node) {
    return bytes(node.toString() + "\n");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
