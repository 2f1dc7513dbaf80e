package io.pincluster.ipfs.internal;

import java.io.IOException;
import java.io.InputStream;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import okio.Okio;
import okio.Source;

/**
 * A request body copied from an {@link InputStream} while it is sent (chunked, never held whole):
 * the multipart body of {@code add} and {@code dag/import}, passed through as the client sent it.
 * One-shot: OkHttp never retries it. The stream stays the caller's to close.
 */
public final class StreamedBody extends RequestBody {
  private final InputStream in;
  private final MediaType type;
  private boolean started;

  /**
   * @param contentType sent as is (e.g. {@code multipart/form-data; boundary=…})
   * @throws IllegalArgumentException when {@code contentType} is not a media type
   */
  public StreamedBody(InputStream in, String contentType) {
    this.in = in;
    this.type = MediaType.parse(contentType == null ? "" : contentType);
    if (type == null) {
      throw new IllegalArgumentException("\"" + contentType + "\" is not a content type");
    }
  }

  @Override
  public MediaType contentType() {
    return type;
  }

  @Override
  public long contentLength() {
    return -1;
  }

  @Override
  public boolean isOneShot() {
    return true;
  }

  @Override
  public synchronized void writeTo(BufferedSink sink) throws IOException {
    if (started) {
      throw new IOException("the request body was already sent once and cannot be replayed");
    }
    started = true;
    Source source = Okio.source(in);
    sink.writeAll(source);
  }
}
