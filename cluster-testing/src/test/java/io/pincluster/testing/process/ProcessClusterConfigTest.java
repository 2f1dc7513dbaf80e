package io.pincluster.testing.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessClusterConfigTest {
  @Test
  void theLeaderGaugeIsReadWithOrWithoutLabelsAndTimestamps() {
    assertThat(MetricsLeaderProbe.gaugeIsOne("# TYPE x gauge\npincluster_raft_leader 1\n"))
        .isTrue();
    assertThat(MetricsLeaderProbe.gaugeIsOne("pincluster_raft_leader 1.0 1700000000\n")).isTrue();
    assertThat(MetricsLeaderProbe.gaugeIsOne("pincluster_raft_leader{a=\"b c\"} 1\n")).isTrue();
    assertThat(MetricsLeaderProbe.gaugeIsOne("pincluster_raft_leader 0\n")).isFalse();
    assertThat(MetricsLeaderProbe.gaugeIsOne("pincluster_raft_leader_x 1\n")).isFalse();
    assertThat(MetricsLeaderProbe.gaugeIsOne("")).isFalse();
  }

  @Test
  void aMissingDistributionIsNamed(@TempDir Path dir) {
    assertThatThrownBy(() -> ProcessClusterConfig.of(dir, dir.resolve("w"), "", 3))
        .hasMessageContaining("no cluster-service in " + dir + "/bin");
  }

  @Test
  void badSizesAndEnvironmentKeysAreRefused(@TempDir Path dir) {
    ProcessClusterConfig ok = new ProcessClusterConfig(dir, dir, "", 3, null, Map.of(), null, null);

    assertThat(ok.withEnv(Map.of("CLUSTER_RAFT_ELECTIONTIMEOUT", "2s")).env())
        .containsEntry("CLUSTER_RAFT_ELECTIONTIMEOUT", "2s");
    assertThat(ok.leaderProbe()).isInstanceOf(MetricsLeaderProbe.class);
    assertThatThrownBy(() -> new ProcessClusterConfig(dir, dir, "", 0, null, null, null, null))
        .hasMessageContaining("peers must be 1 to 9, not 0");
    assertThatThrownBy(() -> ok.withEnv(Map.of("JAVA_HOME", "/x")))
        .hasMessageContaining(
            "env key JAVA_HOME is neither a CLUSTER_* nor a PINCLUSTER_* variable");
  }
}
