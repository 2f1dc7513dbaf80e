package io.pincluster.consensus.raft.internal;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.ratis.client.RaftClientRpc;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;

/**
 * What the write clients of one peer share for their writes in process ({@link
 * LocalFirstClientRpc}): the thread that delivers the replies ({@code raft-local-replies-<peer>})
 * and the count of such writes. Its queue holds at most one task per write in flight, which the
 * Ratis client bounds ({@value RaftProps#OUTSTANDING_REQUESTS_MAX} per client). After {@link
 * #close} a reply is delivered on the thread that completes it. Thread-safe; close is idempotent.
 */
public final class LocalWrites implements AutoCloseable {
  private final RaftServer server;
  private final RaftPeerId self;
  private final Duration requestTimeout;
  private final LongAdder sent = new LongAdder();
  private final ThreadPoolExecutor replies;

  public LocalWrites(RaftServer server, RaftPeerId self, Duration requestTimeout, String name) {
    this.server = server;
    this.self = self;
    this.requestTimeout = requestTimeout;
    this.replies =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "raft-local-replies-" + name);
              t.setDaemon(true);
              return t;
            },
            (task, executor) -> task.run()); // only once shut down
  }

  /**
   * A transport for one write client: this peer's writes in process, the rest over {@code remote}.
   */
  public RaftClientRpc transport(RaftClientRpc remote) {
    return new LocalFirstClientRpc(remote, server, self, requestTimeout, replies, sent);
  }

  /** The writes handed to this peer's own server in process so far. */
  public long sent() {
    return sent.sum();
  }

  @Override
  public void close() {
    replies.shutdown();
  }
}
