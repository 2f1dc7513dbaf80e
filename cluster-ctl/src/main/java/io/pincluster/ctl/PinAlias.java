package io.pincluster.ctl;

import io.pincluster.core.cid.Cid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Rewrites {@code pin <cid> …} into {@code pin add <cid> …}: IPFS Cluster's production guide
 * re-pins with {@code ipfs-cluster-ctl pin <cid>}. The rewrite applies when the word after {@code
 * pin} is not one of its subcommands and either looks like a CID or an IPFS path ({@code /ipfs/…})
 * or is an option other than {@code --help}.
 */
final class PinAlias {
  /** Global options that take a value in the next argument. */
  private static final Set<String> GLOBAL_WITH_VALUE =
      Set.of("-l", "--host", "--enc", "--encoding", "-t", "--timeout", "--basic-auth");

  private static final Set<String> PIN_SUBCOMMANDS = Set.of("add", "rm", "update", "ls", "help");
  private static final Set<String> HELP = Set.of("-h", "--help");

  private PinAlias() {}

  static String[] rewrite(String[] args) {
    int i = 0;
    while (i < args.length && args[i].startsWith("-") && !args[i].equals("--")) {
      i += GLOBAL_WITH_VALUE.contains(args[i]) ? 2 : 1;
    }
    if (i + 1 >= args.length || !args[i].equals("pin") || !shouldAlias(args[i + 1])) {
      return args;
    }
    List<String> out = new ArrayList<>(Arrays.asList(args));
    out.add(i + 1, "add");
    return out.toArray(new String[0]);
  }

  private static boolean shouldAlias(String next) {
    if (PIN_SUBCOMMANDS.contains(next)) {
      return false;
    }
    if (next.startsWith("-")) {
      return !HELP.contains(next);
    }
    if (next.startsWith("/ipfs/") || next.startsWith("/ipns/") || next.startsWith("/ipld/")) {
      return true;
    }
    return looksLikeCid(next);
  }

  /** A valid CID, or a long alphanumeric word (a mistyped CID then gets the CID parse error). */
  private static boolean looksLikeCid(String word) {
    try {
      Cid.parse(word);
      return true;
    } catch (IllegalArgumentException e) {
      return word.length() >= 32 && word.chars().allMatch(Character::isLetterOrDigit);
    }
  }
}
