package io.pincluster.ipfs.internal;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.IpfsException;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * A lazy reading of {@code pin/ls?stream=true}: one NDJSON line per pin, read as the caller asks.
 * Also accepts a node that ignores {@code stream} and answers one {@code {"Keys":{…}}} object.
 * Indirect pins are skipped. Not thread-safe (one consumer); owns the response until closed.
 */
public final class PinLsIterator implements CloseableIterator<Map.Entry<Cid, PinMode>> {
  private final KuboClient client;
  private final Response response;
  private final BufferedSource source;
  private final Deque<Map.Entry<Cid, PinMode>> ready = new ArrayDeque<>();
  private boolean done;

  public PinLsIterator(KuboClient client, Response response) {
    this.client = client;
    this.response = response;
    this.source = response.body().source();
  }

  /**
   * @throws IpfsException when the stream breaks off
   */
  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && !done) {
      readLine();
    }
    return !ready.isEmpty();
  }

  @Override
  public Map.Entry<Cid, PinMode> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.removeFirst();
  }

  @Override
  public void close() {
    done = true;
    response.close();
  }

  private void readLine() {
    String line;
    try {
      line = KuboJson.readLine(source);
    } catch (IOException e) {
      close();
      throw new IpfsException(
          "IPFS at " + client.node() + " broke off pin/ls: " + e.getMessage(), e);
    }
    if (line == null) {
      close();
      return;
    }
    if (line.isBlank()) {
      return;
    }
    var node = KuboJson.parse(line);
    if (KuboJson.isErrorLine(node)) {
      close();
      throw client.refused("pin/ls", KuboJson.errorMessage(node));
    }
    List<Map.Entry<Cid, String>> entries = new ArrayList<>();
    PinStreams.parseEntries(node, entries);
    for (Map.Entry<Cid, String> e : entries) {
      Optional<PinMode> mode = PinStreams.mode(e.getValue());
      mode.ifPresent(m -> ready.addLast(Map.entry(e.getKey(), m)));
    }
  }
}
