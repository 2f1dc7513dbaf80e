package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;

/**
 * One item of a bulk pin request: the CID and its options, or why the item could not be read.
 *
 * @param line the item's 1-based position in the input (NDJSON line number)
 * @param cid null when {@code error} is set
 * @param error empty when the item is valid
 */
public record PinRequest(long line, Cid cid, PinOptions options, String error) {
  public PinRequest {
    options = options == null ? PinOptions.DEFAULT : options;
    error = error == null ? "" : error;
  }

  public static PinRequest of(long line, Cid cid, PinOptions options) {
    return new PinRequest(line, cid, options, "");
  }

  public static PinRequest invalid(long line, String error) {
    return new PinRequest(line, null, null, error);
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isValid() {
    return error.isEmpty();
  }
}
