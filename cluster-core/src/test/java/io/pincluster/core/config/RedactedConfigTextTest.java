package io.pincluster.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactedConfigTextTest {
  private static final String SECRET = "ab".repeat(32);

  @Test
  void sectionTextsNeverShowTheSecretOrTheCredentials() {
    ClusterSection cluster = ClusterSection.defaults("peer0", SECRET);
    assertThat(cluster.toString())
        .contains("peername=peer0", "secret=<redacted>")
        .doesNotContain(SECRET);
    RestApiSection d = RestApiSection.defaults();
    RestApiSection rest =
        new RestApiSection(
            d.httpListenMultiaddress(),
            d.sslCertFile(),
            d.sslKeyFile(),
            d.readTimeout(),
            d.readHeaderTimeout(),
            d.writeTimeout(),
            d.idleTimeout(),
            d.maxHeaderBytes(),
            Map.of("admin", "hunter2-password"),
            d.httpLogFile(),
            d.headers(),
            d.corsAllowedOrigins(),
            d.corsAllowedMethods(),
            d.corsAllowedHeaders(),
            d.corsExposedHeaders(),
            d.corsAllowCredentials(),
            d.corsMaxAge());
    assertThat(rest.toString())
        .contains("basicAuthCredentials=<redacted>")
        .doesNotContain("hunter2-password");
  }

  @Test
  void aMalformedSecretIsNotRepeatedInTheError() {
    assertThatThrownBy(() -> ClusterSection.defaults("peer0", "zz" + "ab".repeat(31)))
        .hasMessageContaining("secret is not hex")
        .hasMessageNotContaining("zz");
  }
}
