package io.pincluster.testing.internal;

import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.InvalidCidException;
import io.pincluster.core.cid.Multihash;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The little naming the fake node knows: named links between blocks (a stand-in for UnixFS
 * directories, walked by {@code resolve}, {@code dag/resolve} and {@code refs}) and IPNS records
 * (name → path). Thread-safe (synchronized).
 */
public final class KuboDag {
  /** Most IPNS indirections and links followed in one resolution, as a guard against cycles. */
  static final int MAX_DEPTH = 32;

  /** Most refs one {@code refs -r} lists. */
  static final int MAX_REFS = 100_000;

  private final Map<Multihash, Map<String, Cid>> links = new HashMap<>();
  private final Map<String, String> ipns = new HashMap<>();

  public synchronized void addLink(Cid parent, String name, Cid child) {
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("a link name is one path segment: \"" + name + "\"");
    }
    links.computeIfAbsent(parent.multihash(), k -> new LinkedHashMap<>()).put(name, child);
  }

  /**
   * Links {@code child} below {@code parent} without a name (a chunk of a file): {@code refs -r}
   * lists it and {@code repo/gc} keeps it, but no path reaches it.
   */
  public synchronized void addUnnamedLink(Cid parent, Cid child) {
    Map<String, Cid> children =
        links.computeIfAbsent(parent.multihash(), k -> new LinkedHashMap<>());
    children.put("\u0000" + children.size(), child);
  }

  /** Publishes {@code name} (a peer ID or any text) as pointing to {@code path}. */
  public synchronized void setIpns(String name, String path) {
    ipns.put(name, path);
  }

  public synchronized void removeIpns(String name) {
    ipns.remove(name);
  }

  /**
   * Resolves {@code /ipfs/<cid>[/links…]}, {@code /ipns/<name>[/…]} (or a bare CID) to the CID it
   * ends at.
   *
   * @throws KuboError with Kubo-like wording when a name, link or CID is unknown or invalid
   */
  public synchronized Cid resolve(String path) {
    String p = path;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      if (p.startsWith("/ipns/")) {
        String rest = p.substring("/ipns/".length());
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String target = ipns.get(name);
        if (target == null) {
          throw KuboError.of("could not resolve name \"" + name + "\"");
        }
        p = target + (slash < 0 ? "" : rest.substring(slash));
        continue;
      }
      return walk(path, p.startsWith("/ipfs/") ? p.substring("/ipfs/".length()) : p);
    }
    throw KuboError.of("could not resolve name: recursion limit exceeded for " + path);
  }

  /** Every CID below {@code root} through links, depth first, without repeats. */
  public synchronized List<Cid> refs(Cid root) {
    List<Cid> out = new ArrayList<>();
    Set<Multihash> seen = new HashSet<>();
    Deque<Cid> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty() && out.size() < MAX_REFS) {
      Map<String, Cid> children = links.getOrDefault(todo.pop().multihash(), Map.of());
      List<Cid> list = new ArrayList<>(children.values());
      for (int i = list.size() - 1; i >= 0; i--) {
        Cid c = list.get(i);
        if (seen.add(c.multihash())) {
          out.add(c);
          todo.push(c);
        }
      }
    }
    return out;
  }

  private Cid walk(String original, String cidAndLinks) {
    String[] segments = cidAndLinks.split("/");
    Cid current;
    try {
      current = Cid.parse(segments[0]);
    } catch (InvalidCidException e) {
      throw KuboError.of("invalid path \"" + original + "\": " + e.getMessage());
    }
    for (int i = 1; i < segments.length && i <= MAX_DEPTH; i++) {
      if (segments[i].isEmpty()) {
        continue;
      }
      Cid next = links.getOrDefault(current.multihash(), Map.of()).get(segments[i]);
      if (next == null) {
        throw KuboError.of("no link named \"" + segments[i] + "\" under " + current);
      }
      current = next;
    }
    return current;
  }
}
