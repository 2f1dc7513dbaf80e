package io.pincluster.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expected CIDs and sizes were computed with js-ipfs 0.66's importer (same as Kubo's). */
class UnixFsBuilderTest {
  private static byte[] data(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) ((i * 7 + seed * 13 + (i >> 8)) & 0xff);
    }
    return b;
  }

  private static Multipart.Part file(String path, byte[] content) {
    return new Multipart.Part(path, "application/octet-stream", content);
  }

  private static Multipart.Part file(String path, String text) {
    return file(path, text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> add(Map<String, String> params, Multipart.Part... parts) {
    UnixFsBuilder.Result r =
        UnixFsBuilder.build(List.of(parts), UnixFsBuilder.Options.fromParams(params::get));
    List<String> out = new ArrayList<>();
    r.events().stream()
        .filter(e -> e.cid() != null)
        .forEach(e -> out.add(e.name() + "=" + e.cid() + ":" + e.size()));
    return out;
  }

  @Test
  void smallAndEmptyFilesGetKubosCids() {
    assertThat(add(Map.of(), file("hello.txt", "hello\n")))
        .containsExactly("hello.txt=QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN:14");
    assertThat(add(Map.of(), file("e", new byte[0])))
        .containsExactly("e=QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH:6");
  }

  @Test
  void chunkedFilesBuildTheBalancedTreeInEveryCidVersion() {
    byte[] big = data(600_000, 7);
    assertThat(add(Map.of(), file("b", big)))
        .containsExactly("b=QmZV5vbUS85VX7qGb6EdcjYKFZQXZZoLNwLvrHGuavHAbG:600194");
    assertThat(add(Map.of("cid-version", "1"), file("b", big)))
        .containsExactly("b=bafybeiddwogvnlkfon4ifanujsfbn2wsuiyzq7zcn3abo4y4je5u3mkgv4:600158");
    assertThat(add(Map.of("cid-version", "1", "raw-leaves", "false"), file("b", big)))
        .containsExactly("b=bafybeih5iuwy2pyutx3qjfh72wpqplnazk7uofrbh3ojqpgby4ohsq4laq:600200");
    // 200 chunks: more than 174 links, so two levels of parents
    assertThat(add(Map.of("chunker", "size-1000"), file("c", data(200_000, 3))))
        .containsExactly("c=QmZq2E9tUwBEqywfQQLubjWuB4ZC9oKPhzaFrBoAHKxzxz:211521");
  }

  @Test
  void directoriesComeAfterTheirFilesDeepestFirst() {
    assertThat(
            add(
                Map.of(),
                new Multipart.Part("d", Multipart.DIRECTORY, new byte[0]),
                file("d/a.txt", "A"),
                new Multipart.Part("d/sub", Multipart.DIRECTORY, new byte[0]),
                file("d/sub/b.txt", "B"),
                file("d/z", "Z")))
        .containsExactly(
            "d/a.txt=QmRy2a1t6YSCiqXbkUQ1xQtXUQzX4mXmdzjLGey6884Uhb:9",
            "d/sub/b.txt=QmRTgroCjkxdw1bCFMb3r1Yq9wy6Rddhdkc2UFFuTBEAFa:9",
            "d/z=QmVYqz5tKDzJ1SdqKysJxhKruqCFRyG2NfgDE5jWifCmMd:9",
            "d/sub=QmPeYfwNbeL2vJLPsATZYAvniTx9zp3XyvBq946ZETufMH:60",
            "d=QmS6k6Ya7FqcvbeRAo5LTXt1Yi1XAQhcGBsEQuCMis2cbA:217");
  }

  @Test
  void wrapWithDirectoryAddsAnUnnamedRootLast() {
    assertThat(add(Map.of("wrap-with-directory", "true"), file("x.txt", "X"), file("y.txt", "Y")))
        .containsExactly(
            "x.txt=QmP771rLJi9397hvqNhEwYDcmMfixAJmY1Bm6VGyi3zNZe:9",
            "y.txt=Qmdc2d3XU7agbwsNWPsdgjHaxujf4A1ERiCXehnRuaKrSj:9",
            "=QmRwhduw4GuyARJgjEPNhaeCVPjJexykiq9oNLkEkX3ZAn:116");
  }

  @Test
  void progressReportsBytesPerChunkAndBadOptionsFailLikeKubo() {
    Map<String, String> params = new HashMap<>();
    params.put("progress", "true");
    params.put("chunker", "size-4");
    UnixFsBuilder.Result r =
        UnixFsBuilder.build(
            List.of(file("f", "0123456789")), UnixFsBuilder.Options.fromParams(params::get));
    assertThat(r.events().stream().filter(e -> e.cid() == null).map(UnixFsBuilder.Event::bytes))
        .containsExactly(4L, 8L, 10L);
    assertThatThrownBy(
            () -> UnixFsBuilder.Options.fromParams(Map.of("hash", "md5", "cid-version", "0")::get))
        .hasMessageContaining("CIDv0 only supports sha2-256");
    assertThatThrownBy(
            () -> UnixFsBuilder.build(List.of(), UnixFsBuilder.Options.fromParams(k -> null)))
        .isInstanceOf(KuboError.class);
  }
}
