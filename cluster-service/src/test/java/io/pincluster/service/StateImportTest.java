package io.pincluster.service;

import static io.pincluster.service.FilesBadInputTest.listing;
import static io.pincluster.service.StateCommandsTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.service.StateCommandsTest.Result;
import io.pincluster.testing.Cids;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state import} on a stopped (never started) peer folder: one pass into {@code raft.import},
 * moved into place only when complete.
 */
class StateImportTest {
  @TempDir Path dir;

  /** Lines of {@code n} pins in the short form a user writes, then the first 10 again renamed. */
  static List<String> lines(List<Cid> cids) {
    List<String> out = new ArrayList<>();
    for (Cid c : cids) {
      out.add("{\"cid\":\"" + c + "\",\"allocations\":[]}");
    }
    for (int i = 0; i < 10; i++) {
      out.add(new String(Json.write(Pin.of(cids.get(i), PinOptions.DEFAULT.withName("again")))));
    }
    return out;
  }

  @Test
  void laterDuplicatesWinAndExportAfterImportGivesTheStoredPins() throws Exception {
    Path folder = dir.resolve("peer");
    assertThat(cli(folder, "init").code()).isZero();
    List<Cid> cids = Cids.random(300);
    Path file = dir.resolve("in.ndjson");
    Files.write(file, lines(cids));

    Result imported = cli(folder, "state", "import", "--force", file.toString());
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out())
        .startsWith("imported 300 pins into ")
        .contains("(310 read; later duplicates of a CID replaced earlier ones)");
    assertThat(listing(folder)).contains("raft").doesNotContain("raft.import", "raft.old.0");

    Path out = dir.resolve("out.ndjson");
    assertThat(cli(folder, "state", "export", "-f", out.toString()).code()).isZero();
    List<Pin> pins = new ArrayList<>();
    for (String line : Files.readAllLines(out)) {
      pins.add(Json.read(line.getBytes(StandardCharsets.UTF_8), Pin.class));
    }
    assertThat(pins).hasSize(300);
    assertThat(pins).filteredOn(p -> p.name().equals("again")).hasSize(10);
    assertThat(pins.stream().map(Pin::cid)).containsExactlyInAnyOrderElementsOf(cids);

    // the export re-imports to the same state; the first import is kept as a backup
    Result again = cli(folder, "state", "import", "--force", out.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).isEqualTo("imported 300 pins into " + folder.resolve("raft") + "\n");
    Path out2 = dir.resolve("out2.ndjson");
    assertThat(cli(folder, "state", "export", "-f", out2.toString()).code()).isZero();
    assertThat(Files.readString(out2)).isEqualTo(Files.readString(out));
    assertThat(listing(folder)).contains("raft", "raft.old.0").doesNotContain("raft.import");
  }

  @Test
  void aBadLineFarIntoTheFileIsNamedAndLeavesTheOldStateAndNoStagingFolder() throws Exception {
    Path folder = dir.resolve("peer");
    assertThat(cli(folder, "init").code()).isZero();
    Path good = dir.resolve("good.ndjson");
    Files.write(good, lines(Cids.random(20)));
    assertThat(cli(folder, "state", "import", "--force", good.toString()).code()).isZero();
    Path before = dir.resolve("before.ndjson");
    assertThat(cli(folder, "state", "export", "-f", before.toString()).code()).isZero();
    List<String> listing = listing(folder);

    List<String> lines = lines(Cids.random(3000));
    lines.add(2500, "");
    lines.set(2700, "{\"cid\":\"bafy-not-a-cid\"}"); // line 2701
    Path bad = dir.resolve("bad.ndjson");
    Files.write(bad, lines);
    Result r = cli(folder, "state", "import", "--force", bad.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("bad.ndjson line 2701: ").doesNotContain("Exception");
    assertThat(listing(folder)).isEqualTo(listing);

    Path after = dir.resolve("after.ndjson");
    assertThat(cli(folder, "state", "export", "-f", after.toString()).code()).isZero();
    assertThat(Files.readString(after)).isEqualTo(Files.readString(before));
  }

  @Test
  void aStagingFolderLeftByAKilledImportIsReplaced() throws Exception {
    Path folder = dir.resolve("peer");
    assertThat(cli(folder, "init").code()).isZero();
    Files.createDirectories(folder.resolve("raft.import").resolve("db"));
    Files.writeString(folder.resolve("raft.import").resolve("db").resolve("junk"), "x");
    Path file = dir.resolve("in.ndjson");
    Files.write(file, lines(Cids.random(15)));
    Result r = cli(folder, "state", "import", "--force", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("imported 15 pins");
    assertThat(listing(folder)).contains("raft").doesNotContain("raft.import");
  }
}
