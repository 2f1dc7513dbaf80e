package io.pincluster.ctl;

import io.pincluster.ctl.client.ApiErrorException;
import io.pincluster.ctl.client.RequestTimeoutException;
import io.pincluster.ctl.client.StreamErrorException;
import io.pincluster.ctl.internal.CtlException;
import io.pincluster.ctl.internal.Output;
import java.io.PrintStream;

/**
 * Prints a failed command's error to stderr and picks the exit code: 2 when the API answered with
 * an error (printed as IPFS Cluster prints it, or as JSON with {@code --enc json}) or a stream
 * ended with an error, 62 when a deadline passed, 125 when interrupted, 1 otherwise.
 */
final class ErrorReporter {
  static final int EXIT_API_ERROR = CtlException.EXIT_API_ERROR;

  private ErrorReporter() {}

  static int report(Exception e, CtlContext ctx) {
    PrintStream err = ctx.err();
    if (e instanceof ApiErrorException api) {
      Output.Encoding encoding = jsonWanted(ctx) ? Output.Encoding.JSON : Output.Encoding.TEXT;
      err.print(Output.format(api.error(), encoding));
      err.flush();
      return EXIT_API_ERROR;
    }
    int code;
    if (e instanceof StreamErrorException) {
      code = EXIT_API_ERROR;
    } else if (e instanceof RequestTimeoutException) {
      code = CtlException.EXIT_DEADLINE;
    } else if (e instanceof CtlException ctl) {
      code = ctl.exitCode();
    } else if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      err.println("error: interrupted");
      return CtlException.EXIT_CANCELED;
    } else {
      code = CtlException.EXIT_FAILURE;
    }
    err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    err.flush();
    return code;
  }

  private static boolean jsonWanted(CtlContext ctx) {
    try {
      return ctx.encoding() == Output.Encoding.JSON;
    } catch (CtlException badEncoding) {
      return false;
    }
  }
}
