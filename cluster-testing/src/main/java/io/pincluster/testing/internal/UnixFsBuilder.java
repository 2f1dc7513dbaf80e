package io.pincluster.testing.internal;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import io.pincluster.core.cid.Varint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Builds UnixFS DAGs the way {@code ipfs add} does, for the fakes: files split into fixed-size
 * chunks (dag-pb UnixFS leaves, or raw leaves), joined by a balanced tree of at most 174 links per
 * node; directories as dag-pb UnixFS directories with links sorted by name. Defaults as Kubo's
 * (CIDv0, 256 KiB chunks, sha2-256), so files and directories get the CIDs a real node gives them
 * (verified against js-ipfs, whose importer matches Kubo's). Simplifications: the trickle layout
 * and the rabin/buzhash chunkers fall back to balanced and fixed 256 KiB chunks; no HAMT sharding,
 * no inlining, no mode/mtime. Stateless.
 */
public final class UnixFsBuilder {
  static final int DEFAULT_CHUNK = 262_144;
  static final int MAX_LINKS = 174;
  private static final int MAX_CHUNK = 1024 * 1024;

  /**
   * How to add.
   *
   * @param hash {@code sha2-256} or {@code sha2-512}
   */
  public record Options(
      int cidVersion,
      boolean rawLeaves,
      int chunkSize,
      boolean wrap,
      String hash,
      boolean progress) {

    /** Kubo's {@code add} parameters ({@code param} returns null when absent). */
    public static Options fromParams(Function<String, String> param) {
      String hash = or(param.apply("hash"), "sha2-256");
      String versionText = param.apply("cid-version");
      int version;
      try {
        version = versionText == null || versionText.isEmpty() ? 0 : Integer.parseInt(versionText);
      } catch (NumberFormatException e) {
        throw KuboError.client("invalid cid-version \"" + versionText + "\"");
      }
      if (version < 0 || version > 1) {
        throw KuboError.of("unknown CID version: " + version);
      }
      if (!hash.equals("sha2-256")) {
        if (versionText != null && !versionText.isEmpty() && version == 0) {
          throw KuboError.of("CIDv0 only supports sha2-256");
        }
        version = 1;
      }
      String raw = param.apply("raw-leaves");
      boolean rawLeaves =
          raw == null ? version > 0 || flag(param.apply("nocopy")) : flag(raw) || raw.isEmpty();
      return new Options(
          version,
          rawLeaves,
          chunkSize(param.apply("chunker")),
          flag(param.apply("wrap-with-directory")),
          hash,
          flag(param.apply("progress")));
    }

    private static int chunkSize(String chunker) {
      if (chunker == null || chunker.isEmpty() || !chunker.startsWith("size-")) {
        return DEFAULT_CHUNK; // rabin-… and buzhash: approximated by fixed chunks
      }
      try {
        int n = Integer.parseInt(chunker.substring("size-".length()));
        if (n <= 0 || n > MAX_CHUNK) {
          throw KuboError.of("chunker size must be between 1 and " + MAX_CHUNK + ": " + n);
        }
        return n;
      } catch (NumberFormatException e) {
        throw KuboError.of("unrecognized chunker option: " + chunker);
      }
    }

    private static boolean flag(String v) {
      return v != null && (v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1"));
    }

    private static String or(String v, String fallback) {
      return v == null || v.isEmpty() ? fallback : v;
    }
  }

  /**
   * One output line of {@code add}: an added object ({@code cid} set, {@code size} its cumulative
   * DAG size) or a progress report ({@code cid} null, {@code bytes} of the file read so far).
   */
  public record Event(String name, Cid cid, long bytes, long size) {}

  /** A named link between two blocks (unnamed file chunks have an empty name). */
  public record Link(Cid parent, String name, Cid child) {}

  /**
   * What an add made: the output in Kubo's order (files as they are added, then directories deepest
   * first, the wrapping directory last), every block, every link, and the roots (the top-level
   * entries, or the wrapping directory).
   */
  public record Result(
      List<Event> events, Map<Cid, byte[]> blocks, List<Link> links, List<Cid> roots) {}

  private record Node(Cid cid, long size, long fileSize) {}

  private final Options options;
  private final List<Event> events = new ArrayList<>();
  private final Map<Cid, byte[]> blocks = new LinkedHashMap<>();
  private final List<Link> links = new ArrayList<>();

  private UnixFsBuilder(Options options) {
    this.options = options;
  }

  /**
   * Adds the parts of an {@code add} request: files and directories (content type {@code
   * application/x-directory}) named by their paths.
   *
   * @throws KuboError when there is nothing to add or an option is unsupported
   */
  public static Result build(List<Multipart.Part> parts, Options options) {
    if (parts.isEmpty()) {
      throw KuboError.client("argument \"path\" is required");
    }
    return new UnixFsBuilder(options).run(parts);
  }

  /** The UnixFS DAG of one file's content, with these options (no events kept). */
  public static Cid fileCid(byte[] content, Options options) {
    return new UnixFsBuilder(options).file("", content).cid();
  }

  private Result run(List<Multipart.Part> parts) {
    Dir top = new Dir("");
    for (Multipart.Part p : parts) {
      String path = trim(p.filename().isEmpty() ? "file" : p.filename());
      Dir parent = top.dirFor(parentOf(path));
      String name = baseOf(path);
      if (p.isDirectory()) {
        parent.subdir(name, path);
      } else {
        Node n = file(path, p.content());
        parent.entries.put(name, n);
        if (parent == top) {
          top.order.put(name, n);
        }
        events.add(new Event(path, n.cid(), 0, n.size()));
      }
    }
    List<Cid> roots = new ArrayList<>();
    Map<String, Node> built = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : top.order.entrySet()) {
      Node n = e.getValue() instanceof Dir d ? directory(d) : (Node) e.getValue();
      built.put(e.getKey(), n);
    }
    if (options.wrap()) {
      Node wrapper = directoryOf(new TreeMap<>(built));
      events.add(new Event("", wrapper.cid(), 0, wrapper.size()));
      roots.add(wrapper.cid());
    } else {
      built.values().forEach(n -> roots.add(n.cid()));
    }
    return new Result(List.copyOf(events), blocks, List.copyOf(links), List.copyOf(roots));
  }

  /** A directory being assembled: its entries (files built, subdirectories pending). */
  private static final class Dir {
    final String path;
    final Map<String, Node> entries = new TreeMap<>();
    final Map<String, Dir> subdirs = new TreeMap<>();
    final Map<String, Object> order = new LinkedHashMap<>(); // top level only: input order

    Dir(String path) {
      this.path = path;
    }

    Dir subdir(String name, String fullPath) {
      Dir d = subdirs.computeIfAbsent(name, n -> new Dir(fullPath));
      order.putIfAbsent(name, d);
      return d;
    }

    Dir dirFor(String relative) {
      Dir d = this;
      if (relative.isEmpty()) {
        return d;
      }
      String sofar = path;
      for (String seg : relative.split("/")) {
        sofar = sofar.isEmpty() ? seg : sofar + "/" + seg;
        d = d.subdir(seg, sofar);
      }
      return d;
    }
  }

  /** Builds {@code d} after its subdirectories (post-order), emitting each. */
  private Node directory(Dir d) {
    Map<String, Node> children = new TreeMap<>(d.entries);
    for (Map.Entry<String, Dir> sub : d.subdirs.entrySet()) {
      children.put(sub.getKey(), directory(sub.getValue()));
    }
    Node n = directoryOf(children);
    events.add(new Event(d.path, n.cid(), 0, n.size()));
    return n;
  }

  private Node directoryOf(Map<String, Node> children) {
    List<String> names = new ArrayList<>(children.keySet());
    names.sort(UnixFsBuilder::compareBytes);
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    long total = 0;
    for (String name : names) {
      Node c = children.get(name);
      writeLink(pb, c.cid(), name, c.size());
      total += c.size();
    }
    writeBytes(pb, 1, new byte[] {0x08, 0x01});
    byte[] block = pb.toByteArray();
    Cid cid = dagPb(block);
    names.forEach(n -> links.add(new Link(cid, n, children.get(n).cid())));
    return new Node(cid, block.length + total, 0);
  }

  private Node file(String name, byte[] content) {
    List<Node> level = new ArrayList<>();
    int chunk = options.chunkSize();
    int chunks = content.length == 0 ? 1 : (content.length + chunk - 1) / chunk;
    for (int i = 0; i < chunks; i++) {
      int end = (int) Math.min(content.length, (long) (i + 1) * chunk);
      level.add(leaf(Arrays.copyOfRange(content, i * chunk, end)));
      if (options.progress() && end > 0) {
        events.add(new Event(name, null, end, 0));
      }
    }
    while (level.size() > 1) {
      List<Node> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += MAX_LINKS) {
        next.add(parent(level.subList(i, Math.min(level.size(), i + MAX_LINKS))));
      }
      level = next;
    }
    return level.get(0);
  }

  private Node leaf(byte[] data) {
    if (options.rawLeaves()) {
      Cid cid = Cid.v1(Cid.RAW, multihash(data));
      blocks.put(cid, data);
      return new Node(cid, data.length, data.length);
    }
    ByteArrayOutputStream unixfs = new ByteArrayOutputStream();
    writeVarintField(unixfs, 1, 2);
    if (data.length > 0) {
      writeBytes(unixfs, 2, data);
    }
    writeVarintField(unixfs, 3, data.length);
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    writeBytes(pb, 1, unixfs.toByteArray());
    byte[] block = pb.toByteArray();
    return new Node(dagPb(block), block.length, data.length);
  }

  private Node parent(List<Node> children) {
    ByteArrayOutputStream unixfs = new ByteArrayOutputStream();
    long fileSize = children.stream().mapToLong(Node::fileSize).sum();
    writeVarintField(unixfs, 1, 2);
    writeVarintField(unixfs, 3, fileSize);
    children.forEach(c -> writeVarintField(unixfs, 4, c.fileSize()));
    ByteArrayOutputStream pb = new ByteArrayOutputStream();
    long total = 0;
    for (Node c : children) {
      writeLink(pb, c.cid(), "", c.size());
      total += c.size();
    }
    writeBytes(pb, 1, unixfs.toByteArray());
    byte[] block = pb.toByteArray();
    Cid cid = dagPb(block);
    children.forEach(c -> links.add(new Link(cid, "", c.cid())));
    return new Node(cid, block.length + total, fileSize);
  }

  private Cid dagPb(byte[] block) {
    Multihash mh = multihash(block);
    Cid cid = options.cidVersion() == 0 ? Cid.v0(mh) : Cid.v1(Cid.DAG_PB, mh);
    blocks.put(cid, block);
    return cid;
  }

  private Multihash multihash(byte[] data) {
    String h = options.hash().toLowerCase(Locale.ROOT);
    return switch (h) {
      case "sha2-256" -> Multihash.of(Multihash.SHA2_256, digest("SHA-256", data));
      case "sha2-512" -> Multihash.of(0x13, digest("SHA-512", data));
      default -> throw KuboError.of("unrecognized hash function: " + options.hash());
    };
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no " + algorithm, e);
    }
  }

  // ---- protobuf ----

  private static void writeLink(ByteArrayOutputStream pb, Cid cid, String name, long tsize) {
    ByteArrayOutputStream link = new ByteArrayOutputStream();
    writeBytes(link, 1, cid.toBytes());
    writeBytes(link, 2, name.getBytes(StandardCharsets.UTF_8));
    writeVarintField(link, 3, tsize);
    writeBytes(pb, 2, link.toByteArray());
  }

  private static void writeBytes(ByteArrayOutputStream out, int field, byte[] data) {
    Varint.write(out, (field << 3) | 2);
    Varint.write(out, data.length);
    out.writeBytes(data);
  }

  private static void writeVarintField(ByteArrayOutputStream out, int field, long value) {
    Varint.write(out, field << 3);
    Varint.write(out, value);
  }

  private static int compareBytes(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String trim(String path) {
    String p = path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? "file" : p;
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }

  private static String baseOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
