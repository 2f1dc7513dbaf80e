package io.pincluster.ctl;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.api.AddedOutput;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.ctl.client.AddParams;
import io.pincluster.ctl.client.RestClientConfig;
import io.pincluster.ctl.client.RestClientException;
import io.pincluster.ctl.client.WebFiles;
import io.pincluster.ctl.internal.AddUpload;
import io.pincluster.ctl.internal.CtlException;
import io.pincluster.ctl.internal.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code add <path|url>...}: uploads files, directories and URLs to {@code POST /add} as one
 * multipart body streamed from disk ({@link AddUpload}), prints each object added as IPFS Cluster
 * does ({@code added <cid> <name>}), then optionally waits for the root to be pinned.
 *
 * <p>The HTTP client sends the whole body before it reads the answer, while the server answers as
 * it adds and holds only about 1 MiB of answer meanwhile. When the answer could outgrow that (many
 * files), the server is asked to answer once at the end ({@code stream-channels=false}) instead:
 * the output is the same, it only appears when everything is added.
 */
@Command(
    name = "add",
    sortOptions = false,
    description = {
      "Add files, directories (with -r) or http(s) URLs to IPFS through the cluster and pin the"
          + " root in the cluster. The content is streamed from disk.",
      "Prints 'added <cid> <name>' for every file and directory added, the root last. Several"
          + " arguments are wrapped in a directory."
    })
final class AddCommand implements Callable<Integer> {
  /** Above this estimated answer size the server answers at the end (see the class notes). */
  static final long MAX_STREAMED_ANSWER_BYTES = 512 * 1024;

  @Mixin HelpOption helpOption;

  private final CtlContext ctx;

  @Parameters(arity = "1..*", paramLabel = "<path|url>", description = "What to add.")
  List<String> paths = new ArrayList<>();

  @Option(
      names = {"-r", "--recursive"},
      description = "Add directories and everything in them.")
  boolean recursive;

  @Option(
      names = {"-H", "--hidden"},
      description = "Include hidden files (names starting with a dot) found in directories.")
  boolean hidden;

  @Option(
      names = {"-w", "--wrap-with-directory"},
      description = "Wrap what is added in a directory (automatic with several arguments).")
  boolean wrap;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only the CIDs.")
  boolean quiet;

  @Option(
      names = {"-Q", "--quieter"},
      description = "Print only the CID of the root.")
  boolean quieter;

  @Option(
      names = "--no-stream",
      description = "Print the results once everything is added (with --enc json: one JSON array).")
  boolean noStream;

  @Option(names = "--local", description = "Add the blocks only to the contacted peer's IPFS.")
  boolean local;

  @Mixin PinFlags pinFlags;

  @Option(names = "--no-pin", description = "Add to IPFS but do not pin in the cluster.")
  boolean noPin;

  @Option(
      names = "--wait",
      description =
          "Wait until the root is pinned on replication-min peers, showing the progress on"
              + " stderr. A peer reporting an error ends the wait with exit code 2.")
  boolean waitForPin;

  @Option(
      names = {"--wait-timeout", "--wt"},
      paramLabel = "<duration>",
      defaultValue = "0",
      description =
          "How long to --wait, e.g. 30s or 2m; 0 (default) waits forever. Exit code 62 when it"
              + " passes.")
  String waitTimeout;

  @Option(
      names = "--format",
      paramLabel = "unixfs|car",
      defaultValue = "unixfs",
      description = "unixfs (default) adds files; car imports one CAR file with one root.")
  String format;

  @Option(
      names = "--layout",
      paramLabel = "balanced|trickle",
      defaultValue = "",
      description = "The DAG layout (default: balanced).")
  String layout;

  @Option(
      names = {"-s", "--chunker"},
      paramLabel = "<chunker>",
      defaultValue = AddParams.DEFAULT_CHUNKER,
      description = "How files are split into blocks (default: ${DEFAULT-VALUE}).")
  String chunker;

  @Option(names = "--raw-leaves", description = "Store file data in raw leaves.")
  boolean rawLeaves;

  @Option(
      names = "--cid-version",
      paramLabel = "0|1",
      defaultValue = "0",
      description = "CID version (default: 0; 1 implies --raw-leaves).")
  int cidVersion;

  @Option(
      names = "--hash",
      paramLabel = "<function>",
      defaultValue = AddParams.DEFAULT_HASH,
      description =
          "The hash function (default: ${DEFAULT-VALUE}; another one implies --cid-version 1).")
  String hash;

  @Option(
      names = "--nocopy",
      description = "For URLs only: let IPFS reference the URL instead of storing the content.")
  boolean noCopy;

  AddCommand(CtlContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    Duration waitFor = Args.duration("--wait-timeout", waitTimeout);
    if (waitForPin && noPin) {
      throw CtlException.failure("--wait cannot be used with --no-pin: nothing is pinned");
    }
    PinOptions pin = pinFlags.options(0, PinMode.RECURSIVE, null);
    AddParams params = params(pin, pinFlags.expireIn());
    Output.Encoding encoding = ctx.encoding();
    RestClientConfig config = ctx.client().config();
    AddedOutput root;
    try (WebFiles web = new WebFiles(config.connectTimeout(), config.readTimeout())) {
      AddUpload upload = AddUpload.plan(paths, recursive, hidden, web::open);
      check(upload);
      params =
          params.withStreamChannels(upload.estimatedAnswerBytes() <= MAX_STREAMED_ANSWER_BYTES);
      root = send(upload, params, encoding);
    }
    if (waitForPin) {
      waitForRoot(root, waitFor);
    }
    return 0;
  }

  private AddParams params(PinOptions pin, Duration expireIn) {
    // As ipfs-cluster-ctl: another hash function implies CIDv1, CIDv1 implies raw leaves.
    int version = hash.equals(AddParams.DEFAULT_HASH) ? cidVersion : 1;
    try {
      return new AddParams(
          pin,
          expireIn,
          local,
          recursive,
          hidden,
          wrap || paths.size() > 1,
          format,
          layout,
          chunker,
          rawLeaves || version > 0,
          version,
          hash,
          noCopy,
          noPin,
          true);
    } catch (IllegalArgumentException e) {
      throw CtlException.failure(e.getMessage());
    }
  }

  private void check(AddUpload upload) {
    if (format.equals("car") && !upload.isSingleFile()) {
      throw CtlException.failure("--format car needs exactly one CAR file (or URL) to import");
    }
    if (noCopy && !upload.onlyUrls()) {
      throw CtlException.failure("--nocopy is only valid for URLs");
    }
  }

  /** Uploads and prints the answer; returns the root (the last object), or null if none. */
  private AddedOutput send(AddUpload upload, AddParams params, Output.Encoding encoding) {
    AddedOutput last = null;
    List<AddedOutput> buffered = new ArrayList<>();
    try (CloseableIterator<AddedOutput> added =
        ctx.client().add(params, upload.contentType(), upload::writeTo)) {
      while (added.hasNext()) {
        AddedOutput a = added.next();
        if (a.cid() == null) {
          continue; // a progress report, not an object added
        }
        last = a;
        if (noStream) {
          buffered.add(a);
        } else if (!quieter) {
          print(a, encoding);
        }
      }
    } catch (RestClientException e) {
      finish(last, buffered, encoding);
      if (upload.inputFailure() != null) {
        throw CtlException.failure(upload.inputFailure());
      }
      throw e;
    }
    finish(last, buffered, encoding);
    return last;
  }

  /** What is printed at the end: the root alone (-Q), or everything buffered (--no-stream). */
  private void finish(AddedOutput last, List<AddedOutput> buffered, Output.Encoding encoding) {
    if (quieter) {
      if (last != null) {
        print(last, encoding);
      }
    } else if (noStream && encoding == Output.Encoding.JSON) {
      ctx.output().print(buffered);
    } else if (noStream) {
      buffered.forEach(a -> print(a, encoding));
    }
  }

  private void print(AddedOutput a, Output.Encoding encoding) {
    if (encoding == Output.Encoding.TEXT && (quiet || quieter)) {
      ctx.out().println(a.cid());
      ctx.out().flush();
    } else {
      ctx.output().print(a);
    }
  }

  /** {@code --wait}: as ipfs-cluster-ctl, for the replication-min of the root's allocation. */
  private void waitForRoot(AddedOutput root, Duration timeout) throws InterruptedException {
    if (root == null) {
      throw CtlException.failure("the cluster added nothing, so there is nothing to wait for");
    }
    Pin pin = ctx.client().allocation(root.cid());
    ctx.waiter().waitFor(root.cid(), TrackerStatus.PINNED, pin.replicationFactorMin(), timeout);
  }
}
