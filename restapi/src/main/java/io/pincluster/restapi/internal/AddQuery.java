package io.pincluster.restapi.internal;

import io.pincluster.core.api.AddOptions;
import io.pincluster.core.api.PinOptions;
import io.pincluster.http.HttpException;
import io.pincluster.http.Request;
import io.pincluster.restapi.PinQuery;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses the query of {@code POST /add} as IPFS Cluster's {@code AddParamsFromQuery} does
 * (reference §1.5): the pin options of {@link PinQuery} (without {@code pin-update}), {@code
 * local}, {@code recursive}, {@code hidden}, {@code wrap-with-directory}, {@code shard}, {@code
 * stream-channels} (default true), {@code format}, {@code layout}, {@code chunker}, {@code
 * raw-leaves} (default true when {@code cid-version} > 0), {@code cid-version}, {@code hash},
 * {@code progress}, {@code nocopy}, {@code no-pin}. Booleans take Go's spellings ({@code 1}, {@code
 * t}, {@code TRUE}, …). Problems are 400 with IPFS Cluster's messages; {@code shard=true} is 400
 * {@code sharding is not supported}.
 */
public final class AddQuery {
  static final String DEFAULT_CHUNKER = "size-262144";
  static final String DEFAULT_HASH = "sha2-256";

  /**
   * The chunkers Kubo knows (boxo's {@code chunk.FromString}): {@code default}, {@code buzhash},
   * {@code size-N}, {@code rabin}, {@code rabin-AVG}, {@code rabin-MIN-AVG-MAX}; checked here so a
   * bad one is 400 before any byte reaches IPFS.
   */
  private static final Pattern CHUNKER =
      Pattern.compile(
          "default|buzhash|size-[1-9][0-9]{0,9}|rabin(-[0-9]{1,10}){0,1}|rabin(-[0-9]{1,10}){3}");

  private AddQuery() {}

  /** The add options of {@code req}; {@code expire-in} counts from {@code clock}. */
  public static AddOptions parse(Request req, InstantSource clock) {
    PinOptions pin = PinQuery.options(req, clock);
    pin =
        new PinOptions(
            pin.replicationFactorMin(),
            pin.replicationFactorMax(),
            pin.name(),
            pin.mode(),
            pin.userAllocations(),
            pin.expireAt(),
            pin.metadata(),
            null,
            pin.origins());
    String layout = req.queryParam("layout", "");
    if (!layout.isEmpty() && !layout.equals("balanced") && !layout.equals("trickle")) {
      throw new HttpException(400, "layout parameter is invalid");
    }
    String format = req.queryParam("format", "");
    if (!format.isEmpty() && !format.equals("unixfs") && !format.equals("car")) {
      throw new HttpException(400, "format parameter is invalid");
    }
    if (bool(req, "shard", false)) {
      throw new HttpException(400, "sharding is not supported");
    }
    int cidVersion = integer(req, "cid-version", 0);
    if (cidVersion != 0 && cidVersion != 1) {
      throw new HttpException(400, "parameter cid-version invalid: " + cidVersion + " (0 or 1)");
    }
    String hash = nonEmpty(req, "hash").orElse(DEFAULT_HASH);
    if (cidVersion == 0 && !hash.equals(DEFAULT_HASH)) {
      throw new HttpException(
          400,
          "CIDv0 only supports " + DEFAULT_HASH + " (use cid-version=1 with hash " + hash + ")");
    }
    String chunker = nonEmpty(req, "chunker").orElse(DEFAULT_CHUNKER);
    if (!CHUNKER.matcher(chunker).matches()) {
      throw new HttpException(400, "unrecognized chunker option: " + chunker);
    }
    boolean rawLeaves = bool(req, "raw-leaves", cidVersion > 0);
    Map<String, String> ipfs = new LinkedHashMap<>();
    flag(ipfs, "recursive", bool(req, "recursive", false));
    flag(ipfs, "hidden", bool(req, "hidden", false));
    flag(ipfs, "wrap-with-directory", bool(req, "wrap-with-directory", false));
    flag(ipfs, "trickle", layout.equals("trickle"));
    ipfs.put("chunker", chunker);
    ipfs.put("raw-leaves", Boolean.toString(rawLeaves));
    ipfs.put("cid-version", Integer.toString(cidVersion));
    ipfs.put("hash", hash);
    flag(ipfs, "progress", bool(req, "progress", false));
    flag(ipfs, "nocopy", bool(req, "nocopy", false));
    return new AddOptions(
        pin,
        bool(req, "local", false),
        bool(req, "no-pin", false),
        bool(req, "stream-channels", true),
        format,
        ipfs);
  }

  private static void flag(Map<String, String> params, String name, boolean on) {
    if (on) {
      params.put(name, "true");
    }
  }

  private static Optional<String> nonEmpty(Request req, String name) {
    return req.queryParam(name).filter(v -> !v.isEmpty());
  }

  /** Go's {@code strconv.ParseBool}; absent or empty is {@code fallback}. */
  static boolean bool(Request req, String name, boolean fallback) {
    Optional<String> v = nonEmpty(req, name);
    if (v.isEmpty()) {
      return fallback;
    }
    return switch (v.get()) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw new HttpException(400, "parameter " + name + " invalid");
    };
  }

  private static int integer(Request req, String name, int fallback) {
    Optional<String> v = nonEmpty(req, name);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v.get().trim());
    } catch (NumberFormatException e) {
      throw new HttpException(400, "parameter " + name + " invalid");
    }
  }

  /** Whether {@code contentType} names a non-empty {@code boundary} parameter. */
  static boolean hasBoundary(String contentType) {
    for (String param : contentType.split(";")) {
      String p = param.strip();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=") && p.length() > "boundary=".length()) {
        return !p.substring("boundary=".length()).replace("\"", "").isEmpty();
      }
    }
    return false;
  }

  /** Whether {@code contentType} is a multipart one (what {@code /add} reads). */
  static boolean isMultipart(String contentType) {
    return contentType.toLowerCase(Locale.ROOT).startsWith("multipart/");
  }
}
