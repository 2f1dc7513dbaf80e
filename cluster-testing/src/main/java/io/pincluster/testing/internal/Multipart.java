package io.pincluster.testing.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Extracts the parts of a {@code multipart/form-data} (or {@code multipart/mixed}) body, as
 * block/put, add and dag/import receive it: each part's content, its file name (URL-decoded, as
 * IPFS clients escape paths) and its content type. Whole bodies only; fine for a fake.
 */
public final class Multipart {
  /** The content type IPFS clients give a directory part. */
  public static final String DIRECTORY = "application/x-directory";

  /**
   * One part.
   *
   * @param filename the decoded {@code filename} of its {@code Content-Disposition}, "" when none
   * @param contentType its {@code Content-Type}, {@code application/octet-stream} when none
   */
  public record Part(String filename, String contentType, byte[] content) {
    public boolean isDirectory() {
      return contentType.toLowerCase(Locale.ROOT).startsWith(DIRECTORY);
    }
  }

  private Multipart() {}

  /**
   * The contents of every part, in order.
   *
   * @throws KuboError when the body is not multipart
   */
  static List<byte[]> files(String contentType, byte[] body) {
    return parts(contentType, body).stream().map(Part::content).toList();
  }

  /**
   * Every part, in order.
   *
   * @throws KuboError when the body is not multipart
   */
  public static List<Part> parts(String contentType, byte[] body) {
    String boundary = boundary(contentType);
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    byte[] headEnd = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    List<Part> parts = new ArrayList<>();
    int pos = indexOf(body, delimiter, 0);
    while (pos >= 0) {
      int afterDelimiter = pos + delimiter.length;
      if (startsWith(body, afterDelimiter, "--")) {
        break;
      }
      int headersEnd = indexOf(body, headEnd, afterDelimiter);
      if (headersEnd < 0) {
        break;
      }
      String head =
          new String(body, afterDelimiter, headersEnd - afterDelimiter, StandardCharsets.UTF_8);
      int start = headersEnd + 4;
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        break;
      }
      int end = next >= 2 && body[next - 2] == '\r' && body[next - 1] == '\n' ? next - 2 : next;
      parts.add(part(head, Arrays.copyOfRange(body, start, end)));
      pos = next;
    }
    return parts;
  }

  private static Part part(String head, byte[] content) {
    String filename = "";
    String type = "application/octet-stream";
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("content-type")) {
        type = value;
      } else if (name.equals("content-disposition")) {
        filename = param(value, "filename");
      }
    }
    return new Part(decode(filename), type, content);
  }

  private static String param(String header, String key) {
    for (String p : header.split(";")) {
      String t = p.trim();
      if (t.toLowerCase(Locale.ROOT).startsWith(key + "=")) {
        String v = t.substring(key.length() + 1);
        return v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2
            ? v.substring(1, v.length() - 1)
            : v;
      }
    }
    return "";
  }

  private static String decode(String filename) {
    try {
      return URLDecoder.decode(filename, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return filename;
    }
  }

  private static String boundary(String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      throw KuboError.client("file argument 'data' is required (send multipart/form-data)");
    }
    String b = param(contentType, "boundary");
    if (b.isEmpty()) {
      throw KuboError.client("multipart body without a boundary");
    }
    return b;
  }

  private static boolean startsWith(byte[] data, int at, String s) {
    byte[] p = s.getBytes(StandardCharsets.ISO_8859_1);
    return at + p.length <= data.length && Arrays.equals(data, at, at + p.length, p, 0, p.length);
  }

  private static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
