package io.pincluster.ctl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HostAddressTest {
  @Test
  void defaultMultiaddressIsPlainHttpOnLoopback() {
    assertThat(HostAddress.parse(HostAddress.DEFAULT, false))
        .isEqualTo(URI.create("http://127.0.0.1:9094"));
  }

  @Test
  void httpsFlagAppliesToMultiaddressesWithoutAScheme() {
    assertThat(HostAddress.parse("/ip4/10.0.0.1/tcp/9094", true))
        .isEqualTo(URI.create("https://10.0.0.1:9094"));
    assertThat(HostAddress.parse("/ip4/10.0.0.1/tcp/9094/http", true))
        .isEqualTo(URI.create("http://10.0.0.1:9094"));
  }

  @Test
  void multiaddressEndingInHttpsUsesTls() {
    assertThat(HostAddress.parse("/dns4/cluster.example.org/tcp/443/https", false))
        .isEqualTo(URI.create("https://cluster.example.org:443"));
  }

  @Test
  void ip6MultiaddressIsBracketed() {
    assertThat(HostAddress.parse("/ip6/::1/tcp/9094", false))
        .isEqualTo(URI.create("http://[::1]:9094"));
  }

  @Test
  void urlsKeepTheirSchemeAndPathPrefix() {
    assertThat(HostAddress.parse("http://localhost:9094", true))
        .isEqualTo(URI.create("http://localhost:9094"));
    assertThat(HostAddress.parse("https://proxy.example.org/cluster/", false))
        .isEqualTo(URI.create("https://proxy.example.org:443/cluster"));
  }

  @Test
  void libp2pAddressesAreRefusedWithTheRestAddressToUse() {
    assertThatThrownBy(
            () ->
                HostAddress.parse(
                    "/ip4/127.0.0.1/tcp/9096/p2p/12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X",
                    false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("libp2p addresses are not supported by pincluster")
        .hasMessageContaining("/ip4/127.0.0.1/tcp/9094");
    assertThatThrownBy(() -> HostAddress.parse("/ip4/127.0.0.1/tcp/9096/ipfs/QmFoo", false))
        .hasMessageContaining("libp2p");
  }

  @Test
  void otherUnusableAddressesAreRefusedWithTheirReason() {
    assertThatThrownBy(() -> HostAddress.parse("/unix/tmp/api.sock", false))
        .hasMessageContaining("unix sockets are not supported");
    assertThatThrownBy(() -> HostAddress.parse("/ip4/127.0.0.1/udp/9094", false))
        .hasMessageContaining("has no /tcp/ port");
    assertThatThrownBy(() -> HostAddress.parse("/ip4/127.0.0.1", false))
        .hasMessageContaining("has no /tcp/ port");
    assertThatThrownBy(() -> HostAddress.parse("localhost:9094", false))
        .hasMessageContaining("is neither a URL");
    assertThatThrownBy(() -> HostAddress.parse("/ip4/1.2.3.4/tcp/1,/ip4/1.2.3.5/tcp/1", false))
        .hasMessageContaining("several hosts are not supported");
    assertThatThrownBy(() -> HostAddress.parse("/ip4/1.2.3/tcp/9094", false))
        .hasMessageContaining("is not an IPv4 address");
    assertThatThrownBy(() -> HostAddress.parse("http://user:pw@host:1", false))
        .hasMessageContaining("--basic-auth");
  }

  @Test
  void aCommaSeparatedListGivesEveryHostInOrder() {
    assertThat(
            HostAddress.parseList(
                "/ip4/10.0.0.1/tcp/9094, https://b.example.org:9443/api ,/dns4/c/tcp/9094", true))
        .containsExactly(
            URI.create("https://10.0.0.1:9094"),
            URI.create("https://b.example.org:9443/api"),
            URI.create("https://c:9094"));
    assertThat(HostAddress.parseList(HostAddress.DEFAULT, false))
        .containsExactly(URI.create("http://127.0.0.1:9094"));
  }

  @Test
  void badListsNameTheProblem() {
    assertThatThrownBy(() -> HostAddress.parseList("/ip4/1.2.3.4/tcp/1,,/ip4/1.2.3.5/tcp/1", false))
        .hasMessageContaining("has an empty address");
    assertThatThrownBy(() -> HostAddress.parseList("/ip4/1.2.3.4/tcp/1,/ip4/1.2.3.4/tcp/1", false))
        .hasMessageContaining("lists /ip4/1.2.3.4/tcp/1 twice");
    assertThatThrownBy(() -> HostAddress.parseList("/ip4/1.2.3.4/tcp/1,localhost", false))
        .hasMessageContaining("\"localhost\" is neither a URL");
  }
}
