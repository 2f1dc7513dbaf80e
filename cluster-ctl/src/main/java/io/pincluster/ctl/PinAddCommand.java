package io.pincluster.ctl;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.ctl.internal.CtlException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pin add <cid|path>}: {@code POST /pins/{cid}} (or {@code /pins/ipfs/…}), then the status
 * (or the pin, or a wait). {@code pin add --from-file F}: bulk ingest through {@code POST /pins}
 * ({@link PinFromFile}).
 */
@Command(
    name = "add",
    description = {
      "Pin a CID, or an IPFS path (/ipfs/…, /ipns/…, /ipld/…) that the cluster resolves, in the"
          + " cluster. Once the cluster has committed the pin, prints the status of the CID on"
          + " every peer.",
      "Replication factors: -1 pins everywhere, 0 (default) uses the cluster's configured"
          + " factor, N pins on N peers.",
      "With --from-file, pins every item of an NDJSON file instead: one pin object per line (as"
          + " 'cluster-service state export' writes them), a {\"cid\": ...} object with pin"
          + " options, or a CID. The options given here apply to the items that do not set them."
          + " Failed items are printed to stderr, then a summary; exit code 2 if any failed."
    })
final class PinAddCommand implements Callable<Integer> {
  /** Lines per bulk request by default: an answer of ~100 KB, well within what the server holds. */
  static final int DEFAULT_BATCH = 1000;

  /**
   * The most lines per bulk request. OkHttp reads the answer only after sending the body, and the
   * server holds about 1 MiB of answer meanwhile (~90 bytes per item, more with an error): a much
   * larger request would stall both sides until the timeout.
   */
  static final int MAX_BATCH = 5000;

  @Mixin HelpOption helpOption;

  @Spec CommandLine.Model.CommandSpec spec;

  private final CtlContext ctx;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "<cid|path>",
      description = "The CID or IPFS path to pin.")
  String cid;

  @Option(
      names = "--from-file",
      paramLabel = "<file>",
      description = "Pin every item of this NDJSON file; - reads stdin.")
  String fromFile;

  @Option(
      names = "--batch",
      paramLabel = "<lines>",
      defaultValue = "" + DEFAULT_BATCH,
      description =
          "With --from-file: lines sent per request, 1 to "
              + MAX_BATCH
              + " (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--progress",
      description =
          "With --from-file: draw the progress bar on stderr even when it is not a terminal.")
  boolean progress;

  @Option(
      names = {"-r", "--replication"},
      paramLabel = "<n>",
      defaultValue = "0",
      description = "Sets both --replication-min and --replication-max (overrides them).")
  int replication;

  @Option(
      names = "--mode",
      paramLabel = "recursive|direct",
      defaultValue = "recursive",
      description = "Pin the whole DAG (recursive, default) or only the root block (direct).")
  String mode;

  @Mixin PinFlags pinFlags;

  @Mixin FollowOptions follow;

  PinAddCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (fromFile != null) {
      return fromFile();
    }
    if (cid == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Missing required parameter: '<cid>' (or --from-file <file>)");
    }
    PinTarget target = PinTarget.parse(cid);
    Duration waitTimeout = follow.waitTimeout();
    PinOptions options = options();
    Duration expireIn = pinFlags.expireIn();
    Pin pin = target.pin(ctx.client(), options, expireIn);
    return PinFollowUp.handle(ctx, pin, TrackerStatus.PINNED, follow, waitTimeout);
  }

  private int fromFile() {
    if (cid != null) {
      throw CtlException.failure("give either a <cid> or --from-file, not both");
    }
    if (follow.waitForStatus) {
      throw CtlException.failure("--wait cannot be used with --from-file");
    }
    if (batch < 1 || batch > MAX_BATCH) {
      throw CtlException.failure("--batch must be between 1 and " + MAX_BATCH + ": " + batch);
    }
    PinOptions options = options();
    return new PinFromFile(ctx, fromFile, options, pinFlags.expireIn(), batch, progress).run();
  }

  private PinOptions options() {
    return pinFlags.options(replication, PinFlags.mode(mode), null);
  }
}
