package io.pincluster.ipfsproxy.internal;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.http.HttpException;
import io.pincluster.http.Request;
import io.pincluster.restapi.PinQuery;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * Reads the query of a Kubo RPC call: {@code arg} values, booleans as go-ipfs-cmds parses them,
 * CIDs and IPFS paths, and IPFS Cluster's pin options (which its proxy accepts on {@code pin/add},
 * {@code add}, {@code block/put} and {@code dag/put}). Every problem is a 400 {@link
 * HttpException}.
 */
public final class KuboArgs {

  /** The path parameter of {@code /api/v0/pin/add/<arg…>}. */
  static final String PATH_ARG = "arg";

  private KuboArgs() {}

  /**
   * Every {@code arg} value, in order; an argument in the path ({@code /api/v0/pin/add/<arg…>},
   * where {@code ipfs/…} means {@code /ipfs/…}) replaces those of the query, as in IPFS Cluster.
   */
  public static List<String> args(Request req) {
    String inPath = req.pathParams().get(PATH_ARG);
    if (inPath == null) {
      return req.query().getOrDefault("arg", List.of());
    }
    boolean isPath =
        inPath.startsWith("ipfs/") || inPath.startsWith("ipns/") || inPath.startsWith("ipld/");
    return List.of(isPath ? "/" + inPath : inPath);
  }

  /** The first {@code arg}, or 400 {@code argument "<name>" is required}. */
  public static String requiredArg(Request req, String name) {
    List<String> args = args(req);
    if (args.isEmpty() || args.get(0).isEmpty()) {
      throw KuboError.badArgument("argument \"" + name + "\" is required");
    }
    return args.get(0);
  }

  /**
   * A boolean option: absent → {@code fallback}; present without a value → true; else {@code
   * 1/t/true/0/f/false} in any case, as Go's {@code strconv.ParseBool}.
   */
  public static boolean flag(Request req, String name, boolean fallback) {
    Optional<String> v = req.queryParam(name);
    if (v.isEmpty()) {
      return fallback;
    }
    return switch (v.get()) {
      case "", "1", "t", "T", "true", "TRUE", "True" -> true;
      case "0", "f", "F", "false", "FALSE", "False" -> false;
      default ->
          throw KuboError.badArgument(
              "could not convert value \""
                  + v.get()
                  + "\" to type \"bool\" (for option \"-"
                  + name
                  + "\")");
    };
  }

  /**
   * What an {@code arg} names: a CID ({@code Qm…}, {@code bafy…}, {@code /ipfs/<cid>}) or an IPFS
   * path to resolve ({@code /ipfs/<cid>/a/b}, {@code /ipns/…}, {@code /ipld/…}, {@code <cid>/a/b}).
   *
   * @param cid the CID, or null for a path
   * @param path the path as the cluster resolves it, or null for a CID
   */
  public record Target(String arg, Cid cid, String path) {
    /** The CID named by {@code arg}, or 400 {@code invalid path "<arg>": …}. */
    public static Target parse(String arg) {
      String a = arg.trim();
      while (a.length() > 1 && a.endsWith("/")) {
        a = a.substring(0, a.length() - 1);
      }
      if (a.startsWith("/ipfs/") && a.indexOf('/', 6) < 0) {
        return new Target(arg, cid(arg, a.substring(6)), null);
      }
      if (a.startsWith("/")) {
        if (!a.startsWith("/ipfs/") && !a.startsWith("/ipns/") && !a.startsWith("/ipld/")) {
          throw KuboError.badArgument(
              "invalid path \"" + arg + "\": not an /ipfs/, /ipns/ or /ipld/ path");
        }
        return new Target(arg, null, a);
      }
      if (a.contains("/")) {
        cid(arg, a.substring(0, a.indexOf('/')));
        return new Target(arg, null, "/ipfs/" + a);
      }
      return new Target(arg, cid(arg, a), null);
    }

    public boolean isCid() {
      return cid != null;
    }

    private static Cid cid(String arg, String text) {
      try {
        return Cid.parse(text);
      } catch (IllegalArgumentException e) {
        throw KuboError.badArgument("invalid path \"" + arg + "\": " + e.getMessage());
      }
    }
  }

  /**
   * IPFS Cluster's pin options in the query ({@code name}, {@code replication}, {@code
   * replication-min}, {@code replication-max}, {@code user-allocations}, {@code expire-at}, {@code
   * expire-in}, {@code meta-*}, {@code origins}) with {@code mode}; {@code expire-in} counts from
   * {@code clock}.
   */
  public static PinOptions pinOptions(Request req, PinMode mode, InstantSource clock) {
    PinOptions o = PinQuery.options(req, clock);
    return new PinOptions(
        o.replicationFactorMin(),
        o.replicationFactorMax(),
        o.name(),
        mode,
        o.userAllocations(),
        o.expireAt(),
        o.metadata(),
        null,
        o.origins());
  }

  /**
   * The mode of {@code pin/add}: Kubo's {@code recursive=false} is direct; otherwise IPFS Cluster's
   * {@code type} (or {@code mode}) {@code recursive|direct}; recursive by default.
   */
  public static PinMode pinAddMode(Request req) {
    if (!flag(req, "recursive", true)) {
      return PinMode.DIRECT;
    }
    String type = nonEmpty(req, "type").or(() -> nonEmpty(req, "mode")).orElse("recursive");
    try {
      return PinMode.fromWire(type);
    } catch (IllegalArgumentException e) {
      throw KuboError.badArgument(e.getMessage());
    }
  }

  /** {@code options} with {@code pinUpdate} set. */
  public static PinOptions withPinUpdate(PinOptions o, Cid from) {
    return new PinOptions(
        o.replicationFactorMin(),
        o.replicationFactorMax(),
        o.name(),
        o.mode(),
        o.userAllocations(),
        o.expireAt(),
        o.metadata(),
        from,
        o.origins());
  }

  private static Optional<String> nonEmpty(Request req, String name) {
    return req.queryParam(name).filter(v -> !v.isEmpty());
  }
}
