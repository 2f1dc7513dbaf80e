package io.pincluster.ipfs.internal;

import io.pincluster.core.config.GoDuration;
import io.pincluster.core.config.IpfsHttpSection;
import java.time.Duration;

/** Which configured timeout bounds a request, with its config key for messages. */
public enum Timeout {
  /** {@code ipfs_request_timeout}: the whole call. */
  REQUEST("ipfs_request_timeout"),
  /** {@code pin_timeout}: silence or no new progress, counted from the last progress seen. */
  PIN("pin_timeout"),
  /** {@code unpin_timeout}: the whole call. */
  UNPIN("unpin_timeout");

  private final String key;

  Timeout(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public Duration value(IpfsHttpSection config) {
    return switch (this) {
      case REQUEST -> config.ipfsRequestTimeout();
      case PIN -> config.pinTimeout();
      case UNPIN -> config.unpinTimeout();
    };
  }

  /** {@code pin_timeout (2m0s)} */
  public String describe(IpfsHttpSection config) {
    return key + " (" + GoDuration.format(value(config)) + ")";
  }
}
