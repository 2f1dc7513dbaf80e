package io.pincluster.core.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IdentityTest {
  // libp2p peer-id specification, "Test vectors": Ed25519 keys (hex of the protobuf encodings).
  static final String SPEC_PRIVATE =
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
  static final String SPEC_PUBLIC =
      "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

  // A real js-ipfs 0.66.1 repository: Identity.PrivKey and Identity.PeerID of its config, and the
  // PublicKey its `id` call reported.
  static final String NODE_PRIVATE =
      "CAESQMiWargp5P7zot7iN0aTcPc7jjpG1oWKSeyvimqzQuuYgAme3Q19fwYun4V7jlntwHqxjNCeaz3/diTchWkrd5I=";
  static final String NODE_PUBLIC = "CAESIIAJnt0NfX8GLp+Fe45Z7cB6sYzQnms9/3Yk3IVpK3eS";
  static final String NODE_ID = "12D3KooWJSArz2YDosPRUiw84wC1pqEADaAfHAroTRnyH7hi6hYM";

  @Test
  void specVectorDerivesTheSpecPublicKeyFromTheSeed() {
    Identity identity = Identity.fromPrivateKeyProtobuf(HexFormat.of().parseHex(SPEC_PRIVATE));
    assertThat(HexFormat.of().formatHex(identity.publicKeyProtobuf())).isEqualTo(SPEC_PUBLIC);
    assertThat(HexFormat.of().formatHex(identity.privateKeyProtobuf())).isEqualTo(SPEC_PRIVATE);
    // identity multihash (0x00, length 36) of the public key protobuf, in base58btc
    assertThat(identity.id().toString()).startsWith("12D3KooW");
    assertThat(identity.id().multihash().bytes())
        .isEqualTo(HexFormat.of().parseHex("0024" + SPEC_PUBLIC));
  }

  @Test
  void aRealNodesKeyGivesItsPeerId() {
    Identity identity = Identity.fromPrivateKeyBase64(NODE_PRIVATE);
    assertThat(identity.id().toString()).isEqualTo(NODE_ID);
    assertThat(Base64.getEncoder().encodeToString(identity.publicKeyProtobuf()))
        .isEqualTo(NODE_PUBLIC);
    assertThat(identity.privateKeyBase64()).isEqualTo(NODE_PRIVATE);
  }

  @Test
  void generatedIdentitiesRoundTripThroughTheirPrivateKey() {
    Identity a = Identity.generate();
    Identity b = Identity.fromPrivateKeyBase64(a.privateKeyBase64());
    assertThat(b.id()).isEqualTo(a.id());
    assertThat(a.id().toString()).startsWith("12D3KooW");
    assertThat(PeerId.parse(a.id().toString())).isEqualTo(a.id());
    assertThat(a.toString()).doesNotContain(a.privateKeyBase64());
  }

  @Test
  void inconsistentOrMalformedKeysAreRefused() {
    byte[] bad = HexFormat.of().parseHex(SPEC_PRIVATE);
    bad[40] ^= 1;
    assertThatThrownBy(() -> Identity.fromPrivateKeyProtobuf(bad))
        .hasMessageContaining("inconsistent");
    assertThatThrownBy(() -> Identity.fromPrivateKeyBase64("%%%"))
        .hasMessageContaining("not base64");
    assertThatThrownBy(() -> Identity.fromPrivateKeyBase64("CAES"))
        .hasMessageContaining("not a libp2p Ed25519 private key");
  }

  @Test
  void peerIdsParseFromBase58AndFromLibp2pKeyCids() {
    PeerId id = PeerId.parse(NODE_ID);
    assertThat(id.toString()).isEqualTo(NODE_ID);
    String asCid =
        io.pincluster.core.cid.Cid.v1(io.pincluster.core.cid.Cid.LIBP2P_KEY, id.multihash())
            .toString();
    assertThat(PeerId.parse(asCid)).isEqualTo(id);
    assertThatThrownBy(() -> PeerId.parse("12D3KooWnope"))
        .isInstanceOf(InvalidPeerIdException.class)
        .hasMessageStartingWith("invalid peer ID \"12D3KooWnope\"");
    assertThatThrownBy(() -> PeerId.parse("")).hasMessage("invalid peer ID: empty string");
  }

  @Test
  void multiaddressesParseAndRefuseNonsense() {
    Multiaddr m = Multiaddr.parse("/ip4/127.0.0.1/tcp/9096/p2p/" + NODE_ID);
    assertThat(m.host()).contains("127.0.0.1");
    assertThat(m.tcpPort()).contains(9096);
    assertThat(m.peerId()).contains(PeerId.parse(NODE_ID));
    assertThat(m.withoutPeerId().toString()).isEqualTo("/ip4/127.0.0.1/tcp/9096");
    assertThat(Multiaddr.parse("/ipfs/" + NODE_ID).toString()).isEqualTo("/p2p/" + NODE_ID);
    assertThat(Multiaddr.parse("/dns4/example.com/tcp/443/https").hostPort())
        .isEqualTo("example.com:443");
    assertThatThrownBy(() -> Multiaddr.parse("127.0.0.1:9096"))
        .hasMessageContaining("start with '/'");
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/127.0.0.1/tcp/99999"))
        .hasMessageContaining("\"99999\" is not a port number");
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/localhost/tcp/1"))
        .hasMessageContaining("not an IPv4 address");
    assertThatThrownBy(() -> Multiaddr.parse("/foo/1"))
        .hasMessageContaining("unknown protocol \"foo\"");
    assertThatThrownBy(() -> Multiaddr.parse("/ip4/1.2.3.4/tcp"))
        .hasMessageContaining("needs a value");
  }
}
