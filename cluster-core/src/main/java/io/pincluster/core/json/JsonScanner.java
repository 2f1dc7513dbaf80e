package io.pincluster.core.json;

import com.fasterxml.jackson.core.StreamReadConstraints;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over one small JSON document in UTF-8 bytes, reading the few shapes our stored forms use
 * (objects, arrays, strings, ints, null) with no tokenizer state. Anything else, or anything
 * malformed, throws {@link NotPlain}: the caller then leaves the document to data binding, which
 * decides what it means or how it is wrong. Not thread-safe; one instance per document.
 */
final class JsonScanner {
  /** The document is not in the plain form this scanner reads. Carries no stack trace. */
  static final class NotPlain extends Exception {
    static final NotPlain INSTANCE = new NotPlain();

    private NotPlain() {
      super("not the plain stored form", null, false, false);
    }
  }

  /** Jackson's read limits, which data binding applies to the same documents. */
  private static final StreamReadConstraints LIMITS =
      Json.mapper().getFactory().streamReadConstraints();

  private final byte[] json;
  private final int end;
  private int at;

  JsonScanner(byte[] json) {
    this(json, json.length);
  }

  /** Scans {@code json[0, length)}. */
  JsonScanner(byte[] json, int length) {
    this.json = json;
    this.end = length;
  }

  /** Skips whitespace and consumes {@code c}. */
  void expect(char c) throws NotPlain {
    if (!tryConsume(c)) {
      throw NotPlain.INSTANCE;
    }
  }

  /** Skips whitespace and consumes {@code c} if it is next; false (nothing consumed but blanks). */
  boolean tryConsume(char c) {
    skipBlanks();
    if (at < end && json[at] == c) {
      at++;
      return true;
    }
    return false;
  }

  /** Skips whitespace and consumes {@code null} if it is next. */
  boolean tryNull() {
    skipBlanks();
    if (at + 4 <= end
        && json[at] == 'n'
        && json[at + 1] == 'u'
        && json[at + 2] == 'l'
        && json[at + 3] == 'l') {
      at += 4;
      return true;
    }
    return false;
  }

  /** True when only whitespace is left. */
  boolean atEnd() {
    skipBlanks();
    return at == end;
  }

  /**
   * A string value. One longer than Jackson's limit for a string (names: {@link #fieldName}) is not
   * plain, so data binding refuses it as it refused it before.
   */
  String string() throws NotPlain {
    return within(anyString(), LIMITS.getMaxStringLength());
  }

  private static String within(String s, int max) throws NotPlain {
    if (s.length() > max) {
      throw NotPlain.INSTANCE;
    }
    return s;
  }

  private String anyString() throws NotPlain {
    expect('"');
    int start = at;
    boolean ascii = plainRun();
    if (at == end) {
      throw NotPlain.INSTANCE;
    }
    if (json[at] == '\\') {
      return escaped(start);
    }
    String s =
        ascii ? new String(json, start, at - start, StandardCharsets.ISO_8859_1) : utf8(start, at);
    at++;
    return s;
  }

  /**
   * Advances over string bytes up to the next quote or backslash (or the end); true when they were
   * all ASCII. A raw control character is not JSON.
   */
  private boolean plainRun() throws NotPlain {
    boolean ascii = true;
    while (at < end && json[at] != '"' && json[at] != '\\') {
      byte b = json[at++];
      if (b >= 0 && b < 0x20) {
        throw NotPlain.INSTANCE;
      }
      ascii &= b >= 0;
    }
    return ascii;
  }

  /**
   * Consumes the next value if it is a string with exactly the ASCII text {@code expected}, written
   * without escapes; otherwise consumes nothing but blanks and returns false.
   */
  boolean tryString(String expected) {
    skipBlanks();
    int n = expected.length();
    if (at + n + 2 > end || json[at] != '"' || json[at + n + 1] != '"') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (json[at + 1 + i] != expected.charAt(i)) {
        return false;
      }
    }
    at += n + 2;
    return true;
  }

  /** The rest of a string from {@code start}; {@code at} is on its first backslash. */
  private String escaped(int start) throws NotPlain {
    StringBuilder out = new StringBuilder(utf8(start, at));
    while (at < end) { // on a quote or a backslash
      if (json[at++] == '"') {
        return out.toString();
      }
      if (at == end) {
        break;
      }
      byte e = json[at++];
      switch (e) {
        case '"', '\\', '/' -> out.append((char) e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> out.append(hex4());
        default -> throw NotPlain.INSTANCE;
      }
      int from = at;
      plainRun();
      out.append(utf8(from, at));
    }
    throw NotPlain.INSTANCE;
  }

  private char hex4() throws NotPlain {
    if (at + 4 > end) {
      throw NotPlain.INSTANCE;
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(json[at++], 16);
      if (d < 0) {
        throw NotPlain.INSTANCE;
      }
      v = v << 4 | d;
    }
    return (char) v;
  }

  /** Strict UTF-8: malformed bytes are left to data binding. */
  private String utf8(int from, int to) throws NotPlain {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(ByteBuffer.wrap(json, from, to - from))
          .toString();
    } catch (CharacterCodingException e) {
      throw NotPlain.INSTANCE;
    }
  }

  /** A field name of an object: a string followed by a colon. */
  String fieldName() throws NotPlain {
    String name = within(anyString(), LIMITS.getMaxNameLength());
    expect(':');
    return name;
  }

  /**
   * A field name of an object, followed by its colon, as its index in {@code names} (ASCII names);
   * -1 for any other name. A name written with escapes or control characters is not plain.
   */
  int fieldIndex(byte[][] names) throws NotPlain {
    expect('"');
    int start = at;
    plainRun();
    if (at == end || json[at] == '\\') {
      throw NotPlain.INSTANCE;
    }
    int length = at - start;
    at++;
    expect(':');
    for (int i = 0; i < names.length; i++) {
      if (names[i].length == length
          && Arrays.equals(json, start, start + length, names[i], 0, length)) {
        return i;
      }
    }
    return -1;
  }

  /** An int value written plainly: an optional minus and digits, no leading zero, in range. */
  int integer() throws NotPlain {
    skipBlanks();
    boolean negative = at < end && json[at] == '-';
    if (negative) {
      at++;
    }
    int start = at;
    long v = 0;
    while (at < end && json[at] >= '0' && json[at] <= '9' && at - start < 11) {
      v = v * 10 + (json[at++] - '0');
    }
    int digits = at - start;
    boolean leadingZero = digits > 1 && json[start] == '0';
    boolean fractionFollows = at < end && (json[at] == '.' || json[at] == 'e' || json[at] == 'E');
    if (digits == 0 || digits > 10 || leadingZero || fractionFollows) {
      throw NotPlain.INSTANCE;
    }
    v = negative ? -v : v;
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw NotPlain.INSTANCE;
    }
    return (int) v;
  }

  private void skipBlanks() {
    while (at < end) {
      byte b = json[at];
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return;
      }
      at++;
    }
  }
}
