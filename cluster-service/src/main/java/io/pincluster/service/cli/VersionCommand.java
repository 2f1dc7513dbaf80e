package io.pincluster.service.cli;

import io.pincluster.core.BuildInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code cluster-service version}. */
@Command(name = "version", description = "Print the version and exit.")
final class VersionCommand implements Callable<Integer> {
  @ParentCommand ClusterServiceCommand parent;

  @Override
  public Integer call() {
    parent.out.println(BuildInfo.VERSION);
    return 0;
  }
}
