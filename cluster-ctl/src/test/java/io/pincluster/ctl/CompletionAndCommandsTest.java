package io.pincluster.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** generate-completion and the hidden commands listing. */
class CompletionAndCommandsTest extends CtlHarness {
  @Test
  void generateCompletionPrintsABashScriptCoveringEveryCommand() {
    Result r = raw("generate-completion");

    assertThat(r.code()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_cluster-ctl")
        .contains("function _picocli_cluster-ctl_pin_update()")
        .contains("function _picocli_cluster-ctl_add()")
        .contains("--wrap-with-directory")
        .contains("--wait-limit");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void commandsListsTheCommandTreeAndIsHidden() {
    Result r = raw("commands");
    Result help = raw("--help");

    assertThat(r.code()).isZero();
    assertThat(r.out().lines())
        .contains(
            "cluster-ctl add",
            "cluster-ctl pin",
            "cluster-ctl pin update",
            "cluster-ctl peers rm",
            "cluster-ctl ipfs gc",
            "cluster-ctl generate-completion");
    assertThat(help.out()).contains("generate-completion").doesNotContain("commands  ");
  }
}
