package io.pincluster.state.rocksdb;

/**
 * A Raft log position (term and index). {@link #NONE} (term 0, index -1) means nothing was applied
 * yet; Ratis numbers the first log entry 0.
 */
public record LogPosition(long term, long index) {
  public static final LogPosition NONE = new LogPosition(0, -1);
}
