package io.pincluster.service;

import static io.pincluster.service.StateCommandsTest.cli;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.service.StateCommandsTest.Result;
import io.pincluster.testing.Cids;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and corrupt files, through the real command line: service.json and identity.json (the
 * daemon refuses to start naming the file, and leaves it as it was) and {@code state import} files
 * (refused naming the line, the pinset unchanged, no state folder rotated, earlier backups kept).
 * Truncation points come from a seeded {@link Random} ({@code -Dpincluster.fuzz.seed=N}).
 */
class FilesBadInputTest {
  static final Duration WAIT = Duration.ofSeconds(45);
  static final long SEED = Long.getLong("pincluster.fuzz.seed", 0x9_2026_1127L);
  @TempDir Path dir;
  LocalCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Corrupt versions of {@code good}: truncated at seeded points, garbage, empty, wrong JSON. */
  static List<byte[]> corruptions(byte[] good, Random r) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      out.add(Arrays.copyOf(good, 1 + r.nextInt(good.length - 2)));
    }
    byte[] flipped = good.clone();
    for (int i = 0; i < 8; i++) {
      flipped[r.nextInt(flipped.length)] = (byte) r.nextInt(256);
    }
    out.add(flipped);
    byte[] garbage = new byte[200];
    r.nextBytes(garbage);
    out.add(garbage);
    out.add(new byte[0]);
    out.add("[]".getBytes(StandardCharsets.UTF_8));
    out.add("null".getBytes(StandardCharsets.UTF_8));
    out.add("{\"cluster\": 5, \"private_key\": 7}".getBytes(StandardCharsets.UTF_8));
    return out;
  }

  @Test
  void aCorruptServiceJsonOrIdentityJsonStopsTheDaemonNamingTheFileAndIsLeftAsItWas()
      throws Exception {
    Path folder = dir.resolve("peer");
    assertThat(cli(folder, "init").code()).isZero();
    List<String> initialized = listing(folder);
    Random r = new Random(SEED);
    for (String name : List.of("service.json", "identity.json")) {
      Path file = folder.resolve(name);
      byte[] good = Files.readAllBytes(file);
      for (byte[] bad : corruptions(good, r)) {
        Files.write(file, bad);
        Result res = cli(folder, "daemon");
        String shown = new String(bad, StandardCharsets.ISO_8859_1);
        assertThat(res.code()).as("%s = %s", name, shown).isEqualTo(1);
        // the file's name, or for a section of the wrong type the section (key) it names
        assertThat(res.err()).as("%s = %s", name, shown).containsAnyOf(name, "cluster must be");
        assertThat(res.err()).doesNotContain("Exception");
        assertThat(Files.readAllBytes(file)).isEqualTo(bad);
      }
      Files.write(file, good);
    }
    assertThat(listing(folder)).as("nothing created by the refused starts").isEqualTo(initialized);
  }

  @Test
  void aCorruptImportFileIsRefusedAndChangesNothingAndKeepsBackups() throws Exception {
    cluster = LocalCluster.start(dir, 1);
    await().atMost(WAIT).until(() -> cluster.ready());
    for (Cid c : Cids.random(5)) {
      cluster.peer(0).cluster().pin(c, PinOptions.DEFAULT).get(20, TimeUnit.SECONDS);
    }
    cluster.stopPeer(0);
    Path folder = cluster.folder(0).path();
    Path before = dir.resolve("before.ndjson");
    assertThat(cli(folder, "state", "export", "-f", before.toString()).code()).isZero();
    // An earlier backup, as a previous import or cleanup leaves one.
    Path backup = Files.createDirectories(folder.resolve("raft.old.0"));
    Files.writeString(backup.resolve("marker"), "kept");
    List<String> listing = listing(folder);

    byte[] good = Files.readAllBytes(before);
    List<byte[]> bad = new ArrayList<>();
    Random r = new Random(SEED);
    for (byte[] b : corruptions(good, r)) {
      if (b.length > 0 && !endsAtLineBoundary(good, b) && !new String(b).equals("null")) {
        bad.add(b);
      }
    }
    // Regression (issue 9): bytes that are not UTF-8 failed with a bare MalformedInputException.
    byte[] notUtf8 = good.clone();
    notUtf8[good.length / 2] = (byte) 0xff;
    bad.add(notUtf8);
    for (byte[] b : bad) {
      Path file = dir.resolve("bad.ndjson");
      Files.write(file, b);
      Result res = cli(folder, "state", "import", file.toString(), "--force");
      String shown = new String(b, StandardCharsets.ISO_8859_1);
      assertThat(res.code()).as(shown).isEqualTo(1);
      assertThat(res.err()).as(shown).containsPattern("line [0-9]+|" + file.getFileName());
      assertThat(res.err()).doesNotContain("Exception");
      if (b == notUtf8) {
        assertThat(res.err()).containsPattern("line [0-9]+: not UTF-8 text");
      }
      assertThat(listing(folder)).as("no state folder rotated or created").isEqualTo(listing);
    }
    Path after = dir.resolve("after.ndjson");
    assertThat(cli(folder, "state", "export", "-f", after.toString()).code()).isZero();
    assertThat(Files.readString(after)).isEqualTo(Files.readString(before));
    assertThat(Files.readString(backup.resolve("marker"))).isEqualTo("kept");
  }

  @Test
  void aCorruptStateFolderNeverStartsWithASilentlyEmptyPinset() throws Exception {
    cluster = LocalCluster.start(dir, 1);
    await().atMost(WAIT).until(() -> cluster.ready());
    List<Cid> cids = Cids.random(3);
    for (Cid c : cids) {
      cluster.peer(0).cluster().pin(c, PinOptions.DEFAULT).get(20, TimeUnit.SECONDS);
    }
    cluster.stopPeer(0);
    Path folder = cluster.folder(0).path();
    Path backup = Files.createDirectories(folder.resolve("raft.old.0"));
    Files.writeString(backup.resolve("marker"), "kept");
    Random r = new Random(SEED);
    List<Path> damaged = new ArrayList<>();
    try (Stream<Path> files = Files.walk(folder.resolve("raft").resolve("ratis"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] garbage = new byte[(int) Math.max(16, Files.size(f))];
        r.nextBytes(garbage);
        Files.write(f, garbage);
        damaged.add(f);
      }
    }
    assertThat(damaged).isNotEmpty();
    try {
      cluster.startPeer(0);
    } catch (RuntimeException e) {
      // Refused: the message must say what is wrong and where.
      assertThat(String.valueOf(e.getMessage())).containsAnyOf("raft", "ratis", "state");
      assertThat(Files.readString(backup.resolve("marker"))).isEqualTo("kept");
      return;
    }
    // Started: then the pinset must be there (from a good copy), not silently empty.
    await().atMost(WAIT).until(() -> cluster.ready());
    assertThat(cids)
        .allSatisfy(c -> assertThat(cluster.peer(0).cluster().allocation(c)).isPresent());
    assertThat(Files.readString(backup.resolve("marker"))).isEqualTo("kept");
  }

  static boolean endsAtLineBoundary(byte[] good, byte[] prefix) {
    return prefix.length <= good.length
        && Arrays.equals(prefix, Arrays.copyOf(good, prefix.length))
        && (prefix[prefix.length - 1] == '\n'
            || prefix.length == good.length
            || good[prefix.length] == '\n');
  }

  static List<String> listing(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
