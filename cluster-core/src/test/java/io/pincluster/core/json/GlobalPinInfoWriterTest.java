package io.pincluster.core.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pincluster.core.api.GlobalPinInfo;
import io.pincluster.core.api.LocalPinStatus;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinInfoShort;
import io.pincluster.core.api.TrackerStatus;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GlobalPinInfoWriterTest {
  private static final ObjectMapper DATA_BINDING = Json.create(false);
  private static final List<PeerId> PEERS =
      List.of(Identity.generate().id(), Identity.generate().id(), Identity.generate().id());

  static PinInfoShort status(Random r) {
    boolean error = r.nextInt(4) == 0;
    return new PinInfoShort(
        r.nextBoolean() ? "peer-" + r.nextInt(9) : "pëer \"q\"",
        r.nextBoolean() ? "" : PEERS.get(r.nextInt(3)).toString(),
        r.nextBoolean() ? List.of() : List.of("/ip4/127.0.0.1/tcp/4001", "/ip6/::1/tcp/4001"),
        TrackerStatus.values()[r.nextInt(TrackerStatus.values().length)],
        r.nextBoolean() ? Pin.ZERO_TIME : Instant.ofEpochSecond(1_790_000_000L, r.nextInt()),
        error ? "boom\n" + r.nextInt() : "",
        r.nextInt(5),
        r.nextBoolean());
  }

  static GlobalPinInfo random(Random r) {
    Map<String, PinInfoShort> peers = new HashMap<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      peers.put(PEERS.get(i - 1).toString(), status(r));
    }
    Map<String, String> metadata = new HashMap<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      metadata.put("k" + i + (r.nextBoolean() ? "ü" : ""), "v\t" + r.nextInt());
    }
    return new GlobalPinInfo(
        StoredPinsTest.cid(r),
        r.nextBoolean() ? "" : "name " + r.nextInt(),
        new ArrayList<>(PEERS.subList(0, r.nextInt(4))),
        r.nextBoolean()
            ? List.of()
            : List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/4001/p2p/" + PEERS.get(0))),
        r.nextBoolean() ? null : Instant.ofEpochSecond(1_700_000_000L + r.nextInt(), r.nextInt()),
        metadata,
        peers);
  }

  @Test
  void writesExactlyWhatDataBindingWrites() throws Exception {
    Random r = new Random(3);
    for (int i = 0; i < 3000; i++) {
      GlobalPinInfo g = random(r);
      assertThat(Json.toText(g)).isEqualTo(DATA_BINDING.writeValueAsString(g));
      assertThat(Json.read(Json.write(g), GlobalPinInfo.class)).isEqualTo(g);
    }
  }

  @Test
  void nullsAreWrittenAsDataBindingWritesThem() throws Exception {
    Map<String, PinInfoShort> onePeerWithoutStatus = new HashMap<>();
    onePeerWithoutStatus.put(PEERS.get(0).toString(), null);
    GlobalPinInfo g = new GlobalPinInfo(null, null, null, null, null, null, onePeerWithoutStatus);
    assertThat(Json.toText(g)).isEqualTo(DATA_BINDING.writeValueAsString(g));
    assertThat(g.peerMap()).containsEntry(PEERS.get(0).toString(), null);
  }

  @Test
  void localStatusLinesStillCarryTheSameStatusFields() {
    Random r = new Random(4);
    for (int i = 0; i < 500; i++) {
      LocalPinStatus line = new LocalPinStatus(StoredPinsTest.cid(r), status(r));
      assertThat(Json.read(Json.write(line), LocalPinStatus.class)).isEqualTo(line);
    }
  }
}
