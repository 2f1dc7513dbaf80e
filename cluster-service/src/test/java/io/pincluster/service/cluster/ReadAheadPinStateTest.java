package io.pincluster.service.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.PinStateView;
import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.testing.Cids;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadAheadPinStateTest {
  private final ExecutorService readers =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "test-stream-reader"));

  @AfterEach
  void stop() {
    readers.shutdownNow();
  }

  /** A pinset of {@code pins} that records which thread listed it. */
  static final class Listed implements PinStateView {
    final List<Pin> pins;
    final AtomicReference<String> listedOn = new AtomicReference<>();

    Listed(List<Pin> pins) {
      this.pins = pins;
    }

    @Override
    public Optional<Pin> get(Cid cid) {
      return pins.stream().filter(p -> p.cid().equals(cid)).findFirst();
    }

    @Override
    public CloseableIterator<Pin> list() {
      CloseableIterator<Pin> all = CloseableIterator.of(pins);
      return new CloseableIterator<>() {
        @Override
        public boolean hasNext() {
          listedOn.set(Thread.currentThread().getName());
          return all.hasNext();
        }

        @Override
        public Pin next() {
          return all.next();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public CloseableIterator<Pin> listFrom(Cid startAfter) {
      return CloseableIterator.of(pins.subList(1, pins.size()));
    }

    @Override
    public long estimatedCount() {
      return pins.size();
    }

    @Override
    public void addListener(PinStateListener listener) {}
  }

  private static List<Pin> pins(int n) {
    List<Pin> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Pin.of(Cids.random(), PinOptions.DEFAULT));
    }
    return out;
  }

  private static List<Pin> drain(CloseableIterator<Pin> it) {
    List<Pin> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  void listIsReadOnAReaderThreadAndYieldsThePinsetInOrder() {
    Listed state = new Listed(pins(3000));
    ReadAheadPinState ahead = new ReadAheadPinState(state, readers);

    assertThat(drain(ahead.list())).containsExactlyElementsOf(state.pins);
    assertThat(state.listedOn.get()).isEqualTo("test-stream-reader");
  }

  @Test
  void listIsReadOnTheCallersThreadWhenNoReaderIsFree() {
    Listed state = new Listed(pins(10));
    ReadAheadPinState ahead =
        new ReadAheadPinState(
            state,
            r -> {
              throw new RejectedExecutionException("busy");
            });

    assertThat(drain(ahead.list())).containsExactlyElementsOf(state.pins);
    assertThat(state.listedOn.get()).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  void everyOtherReadIsTheWrappedViews() {
    Listed state = new Listed(pins(3));
    ReadAheadPinState ahead = new ReadAheadPinState(state, readers);

    assertThat(ahead.get(state.pins.get(1).cid())).contains(state.pins.get(1));
    assertThat(ahead.estimatedCount()).isEqualTo(3);
    assertThat(drain(ahead.listFrom(state.pins.get(0).cid())))
        .containsExactlyElementsOf(state.pins.subList(1, 3));
  }
}
