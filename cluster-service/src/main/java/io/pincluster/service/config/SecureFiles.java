package io.pincluster.service.config;

import io.pincluster.core.config.RestApiSection;
import io.pincluster.core.config.ServiceConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Files that may hold secrets ({@code service.json}: the cluster secret and REST credentials;
 * {@code identity.json}: the private key; the peerstore, kept private as well): written with mode
 * 0600 to a temporary file in the same folder, then renamed over the target, so a reader sees the
 * old or the new file and never a world-readable one. Folders created for them are 0700. On file
 * systems without POSIX permissions only the atomic replace applies. Stateless.
 */
public final class SecureFiles {
  static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  static final Set<PosixFilePermission> GROUP_OR_OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private SecureFiles() {}

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /**
   * Atomically replaces {@code target} with {@code text}; the file is created with mode 0600 (on
   * POSIX file systems) before any byte is written, so the secret is never world-readable. A
   * missing parent folder is created with mode 0700.
   */
  public static void writePrivate(Path target, String text) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createPrivateDirectories(dir);
    Path tmp;
    if (posix()) {
      tmp =
          Files.createTempFile(
              dir,
              "." + target.getFileName(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    }
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Creates {@code dir} and any missing parents with mode 0700 (on POSIX file systems); a folder
   * that exists already keeps its mode.
   */
  public static void createPrivateDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (posix()) {
      FileAttribute<Set<PosixFilePermission>> owner =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
      Files.createDirectories(dir, owner);
    } else {
      Files.createDirectories(dir);
    }
  }

  /**
   * Warnings, one per problem, for secret files that exist and that the group or others may access,
   * and for the folder when the group or others may write to it (and so replace those files): the
   * configuration folder, {@code service.json}, {@code identity.json} and the REST API's {@code
   * ssl_key_file} (relative to the folder unless absolute, as the daemon reads it). Each names the
   * file, its mode and what it protects. Empty on file systems without POSIX permissions. Never
   * fails: a file that cannot be inspected is skipped.
   */
  public static List<String> exposureWarnings(ConfigFolder folder, ServiceConfig config) {
    List<String> out = new ArrayList<>();
    mode(folder.path())
        .filter(m -> m.stream().anyMatch(GROUP_OR_OTHERS_WRITE::contains))
        .ifPresent(
            m ->
                out.add(
                    "the configuration folder "
                        + folder.path()
                        + " is writable by group or others (mode "
                        + PosixFilePermissions.toString(m)
                        + "): they can replace the files holding the cluster secret and the"
                        + " identity; run chmod 700 "
                        + folder.path()));
    exposed(folder.serviceJson(), "the cluster secret and the REST API credentials", out);
    exposed(folder.identityJson(), "this peer's private key", out);
    RestApiSection rest = config.restApi();
    if (!rest.sslKeyFile().isEmpty()) {
      exposed(
          folder.resolveFile(rest.sslKeyFile()),
          RestApiSection.SECTION + ".ssl_key_file, the REST API's TLS key",
          out);
    }
    return out;
  }

  private static void exposed(Path file, String holds, List<String> out) {
    mode(file)
        .filter(m -> m.stream().anyMatch(GROUP_OR_OTHERS::contains))
        .ifPresent(
            m ->
                out.add(
                    file
                        + " is accessible by group or others (mode "
                        + PosixFilePermissions.toString(m)
                        + ") but holds "
                        + holds
                        + ": run chmod 600 "
                        + file));
  }

  /** The POSIX permissions of an existing file (symbolic links followed). */
  private static Optional<Set<PosixFilePermission>> mode(Path file) {
    if (!posix() || !Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.getPosixFilePermissions(file, new LinkOption[0]));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }
}
