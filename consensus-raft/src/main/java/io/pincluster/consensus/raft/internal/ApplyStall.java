package io.pincluster.consensus.raft.internal;

import io.pincluster.state.rocksdb.StateStoreException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the state-machine updater while the state store cannot write for lack of disk space, so
 * that a full disk neither skips an entry nor stops the Raft division for good: the entry is
 * retried every {@link #RETRY} until it is written (the store's database resumes by itself once
 * space is freed) or {@link #abandon} is called (this peer closes; the entry is still in the Raft
 * log and is applied after a restart). While it holds, {@link #problem()} says why, so writes can
 * be refused with that reason.
 *
 * <p>Thread-safe: {@link #awaitRetry} and {@link #cleared} run on the updater thread, {@link
 * #abandon} on the closing thread, {@link #problem} anywhere.
 */
final class ApplyStall {
  private static final Logger LOG = LoggerFactory.getLogger(ApplyStall.class);

  /** The pause between two attempts to write a stalled entry. */
  static final Duration RETRY = Duration.ofSeconds(1);

  private static final String NO_SPACE = "No space left on device";

  private final Object lock = new Object();
  private boolean abandoned; // guarded by lock
  private volatile String problem;
  private long retries; // updater thread only

  /**
   * Records that entry {@code index} could not be written for lack of space and waits {@link
   * #RETRY}. Returns false, at once, when the stall was abandoned (or the thread interrupted): the
   * caller then gives up on the entry.
   */
  boolean awaitRetry(long index, StateStoreException e) {
    if (problem == null) {
      String detail = e.getMessage();
      if (!detail.contains(NO_SPACE)) {
        detail = NO_SPACE + ": " + detail;
      }
      problem =
          "this peer's state store is out of disk space ("
              + detail
              + "): writes are refused until space is freed on that file system; they resume"
              + " by themselves, no restart needed";
      LOG.error(
          "cannot apply Raft entry {}: {}; retrying every {} ms", index, problem, RETRY.toMillis());
    }
    retries++;
    synchronized (lock) {
      if (abandoned) {
        return false;
      }
      try {
        lock.wait(RETRY.toMillis());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return false;
      }
      return !abandoned;
    }
  }

  /** Entry {@code index} was written: the stall, if any, is over. */
  void cleared(long index) {
    if (problem != null) {
      LOG.warn(
          "disk space is back: Raft entry {} applied after {} retries; writes accepted again",
          index,
          retries);
      problem = null;
      retries = 0;
    }
  }

  /** Why writes cannot be applied now, while an entry waits for space. */
  Optional<String> problem() {
    return Optional.ofNullable(problem);
  }

  /** Stops waiting for space (this peer closes); later {@link #awaitRetry} calls return false. */
  void abandon() {
    synchronized (lock) {
      abandoned = true;
      lock.notifyAll();
    }
  }
}
