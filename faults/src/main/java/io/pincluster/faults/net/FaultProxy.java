package io.pincluster.faults.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The egress proxy of one peer: every connection that peer opens to another peer goes through it,
 * so it knows both ends of each connection and can break one link (this peer to that one) without
 * touching the others. In-process, plain TCP, loopback only.
 *
 * <p>Design notes. Ratis 3.2.0 builds its gRPC channels with {@code proxyDetector(addr -> null)}
 * (both {@code GrpcServerProtocolClient} and {@code GrpcClientProtocolClient}), so an HTTP CONNECT
 * proxy set through {@code https.proxyHost} is never asked. Instead each link gets its own
 * listening address: peers advertise host names, each peer's JVM resolves them through its own
 * hosts file ({@code -Djdk.net.hosts.file}), and the name of peer B resolves, in peer A's JVM, to
 * the loopback address where A's proxy listens for the link A→B. {@link LoopbackNetwork} sets that
 * up; this class only forwards.
 *
 * <p>A route is one listening socket ({@code listen}) whose connections are forwarded to one
 * destination ({@code target}); routes to the same destination peer form one link and share its
 * rule ({@link LinkState}) and delay. Both addresses must be loopback: the proxy never connects
 * anywhere else.
 *
 * <p>Thread-safe. Threads (daemon): {@code faultproxy-<from>-accept-<to>:<port>} per route, and two
 * per forwarded connection ({@code faultproxy-<from>-><to>-c<N>-up/down}), at most {@link
 * FaultProxyConfig#maxConnections()} connections at once; one over the limit is reset. {@link
 * #close()} is idempotent: it stops listening and resets every connection.
 */
public final class FaultProxy implements AutoCloseable {
  private final String from;
  private final FaultProxyConfig config;
  private final Semaphore permits;
  private final Map<String, Link> links = new ConcurrentHashMap<>();
  private final List<ServerSocket> listeners = new ArrayList<>(); // guarded by this
  private final List<Thread> acceptors = new ArrayList<>(); // guarded by this
  private final AtomicLong connectionIds = new AtomicLong();
  private final AtomicLong overLimit = new AtomicLong();
  private boolean closed; // guarded by this

  /**
   * @param from the peer whose egress this is (used in thread names and messages)
   */
  public FaultProxy(String from, FaultProxyConfig config) {
    if (from == null || from.isBlank()) {
      throw new IllegalArgumentException("a fault proxy needs the name of its peer");
    }
    this.from = from;
    this.config = config;
    this.permits = new Semaphore(config.maxConnections());
  }

  public String from() {
    return from;
  }

  /**
   * Listens on {@code listen} (port 0: any free port) and forwards each accepted connection to
   * {@code target}, under the rule of the link to {@code to}.
   *
   * @return the address actually listened on
   * @throws IllegalArgumentException when either address is not a resolved loopback address
   * @throws UncheckedIOException when {@code listen} cannot be bound
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized InetSocketAddress route(
      String to, InetSocketAddress listen, InetSocketAddress target) {
    requireLoopback("listen", listen);
    requireLoopback("destination", target);
    if (closed) {
      throw new IllegalStateException("fault proxy of " + from + " is closed");
    }
    Link link = links.computeIfAbsent(to, t -> new Link(from + "->" + t));
    ServerSocket server;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(listen, 128);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "fault proxy of " + from + " cannot listen on " + listen + " (link to " + to + ")", e);
    }
    InetSocketAddress bound = (InetSocketAddress) server.getLocalSocketAddress();
    Thread t =
        new Thread(
            () -> acceptLoop(server, link, target),
            "faultproxy-" + from + "-accept-" + to + ":" + bound.getPort());
    t.setDaemon(true);
    listeners.add(server);
    acceptors.add(t);
    t.start();
    return bound;
  }

  /** Hard cut of the link to {@code to}: resets its connections and every new one. */
  public void cut(String to) {
    link(to).set(LinkState.CUT);
  }

  /** Silent partition of the link to {@code to} (see {@link LinkState#BLACKHOLE}). */
  public void blackhole(String to) {
    link(to).set(LinkState.BLACKHOLE);
  }

  /** Lets the link to {@code to} pass again (its delay stays). */
  public void heal(String to) {
    link(to).set(LinkState.PASS);
  }

  /** Holds every chunk on the link to {@code to} at least {@code delay} (0: no delay). */
  public void delay(String to, Duration delay) {
    link(to).delay(delay);
  }

  public LinkState state(String to) {
    return link(to).state();
  }

  /** Connections of the link to {@code to} open now. */
  public int openConnections(String to) {
    return link(to).openConnections();
  }

  /** Connections of the link to {@code to} accepted for forwarding since the start. */
  public long forwardedConnections(String to) {
    return link(to).forwardedConnections();
  }

  /** Connections reset because {@link FaultProxyConfig#maxConnections()} were open. */
  public long connectionsOverLimit() {
    return overLimit.get();
  }

  /** The destination peers that have a route. */
  public Set<String> destinations() {
    return new TreeSet<>(links.keySet());
  }

  /** Stops listening and resets every connection; waits up to 1 s per acceptor. Idempotent. */
  @Override
  public void close() {
    List<Thread> toJoin;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      for (ServerSocket s : listeners) {
        try {
          s.close();
        } catch (IOException e) {
          // already closed
        }
      }
      toJoin = List.copyOf(acceptors);
    }
    links.values().forEach(Link::close);
    for (Thread t : toJoin) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (t.isAlive()) {
        System.err.println("faultproxy: " + t.getName() + " did not stop within 1 s");
      }
    }
  }

  private void acceptLoop(ServerSocket server, Link link, InetSocketAddress target) {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (link.state() == LinkState.CUT) {
        abort(client); // refused: reset at once
        continue;
      }
      if (!permits.tryAcquire()) {
        overLimit.incrementAndGet();
        abort(client);
        continue;
      }
      String name = "faultproxy-" + link.name() + "-c" + connectionIds.incrementAndGet();
      new Splice(link, client, target, config, name, permits::release).start();
    }
  }

  private Link link(String to) {
    Link l = links.get(to);
    if (l == null) {
      throw new IllegalArgumentException(
          "fault proxy of " + from + " has no link to \"" + to + "\"; links: " + destinations());
    }
    return l;
  }

  private static void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
      s.close();
    } catch (IOException e) {
      // already gone
    }
  }

  private static void requireLoopback(String what, InetSocketAddress a) {
    if (a == null || a.isUnresolved() || !a.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "fault proxy forwards on loopback only: the "
              + what
              + " address "
              + a
              + " is not a resolved loopback address");
    }
  }
}
