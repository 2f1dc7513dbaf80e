package io.pincluster.testing.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Extracts the parts of a {@code multipart/form-data} body, as block/put and add receive it. */
final class Multipart {
  private Multipart() {}

  /**
   * The contents of every part, in order.
   *
   * @throws KuboError when the body is not multipart
   */
  static List<byte[]> files(String contentType, byte[] body) {
    String boundary = boundary(contentType);
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<byte[]> parts = new ArrayList<>();
    int pos = indexOf(body, delimiter, 0);
    while (pos >= 0) {
      int afterDelimiter = pos + delimiter.length;
      if (startsWith(body, afterDelimiter, "--")) {
        break;
      }
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
      if (headersEnd < 0) {
        break;
      }
      int start = headersEnd + 4;
      int next = indexOf(body, delimiter, start);
      if (next < 0) {
        break;
      }
      int end = next >= 2 && body[next - 2] == '\r' && body[next - 1] == '\n' ? next - 2 : next;
      parts.add(Arrays.copyOfRange(body, start, end));
      pos = next;
    }
    return parts;
  }

  private static String boundary(String contentType) {
    if (contentType == null
        || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
      throw KuboError.client("file argument 'data' is required (send multipart/form-data)");
    }
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(java.util.Locale.ROOT).startsWith("boundary=")) {
        String b = p.substring("boundary=".length());
        return b.startsWith("\"") && b.endsWith("\"") ? b.substring(1, b.length() - 1) : b;
      }
    }
    throw KuboError.client("multipart body without a boundary");
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
