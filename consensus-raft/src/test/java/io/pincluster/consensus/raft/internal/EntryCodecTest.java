package io.pincluster.consensus.raft.internal;

import static io.pincluster.consensus.raft.TestPins.cid;
import static io.pincluster.consensus.raft.TestPins.pin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.consensus.raft.internal.EntryCodec.Decoded;
import io.pincluster.core.api.PeerRecord;
import io.pincluster.core.peer.Identity;
import io.pincluster.core.peer.Multiaddr;
import io.pincluster.core.peer.PeerId;
import io.pincluster.state.rocksdb.OpResult;
import io.pincluster.state.rocksdb.StateOp;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryCodecTest {
  static final PeerId PEER = Identity.generate().id();
  static final PeerRecord RECORD =
      new PeerRecord(PEER, "p", Multiaddr.tcp("127.0.0.1", 1), null, null, "", List.of());

  @Test
  void anEntryRoundTripsEveryOperationAndItsRequestId() throws Exception {
    List<StateOp> ops =
        List.of(
            new StateOp.PutPin(pin(1)),
            new StateOp.RemovePin(cid(2)),
            new StateOp.PutPeer(RECORD),
            new StateOp.RemovePeer(PEER),
            new StateOp.ReplacePin(pin(3), pin(3).withAllocations(List.of(PEER))));

    byte[] bytes = EntryCodec.encodeEntry(42, ops);
    EntryCodec.Entry entry = EntryCodec.decodeEntry(bytes);

    assertThat(entry.requestId()).isEqualTo(42);
    assertThat(entry.ops()).extracting(Decoded::op).containsExactlyElementsOf(ops);
    assertThat(EntryCodec.requestId(Arrays.copyOf(bytes, 9))).isEqualTo(42);
  }

  @Test
  void anUndecodableOperationBecomesAnErrorInItsSlot() throws Exception {
    byte[] bytes = EntryCodec.encodeEntry(1, List.of(new StateOp.RemovePin(cid(1))));
    bytes[13] = 9; // the first op's tag (after version, request ID and count) → unknown

    EntryCodec.Entry entry = EntryCodec.decodeEntry(bytes);

    assertThat(entry.ops()).hasSize(1);
    assertThat(entry.ops().get(0).op()).isNull();
    assertThat(entry.ops().get(0).error()).contains("unknown operation tag 9");
  }

  @Test
  void aBrokenFrameIsMalformed() {
    byte[] bytes = EntryCodec.encodeEntry(1, List.of(new StateOp.PutPin(pin(1))));

    assertThatThrownBy(() -> EntryCodec.decodeEntry(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(EntryCodec.MalformedException.class)
        .hasMessageContaining("truncated");
    byte[] wrongVersion = bytes.clone();
    wrongVersion[0] = 7;
    assertThatThrownBy(() -> EntryCodec.decodeEntry(wrongVersion))
        .hasMessageContaining("unknown entry version 7");
    assertThatThrownBy(() -> EntryCodec.decodeEntry(new byte[0]))
        .isInstanceOf(EntryCodec.MalformedException.class);
  }

  @Test
  void resultsRoundTrip() throws Exception {
    List<OpResult> results =
        List.of(
            OpResult.ok(),
            OpResult.ok(pin(3)),
            OpResult.notFound(),
            OpResult.skipped(),
            OpResult.invalid("bad ✗"));

    assertThat(EntryCodec.decodeResults(EntryCodec.encodeResults(results)))
        .containsExactlyElementsOf(results);
  }
}
