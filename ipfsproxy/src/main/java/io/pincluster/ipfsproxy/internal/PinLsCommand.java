package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.ClusterApi;
import io.pincluster.core.api.Pin;
import io.pincluster.core.cid.Cid;
import io.pincluster.http.Request;
import io.pincluster.http.Response;
import io.pincluster.ipfsproxy.internal.KuboArgs.Target;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * {@code pin/ls} answered from the cluster pinset, in Kubo's shapes:
 *
 * <ul>
 *   <li>{@code {"Keys":{"<cid>":{"Type":"recursive"},…}}}, or with {@code stream=true} (or {@code
 *       s=true}) one {@code {"Cid":"<cid>","Type":"recursive"}} line per pin;
 *   <li>{@code names=true} adds {@code "Name"} where the pin has one; {@code type} keeps {@code
 *       recursive}, {@code direct} or {@code all} pins ({@code indirect}: none, the pinset does not
 *       know them);
 *   <li>with {@code arg}s (CIDs or paths, resolved through the node), only those, each of which
 *       must be pinned: otherwise Kubo's error {@code path '<arg>' is not pinned}.
 * </ul>
 *
 * <p>The whole pinset is written as it is read from the cluster's state, never built in memory (the
 * {@code Keys} object too: it is written piece by piece); a failure after the answer started is
 * reported in the {@code X-Stream-Error} trailer.
 */
public final class PinLsCommand {
  /** Pieces of a listing are gathered into writes of about this size. */
  static final int BATCH_BYTES = 32 * 1024;

  private static final List<String> TYPES = List.of("all", "recursive", "direct", "indirect");

  private final ClusterApi api;
  private final Upstream upstream;

  public PinLsCommand(ClusterApi api, Upstream upstream) {
    this.api = api;
    this.upstream = upstream;
  }

  public Response pinLs(Request req) {
    String type = req.queryParam("type", "all").toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw KuboError.badArgument(
          "invalid type '" + type + "', must be one of {direct, indirect, recursive, all}");
    }
    boolean stream = KuboArgs.flag(req, "stream", false) || KuboArgs.flag(req, "s", false);
    boolean names = KuboArgs.flag(req, "names", false);
    List<String> args = KuboArgs.args(req);
    Format format = new Format(type, names);
    if (!args.isEmpty()) {
      return listed(args, format, stream);
    }
    CloseableIterator<Pin> pins = PiecesBody.started(api.allocations().filter(format::keeps));
    CloseableIterator<byte[]> pieces =
        stream ? pins.map(format::line) : new KeysObject(pins, format);
    return PiecesBody.answer(pieces, BATCH_BYTES, stream);
  }

  /** The pins named by {@code args}; each must be pinned (with a matching type). */
  private Response listed(List<String> args, Format format, boolean stream) {
    List<Pin> found = new ArrayList<>();
    for (String arg : args) {
      Target t = Target.parse(arg);
      Cid cid = t.isCid() ? t.cid() : upstream.resolve(t.path());
      Optional<Pin> pin = api.allocation(cid).filter(format::keeps);
      if (pin.isEmpty()) {
        throw KuboError.failed("path '" + arg + "' is not pinned");
      }
      found.add(pin.get());
    }
    if (stream) {
      return PiecesBody.answer(CloseableIterator.of(found).map(format::line), 0, true);
    }
    Map<String, Object> keys = new LinkedHashMap<>();
    found.forEach(p -> keys.put(p.cid().toString(), format.entry(p)));
    return Response.json(200, Map.of("Keys", keys));
  }

  /** How pins are filtered and written. */
  private record Format(String type, boolean names) {
    boolean keeps(Pin p) {
      return type.equals("all") || type.equals(p.mode().wire());
    }

    /** {@code {"Type":"recursive"[,"Name":"…"]}} */
    Map<String, Object> entry(Pin p) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("Type", p.mode().wire());
      if (names && !p.name().isEmpty()) {
        e.put("Name", p.name());
      }
      return e;
    }

    /** {@code {"Cid":"…","Type":"recursive"[,"Name":"…"]}} and a newline. */
    byte[] line(Pin p) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("Cid", p.cid().toString());
      e.putAll(entry(p));
      return KuboError.line(e);
    }
  }

  /**
   * The pieces of {@code {"Keys":{"<cid>":{…},…}}\n}: the opening, one member per pin (with its
   * comma), and the closing, which is left out when the pins fail (so that a broken listing does
   * not look complete).
   */
  private static final class KeysObject implements CloseableIterator<byte[]> {
    private static final byte[] OPEN = bytes("{\"Keys\":{");
    private static final byte[] CLOSE = bytes("}}\n");

    private final CloseableIterator<Pin> pins;
    private final Format format;
    private boolean opened;
    private boolean first = true;
    private boolean closed;

    KeysObject(CloseableIterator<Pin> pins, Format format) {
      this.pins = pins;
      this.format = format;
    }

    @Override
    public boolean hasNext() {
      return !closed;
    }

    @Override
    public byte[] next() {
      if (closed) {
        throw new NoSuchElementException();
      }
      if (!opened) {
        opened = true;
        return OPEN;
      }
      if (!pins.hasNext()) {
        closed = true;
        return CLOSE;
      }
      Pin p = pins.next();
      byte[] value = KuboError.line(format.entry(p));
      String key = (first ? "\"" : ",\"") + p.cid() + "\":";
      first = false;
      byte[] k = bytes(key);
      byte[] out = new byte[k.length + value.length - 1]; // without the value's newline
      System.arraycopy(k, 0, out, 0, k.length);
      System.arraycopy(value, 0, out, k.length, value.length - 1);
      return out;
    }

    @Override
    public void close() {
      pins.close();
    }

    private static byte[] bytes(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }
}
