package io.pincluster.monitor;

import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import java.util.Arrays;

/** Fixed peer IDs for tests. */
final class Peers {
  private Peers() {}

  /** The peer ID made from a seed of 32 bytes {@code b}. */
  static PeerId peer(int b) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) b);
    return Identity.fromSeed(seed).id();
  }
}
