package io.pincluster.service.cli;

import io.pincluster.consensus.raft.OfflineState;
import io.pincluster.core.ClusterException;
import io.pincluster.core.config.ConfigLoader;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.PeerId;
import io.pincluster.service.LockFile;
import io.pincluster.service.cluster.SelfAddresses;
import io.pincluster.service.config.ConfigFolder;
import io.pincluster.service.config.IdentityFile;
import io.pincluster.service.state.PinFile;
import io.pincluster.service.state.StateFolders;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code cluster-service state export|import|cleanup}: offline operations on this peer's pinset.
 * They take the folder's lock, so they refuse to run beside a daemon.
 */
@Command(
    name = "state",
    description = "Export, import or clean this peer's state (the daemon must be stopped).",
    subcommands = {
      StateCommand.Export.class,
      StateCommand.Import.class,
      StateCommand.Cleanup.class
    })
final class StateCommand implements Callable<Integer> {
  @ParentCommand ClusterServiceCommand parent;

  @Override
  public Integer call() {
    parent.err.println("usage: cluster-service state export|import|cleanup (see --help)");
    return 1;
  }

  /** What every state command needs: the folder, its config, identity and data folder. */
  record Context(ConfigFolder folder, ServiceConfig config, Identity identity, Path dataFolder) {}

  static Context context(ClusterServiceCommand root) {
    ConfigFolder folder = root.folder();
    ServiceConfig config =
        ConfigLoader.load(
            folder.serviceJson(),
            root.env,
            Hostnames.local(root.env),
            w -> root.err.println("warning: " + w));
    Identity identity = IdentityFile.load(folder.identityJson(), root.env);
    return new Context(folder, config, identity, config.raft().dataFolder(folder.path()));
  }

  static boolean confirm(ClusterServiceCommand root, String question) throws IOException {
    root.out.print(question + " [y/N]: ");
    root.out.flush();
    String answer =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return answer != null
        && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
  }

  @Command(name = "export", description = "Write every pin as NDJSON (one Pin object per line).")
  static final class Export implements Callable<Integer> {
    @ParentCommand StateCommand state;

    @Option(
        names = {"--file", "-f"},
        paramLabel = "<file>",
        description = "Write here instead of standard output.")
    Path file;

    @Override
    public Integer call() throws IOException {
      ClusterServiceCommand root = state.parent;
      Context c = context(root);
      try (LockFile lock = LockFile.acquire(c.folder().lockFile())) {
        long[] count = {0};
        try (OutputStream out =
            file == null
                ? new BufferedOutputStream(root.out)
                : new BufferedOutputStream(Files.newOutputStream(file))) {
          OfflineState.export(
              c.dataFolder(),
              pin -> {
                try {
                  out.write(Json.writeLine(pin));
                  count[0]++;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
        }
        root.err.println("exported " + count[0] + " pins");
      }
      return 0;
    }
  }

  @Command(
      name = "import",
      description = {
        "Replace this peer's state with the pins in the file (NDJSON, as export writes it; standard"
            + " input when no file is given). The old state is kept as a backup.",
        "The result is a one-peer cluster: start it, then let other peers join with --bootstrap."
      })
  static final class Import implements Callable<Integer> {
    @ParentCommand StateCommand state;

    @Parameters(arity = "0..1", paramLabel = "<file>")
    Path file;

    @Option(
        names = {"--force", "-f"},
        description = "Do not ask for confirmation.")
    boolean force;

    @Option(names = "--rmin", description = "Set replication_factor_min of every pin (> 0).")
    int rmin;

    @Option(names = "--rmax", description = "Set replication_factor_max of every pin (> 0).")
    int rmax;

    @Option(
        names = "--allocs",
        split = ",",
        paramLabel = "<peer>",
        description = "Set the allocations of every pin to these peer IDs.")
    List<String> allocs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      ClusterServiceCommand root = state.parent;
      List<PeerId> allocations = new ArrayList<>();
      for (String a : allocs) {
        allocations.add(PeerId.parse(a.trim()));
      }
      PinFile.Overrides overrides = new PinFile.Overrides(rmin, rmax, allocations);
      Context c = context(root);
      if (file == null && !force) {
        throw new ClusterException(
            "reading the pins from standard input needs --force (no way to ask for confirmation)");
      }
      try (LockFile lock = LockFile.acquire(c.folder().lockFile())) {
        Path staging = staging(c.dataFolder());
        StateFolders.discard(staging); // left by an import that was killed
        String raftAddress =
            SelfAddresses.of(
                    c.config().cluster(), c.config().restApi().httpListenMultiaddress().get(0))
                .raft()
                .hostPort();
        long count;
        long read;
        try (PinFile.Reader pins =
            file == null
                ? PinFile.read(unclosed(System.in), "standard input", overrides)
                : PinFile.read(file, overrides)) {
          count = OfflineState.importState(staging, pins, c.identity().id(), raftAddress);
          read = pins.count();
        } catch (RuntimeException e) {
          StateFolders.discard(staging);
          throw e;
        }
        boolean installed = false;
        try {
          if (!force
              && !confirm(
                  root,
                  "The state in "
                      + c.dataFolder()
                      + " will be replaced by "
                      + count
                      + " pins (the old state is kept as a backup). Continue?")) {
            root.err.println("aborted: nothing changed");
            return 1;
          }
          installed = true; // from here on install() decides what happens to staging
          install(staging, c);
        } finally {
          if (!installed) {
            StateFolders.discard(staging);
          }
        }
        root.out.println(
            "imported "
                + count
                + " pins into "
                + c.dataFolder()
                + (read == count
                    ? ""
                    : " (" + read + " read; later duplicates of a CID replaced earlier ones)"));
      }
      return 0;
    }

    /**
     * {@code <data_folder>.import}: where the new state is built, beside the old one (same file
     * system, so moving it into place is a rename). The old state is rotated to a backup only once
     * the new one is complete: a bad line leaves everything as it was.
     */
    static Path staging(Path dataFolder) {
      return dataFolder.resolveSibling(dataFolder.getFileName() + ".import");
    }

    /** {@code in}, left open when the reader is closed. */
    private static InputStream unclosed(InputStream in) {
      return new FilterInputStream(in) {
        @Override
        public void close() {}
      };
    }

    /**
     * Rotates the old state to a backup and renames the complete new one into its place. When the
     * rotation fails the new state is deleted (nothing changed); when the rename fails it is kept,
     * and the error says where both are.
     */
    private static void install(Path staging, Context c) {
      try {
        StateFolders.rotate(c.dataFolder(), c.config().raft().backupsRotate());
      } catch (RuntimeException e) {
        StateFolders.discard(staging);
        throw e;
      }
      try {
        Files.move(staging, c.dataFolder(), StandardCopyOption.ATOMIC_MOVE);
        OfflineState.syncFolder(c.dataFolder().toAbsolutePath().getParent());
      } catch (IOException e) {
        throw new ClusterException(
            "cannot move the imported state "
                + staging
                + " to "
                + c.dataFolder()
                + " (move it there by hand; the old state is in "
                + StateFolders.backup(c.dataFolder(), 0)
                + "): "
                + e.getMessage(),
            e);
      }
    }
  }

  @Command(
      name = "cleanup",
      aliases = "clean",
      description =
          "Move this peer's state aside (to <data_folder>.old.0, keeping backups_rotate backups).")
  static final class Cleanup implements Callable<Integer> {
    @ParentCommand StateCommand state;

    @Option(
        names = {"--force", "-f"},
        description = "Do not ask for confirmation.")
    boolean force;

    @Override
    public Integer call() throws IOException {
      ClusterServiceCommand root = state.parent;
      Context c = context(root);
      try (LockFile lock = LockFile.acquire(c.folder().lockFile())) {
        if (!Files.exists(c.dataFolder())) {
          root.out.println("no state at " + c.dataFolder() + ": nothing to clean");
          return 0;
        }
        if (!force
            && !confirm(
                root, "The state in " + c.dataFolder() + " will be moved to a backup. Continue?")) {
          root.err.println("aborted: nothing changed");
          return 1;
        }
        Path backup =
            StateFolders.rotate(c.dataFolder(), c.config().raft().backupsRotate()).orElseThrow();
        root.out.println("state moved to " + backup);
      }
      return 0;
    }
  }
}
