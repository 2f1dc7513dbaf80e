package io.pincluster.ctl.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LineChunkerTest {
  private static LineChunker over(String text) {
    return new LineChunker(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String copy(LineChunker c, long maxLines) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.copyLines(out, maxLines);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void copiesWholeLinesInPiecesAndCountsThem() throws IOException {
    LineChunker c = over("a\n\nb\r\nc\nlast");
    assertThat(c.atEnd()).isFalse();
    assertThat(copy(c, 2)).isEqualTo("a\n\n");
    assertThat(c.lines()).isEqualTo(2);
    assertThat(copy(c, 2)).isEqualTo("b\r\nc\n");
    assertThat(copy(c, 2)).isEqualTo("last");
    assertThat(c.lines()).isEqualTo(5);
    assertThat(c.bytes()).isEqualTo(12);
    assertThat(c.atEnd()).isTrue();
    assertThat(copy(c, 2)).isEmpty();
  }

  @Test
  void aLineLongerThanTheBufferIsCopiedThroughIt() throws IOException {
    String big = "x".repeat(200_000);
    LineChunker c = over(big + "\nnext\n");
    assertThat(copy(c, 1)).isEqualTo(big + "\n");
    assertThat(copy(c, 1)).isEqualTo("next\n");
    assertThat(c.lines()).isEqualTo(2);
  }

  @Test
  void readsTheInputOnlyAsFarAsTheLinesCopied() throws IOException {
    AtomicLong read = new AtomicLong();
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            read.incrementAndGet();
            return '\n';
          }

          @Override
          public int read(byte[] b, int off, int len) {
            int n = Math.min(len, 1024);
            java.util.Arrays.fill(b, off, off + n, (byte) '\n');
            read.addAndGet(n);
            return n;
          }
        };
    LineChunker c = new LineChunker(endless);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(c.copyLines(out, 3000)).isEqualTo(3000);
    assertThat(read.get()).isLessThan(4096);
  }

  @Test
  void aFailingInputIsKeptApartFromOutputFailures() {
    InputStream broken =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw new IOException("disk on fire");
          }
        };
    LineChunker c = new LineChunker(broken);
    assertThatThrownBy(() -> c.copyLines(new ByteArrayOutputStream(), 1))
        .hasMessage("disk on fire");
    assertThat(c.inputFailure()).hasMessage("disk on fire");
  }
}
