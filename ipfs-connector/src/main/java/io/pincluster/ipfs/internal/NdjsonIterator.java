package io.pincluster.ipfs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * A lazy reading of a streamed (NDJSON) answer: one JSON value per line, turned into items as the
 * caller asks, so a listing of millions of entries never sits in memory (at most the items of one
 * line). Inline error lines ({@code {"Message":…,"Type":"error"}}) and Kubo's {@code
 * X-Stream-Error} trailer fail the iteration. Not thread-safe (one consumer); owns the response
 * until closed or exhausted.
 */
public final class NdjsonIterator<T> implements CloseableIterator<T> {
  /** Turns one parsed line into zero or more items. */
  @FunctionalInterface
  public interface LineParser<T> {
    void parse(JsonNode line, Consumer<T> out);
  }

  private final KuboClient client;
  private final String cmd;
  private final Timeout timeout;
  private final Response response;
  private final BufferedSource source;
  private final LineParser<T> parser;
  private final Deque<T> ready = new ArrayDeque<>();
  private boolean done;

  public NdjsonIterator(
      KuboClient client, String cmd, Timeout timeout, Response response, LineParser<T> parser) {
    this.client = client;
    this.cmd = cmd;
    this.timeout = timeout;
    this.response = response;
    this.source = response.body().source();
    this.parser = parser;
  }

  /**
   * @throws IpfsException when the stream breaks off, times out or carries an error
   */
  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !done) {
      readLine();
    }
    return !ready.isEmpty();
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.removeFirst();
  }

  /** Idempotent; abandons the rest of the answer. */
  @Override
  public void close() {
    done = true;
    ready.clear();
    response.close();
  }

  private void readLine() {
    String line;
    try {
      line = KuboJson.readLine(source);
    } catch (IOException e) {
      close();
      throw client.streamFailure(cmd, timeout, e);
    }
    if (line == null) {
      finish();
      return;
    }
    if (line.isBlank()) {
      return;
    }
    JsonNode node = KuboJson.parse(line);
    if (KuboJson.isErrorLine(node)) {
      close();
      throw client.refused(cmd, KuboJson.errorMessage(node));
    }
    if (!node.isObject()) {
      close();
      throw client.refused(cmd, "a line of the answer is not a JSON object: " + shorten(line));
    }
    parser.parse(node, ready::addLast);
  }

  private void finish() {
    try {
      PinStreams.checkTrailer(client, cmd, response);
    } finally {
      close();
    }
  }

  private static String shorten(String line) {
    return "\"" + (line.length() > 200 ? line.substring(0, 200) + "…" : line) + "\"";
  }
}
