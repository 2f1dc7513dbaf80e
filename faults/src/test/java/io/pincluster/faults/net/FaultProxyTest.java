package io.pincluster.faults.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {
  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private EchoServer echo;
  private FaultProxy proxy;
  private InetSocketAddress entry;

  @BeforeEach
  void start() throws IOException {
    echo = new EchoServer();
    proxy = new FaultProxy("a", FaultProxyConfig.DEFAULT);
    entry = proxy.route("b", ANY_LOOPBACK_PORT, echo.address());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void aPassingLinkForwardsBothWaysAndCountsTheConnection() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "hello")).isEqualTo("hello");
      assertThat(proxy.openConnections("b")).isEqualTo(1);
    }
    assertThat(proxy.forwardedConnections("b")).isEqualTo(1);
    assertThat(echo.accepted()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections("b") == 0);
  }

  @Test
  void aCutResetsEstablishedConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
    try (Socket established = connect()) {
      assertThat(roundTrip(established, "before")).isEqualTo("before");

      proxy.cut("b");

      assertThat(proxy.state("b")).isEqualTo(LinkState.CUT);
      assertThat(isResetOrClosed(established)).isTrue();
      assertThat(isRefused(entry)).isTrue();
      assertThat(echo.accepted()).as("nothing reached the destination").isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections("b") == 0);
    }

    proxy.heal("b");

    try (Socket s = connect()) {
      assertThat(roundTrip(s, "after")).isEqualTo("after");
    }
    assertThat(echo.accepted()).isEqualTo(2);
  }

  @Test
  void aBlackholeHoldsBytesAndNewConnectionsUntilHealed() throws IOException {
    try (Socket established = connect()) {
      assertThat(roundTrip(established, "1")).isEqualTo("1");

      proxy.blackhole("b");
      established.getOutputStream().write('2');
      try (Socket held = connect()) {
        held.getOutputStream().write('3');

        assertThat(readsNothingFor(established, 300)).isTrue();
        assertThat(readsNothingFor(held, 300)).isTrue();
        assertThat(echo.accepted()).as("the held connection is not forwarded yet").isEqualTo(1);

        proxy.heal("b");

        assertThat(read(established, 1)).isEqualTo("2");
        assertThat(read(held, 1)).isEqualTo("3");
        assertThat(echo.accepted()).isEqualTo(2);
      }
    }
  }

  @Test
  void cuttingABlackholedLinkResetsTheConnectionsItHeld() throws IOException {
    try (Socket established = connect()) {
      assertThat(roundTrip(established, "1")).isEqualTo("1");
      proxy.blackhole("b");
      try (Socket held = connect()) {
        held.getOutputStream().write('2');
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections("b") == 2);

        proxy.cut("b");

        assertThat(isResetOrClosed(established)).isTrue();
        assertThat(isResetOrClosed(held)).isTrue();
        assertThat(echo.accepted()).isEqualTo(1);
      }
    }
  }

  @Test
  void aDelayHoldsEachChunkAtLeastThatLong() throws IOException {
    proxy.delay("b", Duration.ofMillis(200));
    try (Socket s = connect()) {
      long start = System.nanoTime();
      assertThat(roundTrip(s, "slow")).isEqualTo("slow");
      // there and back: two chunks, each held 200 ms
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }
  }

  @Test
  void connectionsOverTheLimitAreReset() throws IOException {
    try (FaultProxy small =
            new FaultProxy("a", new FaultProxyConfig(1, Duration.ofSeconds(1), 64));
        Socket first = new Socket()) {
      InetSocketAddress at = small.route("b", ANY_LOOPBACK_PORT, echo.address());
      first.connect(at, 2000);
      assertThat(roundTrip(first, "ok")).isEqualTo("ok");
      assertThat(isRefused(at)).isTrue();
      assertThat(small.connectionsOverLimit()).isEqualTo(1);
      assertThat(roundTrip(first, "still")).isEqualTo("still");
    }
  }

  @Test
  void itRefusesToForwardToOrListenOnAnythingButLoopback() {
    assertThatThrownBy(
            () -> proxy.route("c", ANY_LOOPBACK_PORT, new InetSocketAddress("192.0.2.1", 80)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback only")
        .hasMessageContaining("192.0.2.1");
    assertThatThrownBy(
            () ->
                proxy.route(
                    "c", ANY_LOOPBACK_PORT, InetSocketAddress.createUnresolved("localhost", 80)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a resolved loopback address");
    assertThatThrownBy(() -> proxy.route("c", new InetSocketAddress(0), echo.address()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listen address");
    assertThat(proxy.destinations()).containsExactly("b");
  }

  @Test
  void anUnknownLinkIsNamedInTheError() {
    assertThatThrownBy(() -> proxy.cut("zz"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no link to \"zz\"")
        .hasMessageContaining("[b]");
  }

  @Test
  void closeResetsConnectionsStopsListeningAndIsIdempotent() throws IOException {
    try (Socket s = connect()) {
      assertThat(roundTrip(s, "x")).isEqualTo("x");
      proxy.close();
      proxy.close();
      assertThat(isResetOrClosed(s)).isTrue();
    }
    assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
    assertThatThrownBy(() -> proxy.route("c", ANY_LOOPBACK_PORT, echo.address()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badConfigValuesAreNamed() {
    assertThatThrownBy(() -> new FaultProxyConfig(0, Duration.ofSeconds(1), 1))
        .hasMessageContaining("maxConnections (0)");
    assertThatThrownBy(() -> new FaultProxyConfig(1, Duration.ZERO, 1))
        .hasMessageContaining("connectTimeout (PT0S)");
    assertThatThrownBy(() -> new FaultProxyConfig(1, Duration.ofSeconds(1), 0))
        .hasMessageContaining("bufferBytes (0)");
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(entry, 2000);
    return s;
  }

  static String roundTrip(Socket s, String message) throws IOException {
    s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
    return read(s, message.length());
  }

  static String read(Socket s, int n) throws IOException {
    s.setSoTimeout(5000);
    InputStream in = s.getInputStream();
    byte[] buf = in.readNBytes(n);
    return new String(buf, StandardCharsets.UTF_8);
  }

  /** True when the socket is reset or closed by the other end within 5 s. */
  static boolean isResetOrClosed(Socket s) throws IOException {
    s.setSoTimeout(5000);
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // Connection reset
    }
  }

  /** True when a new connection to {@code at} is reset (while connecting or at its first read). */
  static boolean isRefused(InetSocketAddress at) throws IOException {
    try (Socket s = new Socket()) {
      try {
        s.connect(at, 2000);
      } catch (SocketException e) {
        return true; // reset during the handshake
      }
      return isResetOrClosed(s);
    }
  }

  /** True when nothing (not even an end of stream) arrives within {@code millis}. */
  static boolean readsNothingFor(Socket s, int millis) throws IOException {
    s.setSoTimeout(millis);
    try {
      s.getInputStream().read();
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    }
  }
}
