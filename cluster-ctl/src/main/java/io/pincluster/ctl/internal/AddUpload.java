package io.pincluster.ctl.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code multipart/form-data} body of {@code POST /add}, laid out as IPFS clients
 * (go-ipfs-files' {@code MultiFileReader}) write it and Kubo reads it.
 *
 * <p>One part per file, directory, symlink and URL, each with {@code Content-Disposition:
 * form-data; name="file"; filename="<path>"}, where the path is relative to the upload ({@code
 * dir/sub/a.txt}) and URL-escaped (see {@link #queryEscape}). A directory is an empty {@code
 * application/x-directory} part written before its entries, which follow sorted by name; a file is
 * an {@code application/octet-stream} part holding its content; a symlink inside a directory an
 * {@code application/symlink} part holding its target (symlinks given as arguments are followed); a
 * URL an {@code application/octet-stream} part holding the download, with an {@code Abspath: <url>}
 * header (what Kubo's urlstore uses with {@code nocopy}). Hidden entries (names starting with a
 * dot) inside directories are left out unless asked for.
 *
 * <p>Nothing is held in memory but the entry names of the directory being written: contents are
 * copied from disk (or from the download) through one 64 KiB buffer while the body is sent. {@link
 * #plan} checks the arguments and walks the tree once beforehand (everything listable, no special
 * files) and estimates the size of the server's answer. A failure to read the input while the body
 * is written is kept ({@link #inputFailure()}) so it can be told apart from a network failure. Not
 * thread-safe; write the body once.
 */
public final class AddUpload {
  /** Opens a URL for download; the caller closes the stream. */
  @FunctionalInterface
  public interface UrlOpener {
    /**
     * @throws IOException when the URL cannot be fetched (the message says why)
     */
    InputStream open(String url) throws IOException;
  }

  /** The answer holds about this much JSON per part besides the name (CID, size, punctuation). */
  static final int ANSWER_BYTES_PER_PART = 128;

  private static final String DIRECTORY = "application/x-directory";
  private static final String FILE = "application/octet-stream";
  private static final String SYMLINK = "application/symlink";

  private record Source(String name, Path path, String url) {}

  private final List<Source> sources;
  private final boolean hidden;
  private final UrlOpener urls;
  private final String boundary;
  private final byte[] buf = new byte[64 * 1024];
  private long parts;
  private long answerBytes;
  private volatile String inputFailure;

  private AddUpload(List<Source> sources, boolean hidden, UrlOpener urls, String boundary) {
    this.sources = sources;
    this.hidden = hidden;
    this.urls = urls;
    this.boundary = boundary;
  }

  /**
   * Checks the arguments and the trees under them, before anything is sent.
   *
   * @param args local paths, or {@code http(s)://} URLs
   * @param recursive directories may be added
   * @param hidden hidden entries inside directories are added too
   * @param urls opens the URLs among {@code args} when the body is written
   * @throws CtlException (exit 1) naming the argument and the problem
   */
  public static AddUpload plan(
      List<String> args, boolean recursive, boolean hidden, UrlOpener urls) {
    if (args.isEmpty()) {
      throw CtlException.failure("nothing to add: give at least one path or URL");
    }
    List<Source> sources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String arg : args) {
      Source s = isUrl(arg) ? new Source(urlName(arg), null, arg) : local(arg, recursive);
      if (!names.add(s.name())) {
        throw CtlException.failure(
            "two arguments are both named \""
                + s.name()
                + "\" (the last one is "
                + arg
                + "): they would be the same entry of the upload");
      }
      sources.add(s);
    }
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    AddUpload upload =
        new AddUpload(List.copyOf(sources), hidden, urls, HexFormat.of().formatHex(random));
    upload.count();
    return upload;
  }

  /** {@code multipart/form-data; boundary=…} */
  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** The parts the body holds (as found by {@link #plan}). */
  public long parts() {
    return parts;
  }

  /** About how many bytes of answer the server sends for this upload. */
  public long estimatedAnswerBytes() {
    return answerBytes;
  }

  /** Whether every argument is a URL. */
  public boolean onlyUrls() {
    return sources.stream().allMatch(s -> s.url() != null);
  }

  /** Whether the upload is exactly one regular file or URL (what a CAR upload must be). */
  public boolean isSingleFile() {
    if (sources.size() != 1) {
      return false;
    }
    Source s = sources.get(0);
    return s.url() != null || Files.isRegularFile(s.path());
  }

  /** What went wrong reading the input while the body was written, or null. */
  public String inputFailure() {
    return inputFailure;
  }

  /**
   * Writes the whole body to {@code out}, reading the input as it goes.
   *
   * @throws IOException when reading the input (see {@link #inputFailure()}) or writing fails
   */
  public void writeTo(OutputStream out) throws IOException {
    try {
      walk(new Writer(out));
    } catch (InputFailure e) {
      inputFailure = e.getMessage();
      throw e;
    }
    out.write(ascii("--" + boundary + "--\r\n"));
  }

  private void count() {
    try {
      walk(
          new Visitor() {
            @Override
            public void directory(String name) {
              add(name);
            }

            @Override
            public void file(String name, Path path) throws InputFailure {
              if (!Files.isReadable(path)) {
                throw new InputFailure("cannot read " + path + ": permission denied");
              }
              add(name);
            }

            @Override
            public void symlink(String name, Path path) {
              add(name);
            }

            @Override
            public void url(String name, String url) {
              add(name);
            }
          });
    } catch (IOException e) {
      throw CtlException.failure(e.getMessage());
    }
  }

  private void add(String name) {
    parts++;
    answerBytes += name.getBytes(StandardCharsets.UTF_8).length + ANSWER_BYTES_PER_PART;
  }

  /** What the walk finds, in body order. */
  private interface Visitor {
    void directory(String name) throws IOException;

    void file(String name, Path path) throws IOException;

    void symlink(String name, Path path) throws IOException;

    void url(String name, String url) throws IOException;
  }

  private void walk(Visitor v) throws IOException {
    for (Source s : sources) {
      if (s.url() != null) {
        v.url(s.name(), s.url());
      } else {
        visit(s.path(), s.name(), v, true);
      }
    }
  }

  private void visit(Path p, String name, Visitor v, boolean top) throws IOException {
    LinkOption[] links = top ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, links);
    } catch (IOException e) {
      throw new InputFailure("cannot add " + p + ": " + why(e));
    }
    if (a.isSymbolicLink()) {
      v.symlink(name, p);
    } else if (a.isDirectory()) {
      v.directory(name);
      for (String child : entries(p)) {
        visit(p.resolve(child), name + "/" + child, v, false);
      }
    } else if (a.isRegularFile()) {
      v.file(name, p);
    } else {
      throw new InputFailure(
          "cannot add " + p + ": it is not a regular file, directory or symlink");
    }
  }

  /** The names in {@code dir}, sorted, hidden ones left out unless asked for. */
  private List<String> entries(Path dir) throws InputFailure {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        String n = child.getFileName().toString();
        if (hidden || !n.startsWith(".")) {
          names.add(n);
        }
      }
    } catch (IOException e) {
      throw new InputFailure("cannot list " + dir + ": " + why(e));
    }
    names.sort(null);
    return names;
  }

  /** Writes the parts as the walk finds them. */
  private final class Writer implements Visitor {
    private final OutputStream out;

    Writer(OutputStream out) {
      this.out = out;
    }

    @Override
    public void directory(String name) throws IOException {
      head(name, DIRECTORY, null);
      out.write(ascii("\r\n"));
    }

    @Override
    public void file(String name, Path path) throws IOException {
      InputStream in;
      try {
        in = Files.newInputStream(path);
      } catch (IOException e) {
        throw new InputFailure("cannot read " + path + ": " + why(e));
      }
      head(name, FILE, null);
      copy(in, "cannot read " + path);
    }

    @Override
    public void symlink(String name, Path path) throws IOException {
      String target;
      try {
        target = Files.readSymbolicLink(path).toString();
      } catch (IOException e) {
        throw new InputFailure("cannot read the symlink " + path + ": " + why(e));
      }
      head(name, SYMLINK, null);
      out.write(target.getBytes(StandardCharsets.UTF_8));
      out.write(ascii("\r\n"));
    }

    @Override
    public void url(String name, String url) throws IOException {
      InputStream in;
      try {
        in = urls.open(url);
      } catch (IOException e) {
        throw new InputFailure("cannot download " + url + ": " + why(e));
      }
      head(name, FILE, url);
      copy(in, "cannot download " + url);
    }

    private void head(String name, String type, String absPath) throws IOException {
      StringBuilder sb = new StringBuilder("--").append(boundary).append("\r\n");
      if (absPath != null) {
        sb.append("Abspath: ").append(absPath).append("\r\n");
      }
      sb.append("Content-Disposition: form-data; name=\"file\"; filename=\"")
          .append(queryEscape(name))
          .append("\"\r\nContent-Type: ")
          .append(type)
          .append("\r\n\r\n");
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Copies {@code in} to the body and closes it; read failures are input failures. */
    private void copy(InputStream in, String failure) throws IOException {
      try {
        while (true) {
          int n;
          try {
            n = in.read(buf);
          } catch (IOException e) {
            throw new InputFailure(failure + ": " + why(e));
          }
          if (n < 0) {
            break;
          }
          out.write(buf, 0, n);
        }
      } finally {
        try {
          in.close();
        } catch (IOException ignored) {
          // everything needed was read
        }
      }
      out.write(ascii("\r\n"));
    }
  }

  private static Source local(String arg, boolean recursive) {
    Path p = Path.of(arg);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (IOException e) {
      throw CtlException.failure("cannot add " + arg + ": " + why(e));
    }
    if (a.isDirectory() && !recursive) {
      throw CtlException.failure(arg + " is a directory: use -r (--recursive) to add it");
    }
    Path name = p.toAbsolutePath().normalize().getFileName();
    if (name == null) {
      throw CtlException.failure("cannot add " + arg + ": it has no name to give it in IPFS");
    }
    return new Source(name.toString(), p, null);
  }

  static boolean isUrl(String arg) {
    String lower = arg.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  /** The last non-empty segment of the URL's path, else its host (as go-ipfs-files names it). */
  static String urlName(String url) {
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw CtlException.failure("cannot add " + url + ": not a valid URL (" + e.getReason() + ")");
    }
    if (u.getHost() == null) {
      throw CtlException.failure("cannot add " + url + ": the URL has no host");
    }
    String path = u.getPath() == null ? "" : u.getPath();
    for (String seg : reversed(path.split("/"))) {
      if (!seg.isEmpty()) {
        return seg;
      }
    }
    return u.getHost();
  }

  private static List<String> reversed(String[] items) {
    List<String> out = new ArrayList<>(List.of(items));
    java.util.Collections.reverse(out);
    return out;
  }

  /**
   * Escapes a path as Go's {@code url.QueryEscape} does (everything but {@code A-Za-z0-9-_.~}), but
   * a space as {@code %20}: Kubo decodes it with {@code url.QueryUnescape}, js-ipfs with {@code
   * decodeURIComponent}, which leaves a {@code +} as it is.
   */
  static String queryEscape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8)
        .replace("+", "%20")
        .replace("*", "%2A")
        .replace("%7E", "~");
  }

  private static String why(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A failure to read the input (not to send the body). */
  private static final class InputFailure extends IOException {
    private static final long serialVersionUID = 1L;

    InputFailure(String message) {
      super(message);
    }
  }
}
