package io.pincluster.http.internal;

import io.pincluster.http.HttpException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Splitting and percent-decoding of request paths. */
public final class PathCodec {
  private PathCodec() {}

  /**
   * The origin form ({@code /path?query}) of a request target; an absolute-form target ({@code
   * http://host/path}) loses its scheme and authority.
   */
  public static String originForm(String uri) {
    if (uri.startsWith("/") || uri.equals("*")) {
      return uri;
    }
    int scheme = uri.indexOf("://");
    if (scheme > 0) {
      int slash = uri.indexOf('/', scheme + 3);
      int query = uri.indexOf('?', scheme + 3);
      if (slash < 0 || (query >= 0 && query < slash)) {
        return "/" + (query < 0 ? "" : uri.substring(query));
      }
      return uri.substring(slash);
    }
    return uri;
  }

  /**
   * The decoded segments of a raw path: {@code /pins/a%2Fb} → {@code ["pins", "a/b"]}; {@code /} →
   * {@code []}.
   *
   * @throws HttpException 400 when a percent escape is malformed
   */
  public static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    if (rawPath.isEmpty() || rawPath.equals("/")) {
      return out;
    }
    String p = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    for (String s : p.split("/", -1)) {
      out.add(decode(s));
    }
    return out;
  }

  /**
   * Percent-decodes one path segment as UTF-8 ({@code +} stays a plus sign).
   *
   * @throws HttpException 400 when an escape is malformed
   */
  public static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
    byte[] in = segment.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < in.length; i++) {
      if (in[i] != '%') {
        out.write(in[i]);
        continue;
      }
      if (i + 2 >= in.length) {
        throw malformed(segment);
      }
      int hi = Character.digit(in[i + 1], 16);
      int lo = Character.digit(in[i + 2], 16);
      if (hi < 0 || lo < 0) {
        throw malformed(segment);
      }
      out.write((hi << 4) | lo);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static HttpException malformed(String segment) {
    return new HttpException(400, "malformed path segment \"" + segment + "\"");
  }
}
