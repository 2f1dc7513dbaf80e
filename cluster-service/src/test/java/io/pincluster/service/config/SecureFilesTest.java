package io.pincluster.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pincluster.core.config.ConfigLoader;
import io.pincluster.core.config.ServiceConfig;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Modes and atomic replacement of secret files, and the warnings about exposed ones. */
class SecureFilesTest {
  @TempDir Path dir;

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  static void chmod(Path p, String mode) throws Exception {
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
  }

  static ServiceConfig config(String sslKeyFile) {
    ObjectNode json = ConfigLoader.toJson(ServiceConfig.defaults("p", "ab".repeat(32)));
    if (!sslKeyFile.isEmpty()) {
      ((ObjectNode) json.get("api").get("restapi"))
          .put("ssl_cert_file", sslKeyFile + ".crt")
          .put("ssl_key_file", sslKeyFile);
    }
    return ConfigLoader.fromJson(json, Map.of(), "p", w -> {});
  }

  @Test
  void aRewriteReplacesAnExposedFileWithAPrivateOneAndLeavesNoTemporaryFile() throws Exception {
    Path f = dir.resolve("service.json");
    Files.writeString(f, "old");
    chmod(f, "rw-r--r--");
    SecureFiles.writePrivate(f, "new");
    assertThat(Files.readString(f)).isEqualTo("new");
    assertThat(mode(f)).isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void missingFoldersAreCreatedOwnerOnly() throws Exception {
    Path f = dir.resolve("a/b/identity.json");
    SecureFiles.writePrivate(f, "x");
    assertThat(mode(dir.resolve("a"))).isEqualTo("rwx------");
    assertThat(mode(dir.resolve("a/b"))).isEqualTo("rwx------");
    assertThat(mode(f)).isEqualTo("rw-------");
  }

  @Test
  void thePeerstoreAndTheIdentityAreWrittenPrivate() throws Exception {
    Path peerstore = dir.resolve("peerstore");
    Files.writeString(peerstore, "");
    chmod(peerstore, "rw-rw-rw-");
    Peerstore.write(
        peerstore,
        List.of(
            Multiaddr.parse("/ip4/10.0.0.2/tcp/9096/p2p/" + Identity.generate().id().toString())));
    assertThat(mode(peerstore)).isEqualTo("rw-------");
    IdentityFile.write(dir.resolve("identity.json"), Identity.generate());
    assertThat(mode(dir.resolve("identity.json"))).isEqualTo("rw-------");
  }

  @Test
  void exposedSecretFilesAndAWritableFolderAreReportedByName() throws Exception {
    ConfigFolder folder = new ConfigFolder(dir);
    Path key = dir.resolve("tls.key");
    Files.writeString(folder.serviceJson(), "{}");
    Files.writeString(folder.identityJson(), "{}");
    Files.writeString(key, "k");
    chmod(dir, "rwx------");
    chmod(folder.serviceJson(), "rw-------");
    chmod(folder.identityJson(), "rw-------");
    chmod(key, "r--------");
    assertThat(SecureFiles.exposureWarnings(folder, config(key.toString()))).isEmpty();

    chmod(folder.serviceJson(), "rw-r--r--");
    chmod(folder.identityJson(), "rw-r-----");
    chmod(key, "r-----r--");
    chmod(dir, "rwxrwxr-x");
    List<String> warnings = SecureFiles.exposureWarnings(folder, config(key.toString()));
    assertThat(warnings).hasSize(4);
    assertThat(warnings.get(0))
        .contains(dir.toString(), "rwxrwxr-x", "writable by group or others", "chmod 700");
    assertThat(warnings.get(1))
        .isEqualTo(
            folder.serviceJson()
                + " is accessible by group or others (mode rw-r--r--) but holds the cluster"
                + " secret and the REST API credentials: run chmod 600 "
                + folder.serviceJson());
    assertThat(warnings.get(2)).contains(folder.identityJson().toString(), "private key");
    assertThat(warnings.get(3)).contains(key.toString(), "api.restapi.ssl_key_file");

    chmod(dir, "rwxr-xr-x");
    assertThat(SecureFiles.exposureWarnings(folder, config("tls.key")))
        .as("a relative ssl_key_file is in the configuration folder")
        .hasSize(3)
        .last()
        .asString()
        .contains(key.toString());
    assertThat(SecureFiles.exposureWarnings(folder, config("")))
        .as("a readable folder is the user's choice; a missing key file is not checked")
        .hasSize(2);
  }
}
