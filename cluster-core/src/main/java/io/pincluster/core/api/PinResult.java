package io.pincluster.core.api;

import io.pincluster.core.cid.Cid;

/**
 * The outcome of one item of a bulk pin request, in the bulk endpoint's NDJSON answer: {@code
 * {"line":1,"cid":"…","error":""}}.
 *
 * @param cid null when the item could not be read
 * @param error empty when the pin was committed
 */
public record PinResult(long line, Cid cid, String error) {
  public PinResult {
    error = error == null ? "" : error;
  }

  public static PinResult ok(long line, Cid cid) {
    return new PinResult(line, cid, "");
  }

  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean isOk() {
    return error.isEmpty();
  }
}
