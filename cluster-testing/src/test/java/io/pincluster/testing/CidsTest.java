package io.pincluster.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.pincluster.core.cid.Cid;
import org.junit.jupiter.api.Test;

class CidsTest {
  @Test
  void fixedCidsAreValidAndDistinct() {
    assertThat(Cid.parse(Cids.V0_1.toString())).isEqualTo(Cids.V0_1);
    assertThat(Cids.V0_1.version()).isZero();
    assertThat(Cids.V1_1.toString()).startsWith("bafkrei");
    assertThat(Cids.EMPTY_DIR_V1.toString())
        .isEqualTo("bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354");
    assertThat(java.util.Set.of(Cids.V0_1, Cids.V0_2, Cids.V0_3, Cids.V1_1, Cids.V1_2, Cids.V1_3))
        .hasSize(6);
  }

  @Test
  void randomCidsAreUniqueRawV1() {
    assertThat(Cids.random(100)).doesNotHaveDuplicates().allMatch(c -> c.codec() == Cid.RAW);
  }
}
