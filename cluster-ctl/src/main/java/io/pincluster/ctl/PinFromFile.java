package io.pincluster.ctl;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinResult;
import io.pincluster.core.json.Json;
import io.pincluster.ctl.client.RestClient;
import io.pincluster.ctl.internal.CtlException;
import io.pincluster.ctl.internal.LineChunker;
import io.pincluster.ctl.internal.Output;
import io.pincluster.ctl.internal.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code pin add --from-file F}: sends the lines of F (or stdin) to {@code POST /pins} and reports
 * each item's result.
 *
 * <p>The input is sent as consecutive requests of {@code batch} lines, each body streamed from the
 * input (never held in memory) with {@code line-offset} so the server numbers lines as in the file.
 * One request for the whole file would not do: OkHttp sends a body completely before it reads the
 * answer, and the server, which answers while it reads, cannot hold an unbounded answer meanwhile.
 *
 * <p>Output: failed items on stderr ({@code line N: <error>}); with {@code --enc json} every result
 * as one JSON line on stdout; at the end {@code pinned N, failed M} (stdout in text mode, stderr in
 * json mode so stdout stays NDJSON). Exit 0 when every item was pinned, 2 when some failed or the
 * API answered with an error, 1 when the input could not be read or the server not reached.
 */
final class PinFromFile {
  private final CtlContext ctx;
  private final String file;
  private final PinOptions defaults;
  private final Duration expireIn;
  private final int batch;
  private final boolean forceProgress;
  private long pinned;
  private long failed;
  private long lastAnswered;

  /**
   * @param file a path, or {@code -} for stdin
   * @param defaults options for the items that do not set them
   * @param expireIn expiry for the items that do not set one, or null
   * @param batch lines per request
   * @param forceProgress draw the progress bar even when stderr is not a terminal
   */
  PinFromFile(
      CtlContext ctx,
      String file,
      PinOptions defaults,
      Duration expireIn,
      int batch,
      boolean forceProgress) {
    this.ctx = ctx;
    this.file = file;
    this.defaults = defaults;
    this.expireIn = expireIn;
    this.batch = batch;
    this.forceProgress = forceProgress;
  }

  int run() {
    Output.Encoding encoding = ctx.encoding();
    RestClient client = ctx.client();
    boolean draw = forceProgress || ctx.settings().stderrIsTerminal().getAsBoolean();
    try (InputStream in = open()) {
      LineChunker chunker = new LineChunker(in);
      Progress progress = new Progress(ctx.err(), ctx.settings().nanoTime(), size(), draw);
      while (!atEnd(chunker)) {
        sendBatch(client, chunker, progress, encoding);
      }
      progress.clear();
    } catch (IOException closeFailed) {
      // the input was read to its end; failing to close it changes nothing
    }
    summary(encoding);
    return failed > 0 ? ErrorReporter.EXIT_API_ERROR : 0;
  }

  private void sendBatch(
      RestClient client, LineChunker chunker, Progress progress, Output.Encoding encoding) {
    long offset = chunker.lines();
    try (CloseableIterator<PinResult> results =
        client.pinAll(out -> chunker.copyLines(out, batch), defaults, expireIn, offset)) {
      while (results.hasNext()) {
        record(results.next(), encoding, progress);
        progress.update(pinned + failed, failed, chunker.lines(), chunker.bytes());
      }
    } catch (RuntimeException e) {
      progress.clear();
      if (chunker.inputFailure() != null) {
        throw unreadable(chunker.inputFailure());
      }
      if (pinned + failed > 0) {
        summary(encoding);
        ctx.err()
            .println(
                "note: the answers stop at line "
                    + lastAnswered
                    + "; send the lines after it again (pinning again is safe)");
      }
      throw e;
    }
  }

  private void record(PinResult r, Output.Encoding encoding, Progress progress) {
    lastAnswered = Math.max(lastAnswered, r.line());
    if (r.isOk()) {
      pinned++;
    } else {
      failed++;
      progress.clear();
      ctx.err().println(describe(r));
    }
    if (encoding == Output.Encoding.JSON) {
      progress.clear();
      ctx.out().println(Json.toText(r));
    }
  }

  /** {@code line N: <error>}, with the CID when the server did not name the line itself. */
  static String describe(PinResult r) {
    String prefix = "line " + r.line() + ": ";
    if (r.error().startsWith(prefix)) {
      return r.error();
    }
    return prefix + (r.cid() == null ? "" : r.cid() + ": ") + r.error();
  }

  private void summary(Output.Encoding encoding) {
    String text = "pinned " + pinned + ", failed " + failed;
    (encoding == Output.Encoding.JSON ? ctx.err() : ctx.out()).println(text);
  }

  private boolean atEnd(LineChunker chunker) {
    try {
      return chunker.atEnd();
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private InputStream open() {
    if (file.equals("-")) {
      return ctx.settings().stdin().get();
    }
    try {
      return Files.newInputStream(Path.of(file));
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  /** The input's size when it is a regular file, else -1. */
  private long size() {
    if (file.equals("-")) {
      return -1;
    }
    try {
      Path p = Path.of(file);
      return Files.isRegularFile(p) ? Files.size(p) : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  private CtlException unreadable(IOException e) {
    String name = file.equals("-") ? "stdin" : file;
    String why = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
    return CtlException.failure("cannot read " + name + ": " + why);
  }
}
