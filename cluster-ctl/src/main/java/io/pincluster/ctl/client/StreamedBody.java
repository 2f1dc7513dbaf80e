package io.pincluster.ctl.client;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body written by a {@link RestClient.BodyWriter} while it is sent; one-shot, so OkHttp
 * never retries it. Remembers whether writing started: until then the body can still be sent to
 * another host.
 */
final class StreamedBody extends RequestBody {
  private final MediaType type;
  private final RestClient.BodyWriter writer;
  private volatile boolean started;

  StreamedBody(MediaType type, RestClient.BodyWriter writer) {
    this.type = type;
    this.writer = writer;
  }

  @Override
  public MediaType contentType() {
    return type;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  /** Whether OkHttp has started writing the body (its bytes may then have left). */
  boolean started() {
    return started;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    started = true;
    writer.writeTo(sink.outputStream());
  }
}
