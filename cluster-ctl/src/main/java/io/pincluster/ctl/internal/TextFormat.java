package io.pincluster.ctl.internal;

import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.ApiError;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.GlobalRepoGc;
import io.pincluster.core.api.PeerInfo;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.RepoGc;
import io.pincluster.core.api.RepoGcKey;
import io.pincluster.core.api.Version;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The human-readable output of cluster-ctl ({@code --enc text}), line for line as IPFS Cluster's
 * {@code ipfs-cluster-ctl} v1 prints it. Every method returns complete lines ending in {@code \n}.
 */
public final class TextFormat {
  private TextFormat() {}

  /** Formats one answer object; other types are refused. */
  public static String of(Object value) {
    if (value instanceof PeerInfo p) {
      return peer(p);
    }
    if (value instanceof GlobalPinInfo g) {
      return status(g);
    }
    if (value instanceof Pin p) {
      return pin(p);
    }
    if (value instanceof Version v) {
      return v.version() + "\n";
    }
    if (value instanceof ApiError e) {
      return error(e);
    }
    if (value instanceof GlobalRepoGc gc) {
      return repoGc(gc);
    }
    if (value instanceof AddedOutput a) {
      return added(a);
    }
    throw new IllegalArgumentException(
        "no text format for " + (value == null ? "null" : value.getClass().getSimpleName()));
  }

  /**
   * {@code <peerID> | <peername> | Sees N other peers}, then the sorted addresses and the IPFS
   * node; an unreachable peer is {@code <peerID> | ERROR: <error>}.
   */
  public static String peer(PeerInfo p) {
    StringBuilder sb = new StringBuilder();
    String id = p.id() == null ? "" : p.id().toString();
    if (!p.error().isEmpty()) {
      return sb.append(id).append(" | ERROR: ").append(p.error()).append('\n').toString();
    }
    int others = Math.max(0, p.clusterPeers().size() - 1);
    sb.append(id)
        .append(" | ")
        .append(p.peername())
        .append(" | Sees ")
        .append(others)
        .append(" other peers\n");
    sb.append("  > Addresses:\n");
    for (String a : sorted(p.addresses().stream().map(Multiaddr::toString).toList())) {
      sb.append("    - ").append(a).append('\n');
    }
    if (!p.ipfs().error().isEmpty()) {
      return sb.append("  > IPFS ERROR: ").append(p.ipfs().error()).append('\n').toString();
    }
    sb.append("  > IPFS: ").append(p.ipfs().id()).append('\n');
    for (String a : sorted(p.ipfs().addresses())) {
      sb.append("    - ").append(a).append('\n');
    }
    return sb.toString();
  }

  /**
   * {@code <cid>[ | <name>]:} then one line per peer, sorted by peer ID: {@code > <peername padded
   * to 20> : <STATUS>[: <error>] | <timestamp> | Attempts: N | Priority: bool}.
   */
  public static String status(GlobalPinInfo g) {
    StringBuilder sb = new StringBuilder().append(g.cid());
    if (!g.name().isEmpty()) {
      sb.append(" | ").append(g.name());
    }
    sb.append(":\n");
    for (Map.Entry<String, PinInfoShort> e : g.peerMap().entrySet()) {
      PinInfoShort s = e.getValue();
      String who = s.peername().isEmpty() ? e.getKey() : s.peername();
      sb.append(String.format(Locale.ROOT, "    > %-20s : %s", who, upper(s.status().wire())));
      if (!s.error().isEmpty()) {
        sb.append(": ").append(s.error());
      }
      sb.append(" | ").append(GoTime.rfc3339Nano(s.timestamp()));
      sb.append(" | Attempts: ").append(s.attemptCount());
      sb.append(" | Priority: ").append(s.priorityPin());
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * {@code <cid> | <name> | PIN[-DIRECT] | Repl. Factor: min--max | Allocations: [..] | Recursive |
   * Metadata: yes/no | Exp: <date or ∞> | Added: <date>}.
   */
  public static String pin(Pin p) {
    StringBuilder sb = new StringBuilder();
    String type = upper(p.type().wire()) + (p.mode() == PinMode.DIRECT ? "-DIRECT" : "");
    sb.append(p.cid()).append(" | ").append(p.name()).append(" | ").append(type).append(" | ");
    if (p.isEverywhere() || p.replicationFactorMin() < 0) {
      sb.append("Repl. Factor: -1 | Allocations: [everywhere]");
    } else {
      List<String> allocations = sorted(p.allocations().stream().map(PeerId::toString).toList());
      sb.append("Repl. Factor: ")
          .append(p.replicationFactorMin())
          .append("--")
          .append(p.replicationFactorMax())
          .append(" | Allocations: [")
          .append(String.join(" ", allocations))
          .append(']');
    }
    sb.append(" | ").append(depth(p.maxDepth()));
    sb.append(" | Metadata: ").append(p.metadata().isEmpty() ? "no" : "yes");
    sb.append(" | Exp: ")
        .append(p.expireAt().equals(Pin.ZERO_TIME) ? "∞" : GoTime.dateTime(p.expireAt()));
    sb.append(" | Added: ")
        .append(p.timestamp().equals(Pin.ZERO_TIME) ? "unknown" : GoTime.dateTime(p.timestamp()));
    return sb.append('\n').toString();
  }

  /**
   * As {@code ipfs-cluster-ctl ipfs gc} prints it, per peer sorted by peer ID: {@code <peername or
   * ID padded to 15>[ | ERROR: <error>]}, then {@code > CIDs:} and one {@code - <cid>} (or {@code -
   * ERROR: <error>}) per block removed.
   */
  public static String repoGc(GlobalRepoGc gc) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, RepoGc> e : new TreeMap<>(gc.peerMap()).entrySet()) {
      RepoGc item = e.getValue();
      String who = item.peername().isEmpty() ? e.getKey() : item.peername();
      if (item.error().isEmpty()) {
        sb.append(String.format(Locale.ROOT, "%-15s\n", who));
      } else {
        sb.append(String.format(Locale.ROOT, "%-15s | ERROR: %s\n", who, item.error()));
      }
      sb.append("  > CIDs:\n");
      for (RepoGcKey key : item.keys()) {
        if (!key.error().isEmpty()) {
          sb.append("    - ERROR: ").append(key.error()).append('\n');
        } else {
          sb.append("    - ").append(key.key()).append('\n');
        }
      }
    }
    return sb.toString();
  }

  /** {@code added <cid> <name>}, as {@code ipfs-cluster-ctl add} prints each object added. */
  public static String added(AddedOutput a) {
    return "added " + a.cid() + " " + a.name() + "\n";
  }

  /** {@code An error occurred:\n Code: N\n Message: …}. */
  public static String error(ApiError e) {
    return "An error occurred:\n  Code: " + e.code() + "\n  Message: " + e.message() + "\n";
  }

  private static String depth(int maxDepth) {
    return switch (maxDepth) {
      case 0 -> "Direct";
      case -1 -> "Recursive";
      default -> "Recursive-" + maxDepth;
    };
  }

  private static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  private static List<String> sorted(List<String> items) {
    return items.stream().sorted().collect(Collectors.toList());
  }
}
