package io.pincluster.restapi;

import static io.pincluster.restapi.FakeClusterApi.OTHER;
import static io.pincluster.restapi.FakeClusterApi.SELF;
import static io.pincluster.restapi.FakeClusterApi.cid;
import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinMode;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.api.PinRequest;
import io.pincluster.core.api.PinType;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.json.Json;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.restapi.internal.BulkPinLines;
import io.pincluster.restapi.internal.BulkPinParser;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines of a POST /pins body, without a network. */
class BulkPinParserTest {
  private static final Cid A = cid("a");
  private static final Cid B = cid("b");
  private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");
  private static final PinOptions DEFAULTS =
      new PinOptions(
          2, 3, "default", PinMode.RECURSIVE, List.of(), null, Map.of("team", "x"), null, null);

  private final BulkPinParser parser = new BulkPinParser(DEFAULTS);

  private PinRequest parse(long line, String text) {
    return parser.parse(line, text).orElseThrow();
  }

  @Test
  void exportedPinObjectKeepsItsOptionsAndIgnoresItsAllocations() {
    Pin exported =
        new Pin(
            A,
            PinType.PIN,
            List.of(SELF, OTHER),
            0,
            null,
            Instant.parse("2026-01-01T00:00:00Z"),
            1,
            5,
            "mine",
            PinMode.DIRECT,
            List.of(OTHER),
            LATER,
            Map.of("team", "y", "k", "v"),
            B,
            List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/4001/p2p/" + OTHER)));
    PinRequest r = parse(7, Json.toText(exported));
    assertThat(r.isValid()).isTrue();
    assertThat(r.line()).isEqualTo(7);
    assertThat(r.cid()).isEqualTo(A);
    assertThat(r.options())
        .isEqualTo(
            new PinOptions(
                1,
                5,
                "mine",
                PinMode.DIRECT,
                List.of(OTHER),
                LATER,
                Map.of("team", "y", "k", "v"),
                B,
                List.of(Multiaddr.parse("/ip4/1.2.3.4/tcp/4001/p2p/" + OTHER))));
  }

  @Test
  void unsetOrZeroFieldsTakeTheQueryDefaultsAndMetadataMerges() {
    Pin unnamed = Pin.of(A, PinOptions.DEFAULT);
    PinRequest exported = parse(1, Json.toText(unnamed));
    assertThat(exported.options())
        .isEqualTo(
            new PinOptions(
                2,
                3,
                "default",
                PinMode.RECURSIVE,
                List.of(),
                null,
                Map.of("team", "x"),
                null,
                null));
    PinRequest partial =
        parse(2, "{\"cid\":\"" + B + "\",\"name\":\"n\",\"metadata\":{\"k\":\"v\"}}");
    assertThat(partial.options().name()).isEqualTo("n");
    assertThat(partial.options().replicationFactorMin()).isEqualTo(2);
    assertThat(partial.options().metadata()).isEqualTo(Map.of("team", "x", "k", "v"));
  }

  @Test
  void bareAndQuotedCidsAndOldCidObjectsAreItems() {
    String v0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
    assertThat(parse(1, "  " + v0 + "  ").cid()).isEqualTo(Cid.parse(v0));
    assertThat(parse(2, "\"" + A + "\"").cid()).isEqualTo(A);
    assertThat(parse(3, "\"" + A + "\"").options()).isEqualTo(DEFAULTS);
    assertThat(parse(4, "{\"cid\":{\"/\":\"" + v0 + "\"},\"max_depth\":0}").options().mode())
        .isEqualTo(PinMode.DIRECT);
    assertThat(parser.parse(5, "   \t")).isEmpty();
  }

  @Test
  void badLinesBecomeInvalidItemsNamingTheLineAndTheProblem() {
    assertThat(parse(3, "{not json").error()).startsWith("line 3: invalid JSON: ");
    assertThat(parse(4, "nonsense").error()).startsWith("line 4: error decoding Cid: ");
    assertThat(parse(5, "{\"name\":\"x\"}").error()).isEqualTo("line 5: no \"cid\"");
    assertThat(parse(6, "{\"cid\":\"" + A + "\",\"type\":\"meta-pin\"}").error())
        .isEqualTo("line 6: type \"meta-pin\" cannot be pinned here (only \"pin\")");
    assertThat(parse(7, "{\"cid\":\"" + A + "\",\"replication_factor_min\":\"x\"}").error())
        .isEqualTo("line 7: replication_factor_min: \"x\" is not an integer");
    assertThat(parse(8, "{\"cid\":\"" + A + "\",\"mode\":\"sideways\"}").error())
        .startsWith("line 8: mode \"sideways\"");
    assertThat(parse(9, "{\"cid\":\"" + A + "\",\"expire_at\":\"soon\"}").error())
        .isEqualTo("line 9: expire_at: \"soon\" is not an RFC 3339 time");
    assertThat(parse(10, "{\"cid\":\"" + A + "\",\"user_allocations\":[\"nope\"]}").error())
        .startsWith("line 10: error decoding peer_id: ");
    assertThat(parse(11, "{\"cid\":\"" + A + "\",\"origins\":[\"/ip4/1.2.3.4/tcp/1\"]}").error())
        .isEqualTo("line 11: origins: multiaddress /ip4/1.2.3.4/tcp/1 does not contain a peer ID");
    assertThat(parse(12, "[1,2]").error()).startsWith("line 12: error decoding Cid: ");
    assertThat(parse(13, "\"" + "x".repeat(1000) + "\"").error()).hasSizeLessThan(300);
  }

  @Test
  void linesAreNumberedCountingBlankOnesAndTooLongOnesAreSkipped() {
    String body =
        A + "\r\n" + "\n" + "  \n" + "x".repeat(200) + "\n" + "\"" + B + "\"\n" + "bad\n" + A;
    List<PinRequest> items = new ArrayList<>();
    new BulkPinLines(
            new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), parser, 1000, 80)
        .forEachRemaining(items::add);
    assertThat(items)
        .extracting(PinRequest::line)
        .containsExactly(1001L, 1004L, 1005L, 1006L, 1007L);
    assertThat(items.get(0).cid()).isEqualTo(A);
    assertThat(items.get(1).error()).isEqualTo("line 1004: longer than 80 bytes, not read");
    assertThat(items.get(2).cid()).isEqualTo(B);
    assertThat(items.get(3).error()).startsWith("line 1006: error decoding Cid");
    assertThat(items.get(4).cid()).isEqualTo(A);
  }

  @Test
  void emptyBodyHasNoItems() {
    assertThat(new BulkPinLines(new ByteArrayInputStream(new byte[0]), parser, 0).hasNext())
        .isFalse();
    assertThat(
            new BulkPinLines(
                    new ByteArrayInputStream("\n\n".getBytes(StandardCharsets.UTF_8)), parser, 0)
                .hasNext())
        .isFalse();
  }
}
