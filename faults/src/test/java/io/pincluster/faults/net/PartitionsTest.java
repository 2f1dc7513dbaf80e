package io.pincluster.faults.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Partitions} over a {@link LoopbackNetwork} of three echo servers posing as peers. */
class PartitionsTest {
  @TempDir Path dir;
  private final EchoServer[] peers = new EchoServer[3];
  private LoopbackNetwork net;

  @BeforeEach
  void start() throws IOException {
    assumeThat(LoopbackNetwork.unsupportedReason()).isEmpty();
    for (int i = 0; i < 3; i++) {
      peers[i] = new EchoServer();
    }
    net =
        LoopbackNetwork.start(
            List.of(
                new LoopbackNetwork.Peer("p1", List.of(peers[0].port())),
                new LoopbackNetwork.Peer("p2", List.of(peers[1].port())),
                new LoopbackNetwork.Peer("p3", List.of(peers[2].port()))),
            dir,
            FaultProxyConfig.DEFAULT);
  }

  @AfterEach
  void stop() throws IOException {
    if (net != null) {
      net.close();
    }
    for (EchoServer e : peers) {
      if (e != null) {
        e.close();
      }
    }
  }

  @Test
  void eachLinkHasItsOwnAddressThatReachesTheDestinationPeer() throws IOException {
    assertThat(reaches(0, 1)).isTrue();
    assertThat(reaches(2, 0)).isTrue();
    assertThat(peers[1].accepted()).isEqualTo(1);
    assertThat(peers[0].accepted()).isEqualTo(1);
    assertThat(net.egress("p1").forwardedConnections("p2")).isEqualTo(1);
    assertThat(net.egress("p3").forwardedConnections("p1")).isEqualTo(1);
  }

  @Test
  void eachPeersHostsFileMapsItselfToLoopbackAndTheOthersToItsLinks() throws IOException {
    String hosts = Files.readString(dir.resolve("p2.hosts"));
    assertThat(hosts)
        .contains("127.0.0.1 localhost p2.pincluster.test")
        .contains("127.77.2.1 p1.pincluster.test")
        .contains("127.77.2.3 p3.pincluster.test");
    assertThat(net.javaOptions("p2")).isEqualTo("-Djdk.net.hosts.file=" + dir.resolve("p2.hosts"));
    assertThat(net.hostname("p3")).isEqualTo("p3.pincluster.test");
  }

  @Test
  void twoAgainstOneBreaksOnlyTheLinksAcrossAndHealAllRestoresThem() throws IOException {
    net.partitions().apply("p1,p2|p3", Partitions.Mode.CUT);

    assertThat(reaches(0, 1)).isTrue();
    assertThat(reaches(1, 0)).isTrue();
    assertThat(reaches(0, 2)).isFalse();
    assertThat(reaches(2, 0)).isFalse();
    assertThat(reaches(1, 2)).isFalse();
    assertThat(reaches(2, 1)).isFalse();

    net.partitions().healAll();

    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        if (i != j) {
          assertThat(reaches(i, j)).as("p%d -> p%d", i + 1, j + 1).isTrue();
        }
      }
    }
  }

  @Test
  void isolatingAPeerCutsBothDirectionsOfItsLinksOnly() {
    net.partitions().isolate("p2", Partitions.Mode.BLACKHOLE);

    assertThat(net.egress("p2").state("p1")).isEqualTo(LinkState.BLACKHOLE);
    assertThat(net.egress("p2").state("p3")).isEqualTo(LinkState.BLACKHOLE);
    assertThat(net.egress("p1").state("p2")).isEqualTo(LinkState.BLACKHOLE);
    assertThat(net.egress("p3").state("p2")).isEqualTo(LinkState.BLACKHOLE);
    assertThat(net.egress("p1").state("p3")).isEqualTo(LinkState.PASS);
    assertThat(net.egress("p3").state("p1")).isEqualTo(LinkState.PASS);
  }

  @Test
  void layoutsAreParsedAndBadOnesAreNamed() {
    assertThat(Partitions.parse("a, b | c")).containsExactly(Set.of("a", "b"), Set.of("c"));
    assertThat(Partitions.parse("a|b|c")).hasSize(3);
    assertThatThrownBy(() -> Partitions.parse("a||b")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Partitions.parse("a,b|a")).hasMessageContaining("names a twice");
    assertThatThrownBy(() -> net.partitions().apply("p1|p2", Partitions.Mode.CUT))
        .hasMessageContaining("[p3] are on no side");
    assertThatThrownBy(() -> net.partitions().apply("p1|p2,p3,p9", Partitions.Mode.CUT))
        .hasMessageContaining("unknown peer \"p9\"");
    assertThatThrownBy(() -> net.partitions().isolate("p7", Partitions.Mode.CUT))
        .hasMessageContaining("unknown peer \"p7\"");
  }

  @Test
  void badPeerNamesAreRefused() {
    assertThatThrownBy(() -> new LoopbackNetwork.Peer("Peer_1", List.of(1)))
        .hasMessageContaining("\"Peer_1\" must be a lower-case DNS label");
    assertThatThrownBy(() -> new LoopbackNetwork.Peer("p", List.of(70000)))
        .hasMessageContaining("port 70000 of p");
  }

  /** Whether a connection over the link from peer {@code from} to {@code to} gets an echo. */
  private boolean reaches(int from, int to) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(LoopbackNetwork.linkAddress(from, to), peers[to].port()), 2000);
      s.getOutputStream().write('x');
      s.setSoTimeout(2000);
      return s.getInputStream().read() == 'x';
    } catch (IOException e) {
      return false; // reset
    }
  }
}
