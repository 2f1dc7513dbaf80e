package io.pincluster.state.rocksdb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.core.api.PinMode;
import io.pincluster.core.cid.Cid;
import io.pincluster.pintracker.KnownPin;
import io.pincluster.state.rocksdb.internal.TrackerCodec.Slot;
import io.pincluster.testing.Cids;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TrackerCodecTest {
  @Test
  void aPinRoundTripsWithItsStamp() {
    KnownPin pin = new KnownPin(Cids.random(), PinMode.DIRECT, true);
    for (long stamp : new long[] {0, 1, 127, 128, 300_000, Long.MAX_VALUE, -1}) {
      assertThat(TrackerCodec.decodePinned(TrackerCodec.encodePinned(pin, stamp)))
          .isEqualTo(new Slot(pin, stamp));
      assertThat(TrackerCodec.decodePinned(TrackerCodec.tombstone(stamp)))
          .isEqualTo(new Slot(null, stamp));
    }
  }

  @Test
  void aRecordOfTheFirstFormatReadsAsStampZero() {
    Cid cid = Cids.random();
    byte[] cidBytes = cid.toBytes();
    byte[] v1 = new byte[3 + cidBytes.length];
    v1[0] = 1;
    v1[1] = 1 | 2; // tracked, written during a rebuild
    v1[2] = 0; // recursive
    System.arraycopy(cidBytes, 0, v1, 3, cidBytes.length);
    assertThat(TrackerCodec.decodePinned(v1))
        .isEqualTo(new Slot(new KnownPin(cid, PinMode.RECURSIVE, true), 0));
    assertThat(TrackerCodec.decodePinned(new byte[] {1, 4 | 2})).isEqualTo(new Slot(null, 0));
    assertThat(TrackerCodec.modeOf(v1)).isEqualTo(PinMode.RECURSIVE);
    assertThat(TrackerCodec.isTombstone(v1)).isFalse();
  }

  @Test
  void modeAndStampReadWithoutTheCid() {
    byte[] raw =
        TrackerCodec.encodePinned(new KnownPin(Cids.random(), PinMode.DIRECT, false), 1L << 40);
    assertThat(TrackerCodec.stampOf(raw)).isEqualTo(1L << 40);
    assertThat(TrackerCodec.modeOf(raw)).isEqualTo(PinMode.DIRECT);
    assertThat(TrackerCodec.isTombstone(TrackerCodec.tombstone(3))).isTrue();
    assertThatThrownBy(() -> TrackerCodec.modeOf(TrackerCodec.tombstone(3)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTruncatedOrForeignRecordIsRefused() {
    byte[] full =
        TrackerCodec.encodePinned(new KnownPin(Cids.random(), PinMode.RECURSIVE, false), 300);
    assertThatThrownBy(() -> TrackerCodec.decodePinned(Arrays.copyOf(full, 3)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrackerCodec.decodePinned(new byte[] {9, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown tracker pin record format");
  }
}
