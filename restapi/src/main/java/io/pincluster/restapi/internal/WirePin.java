package io.pincluster.restapi.internal;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.pincluster.core.api.Pin;

/**
 * A {@link Pin} as the REST API writes it: IPFS Cluster's Pin object carries {@code shard_size}
 * (always 0 here: pincluster does not shard), which the core record does not have.
 */
record WirePin(@JsonUnwrapped Pin pin, long shardSize) {
  static WirePin of(Pin pin) {
    return new WirePin(pin, 0);
  }
}
