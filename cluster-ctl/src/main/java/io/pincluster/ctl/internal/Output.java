package io.pincluster.ctl.internal;

import io.pincluster.core.json.Json;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Locale;

/**
 * Prints answers in the chosen encoding: {@code text} ({@link TextFormat}) or {@code json} (each
 * object pretty-printed with 4-space indentation, streamed collections as one object after another,
 * not as an array). Flushes after every object so streamed items appear as they arrive.
 */
public final class Output {
  /** The two {@code --encoding} values. */
  public enum Encoding {
    TEXT,
    JSON;

    /**
     * Parses {@code text} or {@code json}.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static Encoding parse(String s) {
      return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
        case "text" -> TEXT;
        case "json" -> JSON;
        default ->
            throw new IllegalArgumentException(
                "--encoding \"" + s + "\" is not supported; use text or json");
      };
    }
  }

  private final PrintStream out;
  private final Encoding encoding;

  public Output(PrintStream out, Encoding encoding) {
    this.out = out;
    this.encoding = encoding;
  }

  public Encoding encoding() {
    return encoding;
  }

  /** Prints one object. */
  public void print(Object value) {
    out.print(format(value, encoding));
    out.flush();
  }

  /** Prints each item as soon as the iterator yields it. */
  public void printAll(Iterator<?> items) {
    while (items.hasNext()) {
      print(items.next());
    }
  }

  /** {@code value} as text or as pretty JSON, ending in a newline. */
  public static String format(Object value, Encoding encoding) {
    return encoding == Encoding.JSON ? Json.pretty(value) + "\n" : TextFormat.of(value);
  }
}
