package io.pincluster.restapi;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinType;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.config.GoDuration;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.http.HttpException;
import io.pincluster.http.Request;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses the REST API's path and query values the way IPFS Cluster does ({@code
 * PinOptions.FromQuery}); every problem is an {@link HttpException} 400 whose message IPFS Cluster
 * clients recognise.
 */
public final class PinQuery {
  private static final String META_PREFIX = "meta-";

  private PinQuery() {}

  /** The {@code {cid}} path parameter, or 400 {@code error decoding Cid: …}. */
  public static Cid cid(String text) {
    try {
      return Cid.parse(text);
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "error decoding Cid: " + e.getMessage(), e);
    }
  }

  /** {@code local=true}. */
  public static boolean local(Request req) {
    return req.queryParam("local").map("true"::equals).orElse(false);
  }

  /**
   * {@code line-offset} of {@code POST /pins}: a number {@code >= 0}, 0 when absent; 400 {@code
   * parameter line-offset invalid: …} otherwise.
   */
  public static long lineOffset(Request req) {
    Optional<String> v = nonEmpty(req, "line-offset");
    if (v.isEmpty()) {
      return 0;
    }
    try {
      long n = Long.parseLong(v.get());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw invalid("line-offset", "\"" + v.get() + "\" is not a number >= 0");
  }

  /** The pin options of {@code POST /pins/{cid}}; {@code expire-in} counts from {@code clock}. */
  public static PinOptions options(Request req, InstantSource clock) {
    nonEmpty(req, "shard-size").ifPresent(PinQuery::shardSize);
    int min;
    int max;
    Optional<String> replication = nonEmpty(req, "replication");
    if (replication.isPresent()) {
      min = integer("replication", replication.get());
      max = min;
    } else {
      min = nonEmpty(req, "replication-min").map(v -> integer("replication-min", v)).orElse(0);
      max = nonEmpty(req, "replication-max").map(v -> integer("replication-max", v)).orElse(0);
    }
    return new PinOptions(
        min,
        max,
        req.queryParam("name", ""),
        mode(req),
        userAllocations(req),
        expireAt(req, clock),
        metadata(req),
        pinUpdate(req),
        origins(req));
  }

  /** {@code shard-size} is accepted for compatibility (sharding is not supported) if valid. */
  private static void shardSize(String v) {
    try {
      Long.parseUnsignedLong(v);
    } catch (NumberFormatException e) {
      throw new HttpException(400, "parameter shard_size is invalid");
    }
  }

  private static Optional<String> nonEmpty(Request req, String name) {
    return req.queryParam(name).filter(v -> !v.isEmpty());
  }

  private static int integer(String name, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(name, "\"" + value + "\" is not an integer");
    }
  }

  private static HttpException invalid(String name, String why) {
    return new HttpException(400, "parameter " + name + " invalid: " + why);
  }

  private static PinMode mode(Request req) {
    try {
      return PinMode.fromWire(req.queryParam("mode", ""));
    } catch (IllegalArgumentException e) {
      throw invalid("mode", e.getMessage());
    }
  }

  private static List<PeerId> userAllocations(Request req) {
    List<PeerId> out = new ArrayList<>();
    Optional<String> v = nonEmpty(req, "user-allocations");
    if (v.isEmpty()) {
      return out;
    }
    for (String id : v.get().split(",")) {
      try {
        out.add(PeerId.parse(id.trim()));
      } catch (IllegalArgumentException e) {
        throw new HttpException(400, "error decoding peer_id: " + e.getMessage(), e);
      }
    }
    return out;
  }

  private static Instant expireAt(Request req, InstantSource clock) {
    Optional<String> at = nonEmpty(req, "expire-at");
    if (at.isPresent()) {
      try {
        return OffsetDateTime.parse(at.get()).toInstant();
      } catch (DateTimeParseException e) {
        throw invalid("expire-at", "\"" + at.get() + "\" is not an RFC 3339 time");
      }
    }
    Optional<String> in = nonEmpty(req, "expire-in");
    if (in.isEmpty()) {
      return null;
    }
    Duration d;
    try {
      d = GoDuration.parse(in.get());
    } catch (IllegalArgumentException e) {
      throw invalid("expire-in", e.getMessage());
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new HttpException(400, "expire-in duration too short");
    }
    return clock.instant().plus(d);
  }

  private static Map<String, String> metadata(Request req) {
    Map<String, String> out = new TreeMap<>();
    req.query()
        .forEach(
            (k, v) -> {
              if (k.startsWith(META_PREFIX) && k.length() > META_PREFIX.length() && !v.isEmpty()) {
                out.put(k.substring(META_PREFIX.length()), v.get(0));
              }
            });
    return out;
  }

  private static Cid pinUpdate(Request req) {
    Optional<String> v = nonEmpty(req, "pin-update");
    if (v.isEmpty()) {
      return null;
    }
    try {
      return Cid.parse(v.get());
    } catch (IllegalArgumentException e) {
      throw new HttpException(400, "error decoding update option parameter: " + e.getMessage(), e);
    }
  }

  private static List<Multiaddr> origins(Request req) {
    List<Multiaddr> out = new ArrayList<>();
    Optional<String> v = nonEmpty(req, "origins");
    if (v.isEmpty()) {
      return out;
    }
    for (String text : v.get().split(",")) {
      Multiaddr m;
      try {
        m = Multiaddr.parse(text.trim());
      } catch (IllegalArgumentException e) {
        throw invalid("origins", e.getMessage());
      }
      if (m.peerId().isEmpty()) {
        throw invalid("origins", "multiaddress " + m + " does not contain a peer ID");
      }
      out.add(m);
    }
    return out;
  }

  /**
   * The pin types of {@code GET /allocations?filter=}: a comma list of {@code pin}, {@code
   * meta-pin}, {@code clusterdag-pin}, {@code shard-pin}, {@code all}; empty means all. Unknown
   * names are ignored unless none is known (400 {@code invalid filter value}).
   */
  public static Set<PinType> pinTypes(String filter) {
    Set<PinType> out = EnumSet.noneOf(PinType.class);
    if (filter == null || filter.isEmpty()) {
      return EnumSet.allOf(PinType.class);
    }
    boolean known = false;
    for (String raw : filter.split(",")) {
      String name = raw.trim();
      if (name.equals("all") || name.isEmpty()) {
        out.addAll(EnumSet.allOf(PinType.class));
        known = true;
        continue;
      }
      for (PinType t : PinType.values()) {
        if (t.wire().equals(name)) {
          out.add(t);
          known = true;
        }
      }
    }
    if (!known) {
      throw new HttpException(400, "invalid filter value");
    }
    return out;
  }

  /** The CIDs of {@code GET /pins?cids=a,b}, in order; 400 on the first bad one. */
  public static List<Cid> cids(String list) {
    List<Cid> out = new ArrayList<>();
    for (String text : list.split(",")) {
      out.add(cid(text.trim()));
    }
    return out;
  }
}
