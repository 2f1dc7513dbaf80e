package io.pincluster.testing.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessClusterConfigTest {
  @Test
  void aSampleIsReadWithOrWithoutLabelsAndTimestamps() {
    String gauge = MetricsLeaderProbe.GAUGE;
    assertThat(PrometheusText.value("# TYPE x gauge\npincluster_raft_leader 1\n", gauge))
        .hasValue(1.0);
    assertThat(PrometheusText.value("pincluster_raft_leader 1.0 1700000000\n", gauge))
        .hasValue(1.0);
    assertThat(PrometheusText.value("pincluster_raft_leader{a=\"b} c\"} 1\n", gauge)).hasValue(1.0);
    assertThat(PrometheusText.value("pincluster_raft_term 7\n", "pincluster_raft_term"))
        .hasValue(7.0);
    assertThat(PrometheusText.value("pincluster_raft_leader 0\n", gauge)).hasValue(0.0);
    assertThat(PrometheusText.value("x_seconds +Inf\n", "x_seconds"))
        .hasValue(Double.POSITIVE_INFINITY);
    assertThat(PrometheusText.value("pincluster_raft_leader_x 1\n", gauge)).isEmpty();
    assertThat(PrometheusText.value("pincluster_raft_leader{a=\"b\" 1\n", gauge)).isEmpty();
    assertThat(PrometheusText.value("pincluster_raft_leader one\n", gauge)).isEmpty();
    assertThat(PrometheusText.value("", gauge)).isEmpty();
  }

  @Test
  void aMissingDistributionIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> ProcessClusterConfig.of(dir, dir.resolve("w"), "", 3))
        .hasMessageContaining("no cluster-service in " + dir + "/bin");
  }

  @Test
  void badSizesAndEnvironmentKeysAreRefused(@TempDir Path dir) {
    ProcessClusterConfig ok =
        new ProcessClusterConfig(dir, dir, "", 3, null, Map.of(), null, null, null, null);

    assertThat(ok.withEnv(Map.of("CLUSTER_RAFT_ELECTIONTIMEOUT", "2s")).env())
        .containsEntry("CLUSTER_RAFT_ELECTIONTIMEOUT", "2s");
    assertThat(ok.leaderProbe()).isInstanceOf(MetricsLeaderProbe.class);
    assertThat(ok.ports()).isEmpty();
    assertThatThrownBy(
            () -> new ProcessClusterConfig(dir, dir, "", 0, null, null, null, null, null, null))
        .hasMessageContaining("peers must be 1 to 9, not 0");
    assertThatThrownBy(() -> ok.withEnv(Map.of("JAVA_HOME", "/x")))
        .hasMessageContaining(
            "env key JAVA_HOME is neither a CLUSTER_* nor a PINCLUSTER_* variable");
  }

  @Test
  void portsGivenInAdvanceNameEveryPeerOnceAndNoPortTwice(@TempDir Path dir) {
    ProcessClusterConfig ok =
        new ProcessClusterConfig(dir, dir, "", 2, null, null, null, null, null, null);
    PeerPorts a = new PeerPorts(1001, 1002, 1003, 1004, 1005, 1006);
    PeerPorts b = new PeerPorts(2001, 2002, 2003, 2004, 2005, 2006);
    PeerPorts clash = new PeerPorts(2001, 3002, 3003, 3004, 3005, 1003);

    assertThat(ok.withPorts(List.of(a, b)).ports()).containsExactly(a, b);
    assertThat(ok.withPorts(List.of(a, b)).withEnv(Map.of()).ports()).containsExactly(a, b);
    assertThatThrownBy(() -> ok.withPorts(List.of(a)))
        .hasMessageContaining("ports are given for 1 peers, but the cluster has 2");
    assertThatThrownBy(() -> ok.withPorts(List.of(a, clash)))
        .hasMessageContaining("port 1003 is given twice");
  }

  @Test
  void freePortsAreDistinct() {
    assertThat(PeerPorts.free().all()).doesNotHaveDuplicates().hasSize(6);
    assertThat(PeerPorts.free(3).stream().flatMap(p -> p.all().stream()))
        .doesNotHaveDuplicates()
        .hasSize(18);
  }

  @Test
  void anAnnouncedAddressWithAPeerIdIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
    PeerCustomizer withId =
        new PeerCustomizer() {
          @Override
          public Launch launch(int peer, ProcessCluster cluster) {
            return Launch.NONE;
          }

          @Override
          public Optional<String> announce(int peer, ProcessCluster cluster) {
            return Optional.of("/dns4/x.test/tcp/" + cluster.ports(peer).raft() + "/p2p/Qm");
          }
        };
    ProcessClusterConfig config =
        new ProcessClusterConfig(
            dir, dir.resolve("w"), "", 1, null, null, withId, null, null, null);

    try (ProcessCluster cluster = new ProcessCluster(config)) {
      assertThatThrownBy(() -> cluster.start(Duration.ofSeconds(1)))
          .hasMessageContaining("the announced address of peer1 must be a multiaddr without /p2p")
          .hasMessageContaining("/dns4/x.test/tcp/");
      assertThat(ProcessCluster.nameOf(0)).isEqualTo(cluster.peerName(0));
    }
  }
}
