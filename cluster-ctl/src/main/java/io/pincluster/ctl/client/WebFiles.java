package io.pincluster.ctl.client;

import io.pincluster.core.BuildInfo;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Downloads the URLs given to {@code add} (IPFS Cluster's web files): a plain {@code GET},
 * redirects followed, no cluster credentials sent. Thread-safe; {@link #close()} releases the
 * connections.
 */
public final class WebFiles implements AutoCloseable {
  private final OkHttpClient http;

  /**
   * @param connectTimeout the longest to wait for a connection
   * @param readTimeout the longest to wait for the next byte of a download
   */
  public WebFiles(Duration connectTimeout, Duration readTimeout) {
    this.http =
        new OkHttpClient.Builder()
            .connectTimeout(connectTimeout)
            .readTimeout(readTimeout)
            .followRedirects(true)
            .followSslRedirects(true)
            .build();
  }

  /**
   * Starts downloading {@code url}; the content is read from the returned stream, which the caller
   * closes.
   *
   * @throws IOException when the URL is invalid, cannot be reached, or answers other than 2xx
   */
  public InputStream open(String url) throws IOException {
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw new IOException("not an http(s) URL");
    }
    Request request =
        new Request.Builder()
            .url(parsed)
            .header("User-Agent", "pincluster-ctl/" + BuildInfo.VERSION)
            .build();
    Response response = http.newCall(request).execute();
    if (!response.isSuccessful()) {
      response.close();
      throw new IOException(
          "the server answered " + response.code() + " " + response.message().strip());
    }
    return response.body().byteStream();
  }

  @Override
  public void close() {
    http.connectionPool().evictAll();
  }
}
