package io.pincluster.ipfs.internal;

import io.pincluster.core.config.GoDuration;
import io.pincluster.core.config.IpfsHttpSection;
import java.time.Duration;

/** Which configured timeout bounds a request, how, and its config key for messages. */
public enum Timeout {
  /** {@code ipfs_request_timeout}: the whole call. */
  REQUEST("ipfs_request_timeout", true),
  /**
   * {@code ipfs_request_timeout} as a bound on silence only: a streamed listing ({@code pin/ls})
   * lasts as long as its consumer needs, but the node may not stay silent longer than this.
   */
  STREAM("ipfs_request_timeout", false),
  /** {@code pin_timeout}: silence or no new progress, counted from the last progress seen. */
  PIN("pin_timeout", false),
  /** {@code unpin_timeout}: the whole call. */
  UNPIN("unpin_timeout", true),
  /** {@code repogc_timeout}: the whole garbage collection, stream included. */
  REPOGC("repogc_timeout", true);

  private final String key;
  private final boolean wholeCall;

  Timeout(String key, boolean wholeCall) {
    this.key = key;
    this.wholeCall = wholeCall;
  }

  public String key() {
    return key;
  }

  /** True when the value bounds the whole call; false when it bounds only silence. */
  public boolean wholeCall() {
    return wholeCall;
  }

  public Duration value(IpfsHttpSection config) {
    return switch (this) {
      case REQUEST, STREAM -> config.ipfsRequestTimeout();
      case PIN -> config.pinTimeout();
      case UNPIN -> config.unpinTimeout();
      case REPOGC -> config.repogcTimeout();
    };
  }

  /** {@code pin_timeout (2m0s)} */
  public String describe(IpfsHttpSection config) {
    return key + " (" + GoDuration.format(value(config)) + ")";
  }
}
