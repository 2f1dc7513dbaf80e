package io.pincluster.restapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.Multihash;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;

/**
 * A listing of a million pins streams from a lazily generated iterator without being buffered: the
 * first line arrives long before the iterator ends, and the server never runs more than a few
 * socket buffers ahead of the reader, so memory stays flat whatever the pinset size.
 */
class LargeListingTest extends ApiHarness {
  private static final int PINS = 1_000_000;

  /** Pins made up as they are asked for; counts how many were made. */
  private static final class GeneratedPins implements CloseableIterator<Pin> {
    final AtomicLong produced = new AtomicLong();
    final AtomicBoolean closed = new AtomicBoolean();
    private final byte[] digest = new byte[32];

    @Override
    public boolean hasNext() {
      return produced.get() < PINS;
    }

    @Override
    public Pin next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      long n = produced.incrementAndGet();
      ByteBuffer.wrap(digest).putLong(n);
      Cid cid = Cid.v1(Cid.RAW, Multihash.of(Multihash.SHA2_256, digest));
      return Pin.of(cid, PinOptions.DEFAULT);
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void aMillionAllocationsStreamWithBoundedLag() throws IOException {
    start();
    GeneratedPins pins = new GeneratedPins();
    api.allocationsSource = () -> pins;
    long maxLag = 0;
    long lines = 0;
    try (Response r = call("GET", "/allocations")) {
      assertThat(r.code()).isEqualTo(200);
      BufferedSource source = r.body().source();
      String first = source.readUtf8Line();
      lines++;
      assertThat(first).startsWith("{\"cid\":\"bafkrei");
      assertThat(pins.produced.get())
          .as("the answer started long before the last pin was made")
          .isLessThan(PINS / 5);
      String line;
      while ((line = source.readUtf8Line()) != null) {
        if (!line.isEmpty()) {
          lines++;
        }
        if (lines % 10_000 == 0) {
          maxLag = Math.max(maxLag, pins.produced.get() - lines);
        }
      }
      assertThat(r.trailers().get("X-Stream-Error")).isEmpty();
    }
    assertThat(lines).isEqualTo(PINS);
    assertThat(maxLag)
        .as("the server runs at most a few socket buffers ahead of the reader")
        .isLessThan(100_000);
    assertThat(pins.closed).isTrue();
  }
}
