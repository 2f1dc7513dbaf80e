package io.pincluster.consensus.raft.internal;

import org.apache.ratis.proto.RaftProtos.RaftConfigurationProto;

/**
 * What {@link PinStateMachine} tells its owner. Every method is called on a Ratis thread (mostly
 * the state-machine updater) and must return quickly without blocking or calling back into Ratis.
 */
public interface StateMachineEvents {
  /** Every index up to {@code index} is applied (state entries and Raft-internal ones alike). */
  void applied(long index);

  /**
   * Applying stopped for good: the entry at {@code index} cannot be applied by this build (an
   * unknown entry version) or the state store failed. Ratis closes the division after this.
   */
  default void fatal(long index, String message) {}

  /**
   * A chunk of a snapshot sent by the leader arrived (Ratis pauses the state machine once per
   * chunk). Called on a Ratis RPC thread.
   */
  default void snapshotChunkReceived() {}

  /** A configuration entry was committed and applied. */
  default void configurationApplied(long index, RaftConfigurationProto conf) {}

  /**
   * The division shut down on its own (e.g. removed from the group), or the state machine closed.
   */
  default void closed() {}
}
