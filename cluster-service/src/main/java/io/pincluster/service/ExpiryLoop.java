package io.pincluster.service;

import io.pincluster.core.CloseableIterator;
import io.pincluster.core.Consensus;
import io.pincluster.core.PinNotFoundException;
import io.pincluster.core.api.Pin;
import io.pincluster.core.peer.PeerId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpins expired pins ({@code expire_at} in the past) cluster-wide. Only the Raft leader acts, so
 * each expiry is committed once; a new leader picks up on its next run. Streams the pinset (bounded
 * memory) and waits for each unpin before the next, so a mass expiry does not flood consensus.
 */
final class ExpiryLoop {
  private static final Logger log = LoggerFactory.getLogger(ExpiryLoop.class);
  private final PeerId self;
  private final Consensus consensus;
  private final InstantSource clock;

  ExpiryLoop(PeerId self, Consensus consensus, InstantSource clock) {
    this.self = self;
    this.consensus = consensus;
    this.clock = clock;
  }

  /** One pass; returns how many pins it unpinned. */
  int run() {
    if (!consensus.leader().map(self::equals).orElse(false)) {
      return 0;
    }
    Instant now = clock.instant();
    int n = 0;
    try (CloseableIterator<Pin> pins = consensus.state().list()) {
      while (pins.hasNext()) {
        Pin pin = pins.next();
        if (pin.expireAt().equals(Pin.ZERO_TIME) || pin.expireAt().isAfter(now)) {
          continue;
        }
        try {
          consensus.commitUnpin(pin.cid()).join();
          n++;
          log.info("unpinned {}: it expired at {}", pin.cid(), pin.expireAt());
        } catch (CompletionException e) {
          if (!(e.getCause() instanceof PinNotFoundException)) {
            log.warn("could not unpin expired {}: {}", pin.cid(), e.getCause().getMessage());
            return n;
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("expiry pass stopped: {}", e.getMessage());
    }
    return n;
  }
}
