package io.pincluster.http.internal;

import io.pincluster.core.json.Json;
import io.pincluster.http.Router;

/**
 * Writes a streamed response's items as NDJSON lines into its chunks, waiting for the client while
 * the chunks are full. Used by whichever thread encodes the stream (the worker or its {@link
 * EncodingLane}); one thread at a time.
 */
final class LineWriter {
  private final Exchange exchange;
  private final ChunkCoalescer chunks;
  private String error = "";

  LineWriter(Exchange exchange, ChunkCoalescer chunks) {
    this.exchange = exchange;
    this.chunks = chunks;
  }

  /**
   * Encodes and gathers one item.
   *
   * @return false when the stream must stop: {@link #error} says why when the item cannot be
   *     encoded, and is empty when the connection is gone
   */
  boolean write(Object item) {
    byte[] line;
    try {
      line = Json.writeLine(item);
    } catch (RuntimeException ex) {
      error = "cannot encode item: " + Router.messageOf(ex);
      return false;
    }
    if (chunks.full() && !exchange.connection.awaitWritable()) {
      return false;
    }
    chunks.add(line);
    exchange.addBytes(line.length);
    return true;
  }

  /** Why the last {@link #write} returned false; empty when the connection is gone. */
  String error() {
    return error;
  }
}
