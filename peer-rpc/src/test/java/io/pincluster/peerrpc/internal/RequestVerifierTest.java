package io.pincluster.peerrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pincluster.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RequestVerifierTest {
  private static final byte[] SECRET = "cluster-secret".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final RequestSigner signer = new RequestSigner(SECRET, clock);
  private final RequestVerifier verifier = new RequestVerifier(SECRET, clock, 3);

  private void verify(String method, String path, RequestSigner.SignedHeaders h, byte[] body) {
    verifier.verify(method, path, h.timestamp(), h.nonce(), h.signature(), body);
  }

  private static void refused(ThrowingCallable call, int status, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(RequestVerifier.Rejected.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((RequestVerifier.Rejected) e).status()).isEqualTo(status));
  }

  @Test
  void signedRequestIsAccepted() {
    RequestSigner.SignedHeaders h = signer.sign("GET", "/rpc/v1/id?x=1", BODY);
    assertThat(h.nonce()).matches("[0-9a-f]{32}");
    assertThat(h.signature()).matches("[0-9a-f]{64}");
    assertThat(h.timestamp()).isEqualTo(Long.toString(clock.millis()));
    assertThatCode(() -> verify("GET", "/rpc/v1/id?x=1", h, BODY)).doesNotThrowAnyException();
    assertThat(verifier.rememberedNonces()).isEqualTo(1);
  }

  @Test
  void requestSignedWithAnotherSecretIsRefused() {
    RequestSigner other = new RequestSigner("other".getBytes(StandardCharsets.UTF_8), clock);
    RequestSigner.SignedHeaders h = other.sign("GET", "/rpc/v1/id", BODY);
    refused(() -> verify("GET", "/rpc/v1/id", h, BODY), 401, "bad signature");
    assertThat(verifier.rememberedNonces()).isZero();
  }

  @Test
  void anyChangeToMethodPathQueryOrBodyBreaksTheSignature() {
    RequestSigner.SignedHeaders h = signer.sign("GET", "/rpc/v1/status?a=1", BODY);
    refused(() -> verify("POST", "/rpc/v1/status?a=1", h, BODY), 401, "bad signature");
    refused(() -> verify("GET", "/rpc/v1/status?a=2", h, BODY), 401, "bad signature");
    refused(() -> verify("GET", "/rpc/v1/status?a=1", h, new byte[0]), 401, "bad signature");
    refused(
        () ->
            verifier.verify(
                "GET",
                "/rpc/v1/status?a=1",
                Long.toString(clock.millis() + 1),
                h.nonce(),
                h.signature(),
                BODY),
        401,
        "bad signature");
  }

  @Test
  void missingOrMalformedHeadersAreRefused() {
    RequestSigner.SignedHeaders h = signer.sign("GET", "/p", BODY);
    refused(
        () -> verifier.verify("GET", "/p", null, h.nonce(), h.signature(), BODY), 401, "missing");
    refused(
        () -> verifier.verify("GET", "/p", h.timestamp(), h.nonce(), null, BODY), 401, "missing");
    refused(
        () -> verifier.verify("GET", "/p", "soon", h.nonce(), h.signature(), BODY),
        401,
        "malformed timestamp");
    refused(
        () -> verifier.verify("GET", "/p", h.timestamp(), "xyz", h.signature(), BODY),
        401,
        "malformed nonce");
    refused(
        () -> verifier.verify("GET", "/p", h.timestamp(), h.nonce(), "zz", BODY),
        401,
        "malformed signature");
  }

  @Test
  void timestampMoreThanThirtySecondsOffIsRefused() {
    RequestSigner.SignedHeaders old = signer.sign("GET", "/p", BODY);
    clock.advance(Duration.ofSeconds(31));
    refused(() -> verify("GET", "/p", old, BODY), 401, "31s away from this peer's clock");

    MutableClock ahead = new MutableClock(clock.instant().plusSeconds(31));
    RequestSigner.SignedHeaders future = new RequestSigner(SECRET, ahead).sign("GET", "/p", BODY);
    refused(() -> verify("GET", "/p", future, BODY), 401, "away from this peer's clock");

    RequestSigner.SignedHeaders edge = signer.sign("GET", "/p", BODY);
    clock.advance(Duration.ofSeconds(30));
    assertThatCode(() -> verify("GET", "/p", edge, BODY)).doesNotThrowAnyException();
  }

  @Test
  void replayedNonceIsRefusedForAsLongAsItsTimestampIsFresh() {
    RequestSigner.SignedHeaders h = signer.sign("GET", "/p", BODY);
    verify("GET", "/p", h, BODY);
    refused(() -> verify("GET", "/p", h, BODY), 401, "replayed");
    clock.advance(Duration.ofSeconds(30));
    refused(() -> verify("GET", "/p", h, BODY), 401, "replayed");
    clock.advance(Duration.ofSeconds(31));
    // The nonce is forgotten now, but the timestamp has become stale.
    refused(() -> verify("GET", "/p", h, BODY), 401, "away from this peer's clock");
    assertThat(verifier.rememberedNonces()).isZero();
  }

  @Test
  void fullNonceTableRefusesInsteadOfForgetting() {
    for (int i = 0; i < 3; i++) {
      verify("GET", "/p", signer.sign("GET", "/p", BODY), BODY);
    }
    RequestSigner.SignedHeaders fourth = signer.sign("GET", "/p", BODY);
    refused(() -> verify("GET", "/p", fourth, BODY), 503, "too many requests");
    clock.advance(Duration.ofSeconds(61));
    RequestSigner.SignedHeaders later = signer.sign("GET", "/p", BODY);
    assertThatCode(() -> verify("GET", "/p", later, BODY)).doesNotThrowAnyException();
    assertThat(verifier.rememberedNonces()).isEqualTo(1);
  }

  @Test
  void emptySecretIsRejected() {
    assertThatThrownBy(() -> new RequestVerifier(new byte[0], clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret");
  }
}
