package io.pincluster.ctl;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.InvalidCidException;
import io.pincluster.core.config.GoDuration;
import io.pincluster.ctl.internal.CtlException;
import java.time.Duration;

/** Parses command arguments, failing with exit 1 and the parse error before any request. */
final class Args {
  private Args() {}

  static Cid cid(String text) {
    try {
      return Cid.parse(text.trim());
    } catch (InvalidCidException e) {
      throw CtlException.failure(e.getMessage());
    }
  }

  /**
   * A Go duration ({@code 30s}, {@code 2m}) or a number of seconds; zero means none.
   *
   * @param option the option's name, for the message
   */
  static Duration duration(String option, String text) {
    String s = text.trim();
    Duration d;
    try {
      d = s.matches("[0-9]+") ? Duration.ofSeconds(Long.parseLong(s)) : GoDuration.parse(s);
    } catch (IllegalArgumentException e) {
      throw CtlException.failure(
          option + " \"" + text + "\" is not a duration (e.g. 30s, 2m, 1h30m)");
    }
    if (d.isNegative()) {
      throw CtlException.failure(option + " cannot be negative: " + text);
    }
    return d;
  }
}
