package io.pincluster.core.cid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Vectors taken from a real IPFS node (js-ipfs 0.66.1): `add` of the 16 bytes "hello pincluster"
 * with the options named in each test.
 */
class CidTest {
  // add (CIDv0, dag-pb)
  static final String V0 = "QmYA5KD9VvUnGLXCP3JenUFuSwWwQ5MXyxrAyynjzUJxC1";
  // add?cid-version=1&raw-leaves=false&cid-base=base32 (the same dag-pb node as V0)
  static final String V1_DAGPB_BASE32 =
      "bafybeier35gtkellfp5yt46r2thxfttvxrgohp4hh5t5jhjv33cmekzggi";
  // add?cid-version=1&raw-leaves=false (js-ipfs prints base58btc)
  static final String V1_DAGPB_BASE58 = "zdj7WfFKgeDMPxP93q87nGGer6U59iP7cmfrHFhenBQousrMw";
  // add?cid-version=1 (raw leaf) in base32, base58btc, base36 and base16
  static final String RAW_BASE32 = "bafkreibbsoryljp7t4ya5yludxicaj3d3i3oedexmubolznkm6urmmtyv4";
  static final String RAW_BASE58 = "zb2rhYuMDhUB7kkxCQ4XWiFjzwWs8xFjkK6jiwTYJCtAQwuf4";
  static final String RAW_BASE36 = "k2cwue9hj4lr6m689dpcgquicllx78qkim88um1pnsgpuf4rxrfes9f3";
  static final String RAW_BASE16 =
      "f015512202193a385a5ff9f300ee1741dd0202763da36e20c976502e5e5aa67a9163278af";

  @Test
  void cidV0RoundTripsAsBase58() {
    Cid cid = Cid.parse(V0);
    assertThat(cid.version()).isZero();
    assertThat(cid.codec()).isEqualTo(Cid.DAG_PB);
    assertThat(cid.multihash().code()).isEqualTo(Multihash.SHA2_256);
    assertThat(cid.toString()).isEqualTo(V0);
  }

  @Test
  void aCidReadFromBytesKeepsACopyAndItsTextIsStable() {
    for (String text : new String[] {V0, V1_DAGPB_BASE32, RAW_BASE32}) {
      byte[] bytes = Cid.parse(text).toBytes();
      Cid cid = Cid.fromBytes(bytes);
      bytes[bytes.length - 1] ^= 1;
      assertThat(cid).isEqualTo(Cid.parse(text)).hasSameHashCodeAs(Cid.parse(text));
      assertThat(cid.toString()).isEqualTo(text).isSameAs(cid.toString());
      assertThat(Cid.fromBytes(bytes)).isNotEqualTo(cid);
    }
  }

  @Test
  void aCanonicalTextIsKeptAsTheCidsTextAndAnyOtherIsReplacedByIt() {
    for (String text : new String[] {V0, V1_DAGPB_BASE32, RAW_BASE32}) {
      assertThat(Cid.parse(text).toString()).isSameAs(text);
    }
    String upper = "b" + RAW_BASE32.substring(1).toUpperCase(Locale.ROOT);
    String spareBitSet = RAW_BASE32.substring(0, RAW_BASE32.length() - 1) + "5"; // ends "4" + 1
    for (String other : new String[] {upper, "B" + upper.substring(1), spareBitSet, RAW_BASE58}) {
      Cid cid = Cid.parse(other);
      assertThat(cid).isEqualTo(Cid.parse(RAW_BASE32));
      assertThat(cid.toString()).as(other).isEqualTo(RAW_BASE32);
    }
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) { // any v0 text is canonical: base58 has one spelling a number
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      Cid v0 = Cid.v0(Multihash.of(Multihash.SHA2_256, digest));
      String text = v0.toString();
      assertThat(Cid.parse(text).toString()).isSameAs(text);
      assertThat(Base58.encode(Cid.parse(text).toBytes())).isEqualTo(text);
    }
  }

  @Test
  void everyMultibaseOfTheSameCidIsEqualAndPrintsAsBase32() {
    Cid base32 = Cid.parse(RAW_BASE32);
    assertThat(Cid.parse(RAW_BASE58)).isEqualTo(base32);
    assertThat(Cid.parse(RAW_BASE36)).isEqualTo(base32);
    assertThat(Cid.parse(RAW_BASE16)).isEqualTo(base32);
    assertThat(Cid.parse(RAW_BASE16.toUpperCase().replaceFirst("^F", "F"))).isEqualTo(base32);
    assertThat(Cid.parse(RAW_BASE58).toString()).isEqualTo(RAW_BASE32);
    assertThat(base32.codec()).isEqualTo(Cid.RAW);
    assertThat(base32.version()).isEqualTo(1);
  }

  @Test
  void v0AndItsV1FormShareTheMultihashButAreDifferentCids() {
    Cid v0 = Cid.parse(V0);
    Cid v1 = Cid.parse(V1_DAGPB_BASE32);
    assertThat(Cid.parse(V1_DAGPB_BASE58)).isEqualTo(v1);
    assertThat(v0.multihash()).isEqualTo(v1.multihash());
    assertThat(v0).isNotEqualTo(v1);
    assertThat(v0.toV1()).isEqualTo(v1);
  }

  @Test
  void binaryFormRoundTrips() {
    for (String text : new String[] {V0, V1_DAGPB_BASE32, RAW_BASE32}) {
      Cid cid = Cid.parse(text);
      assertThat(Cid.fromBytes(cid.toBytes())).isEqualTo(cid);
    }
  }

  @Test
  void base36AndBase16EncodingsMatchTheNode() {
    Cid cid = Cid.parse(RAW_BASE32);
    assertThat(Multibase.encodeBase36(cid.toBytes())).isEqualTo(RAW_BASE36);
    assertThat("f" + java.util.HexFormat.of().formatHex(cid.toBytes())).isEqualTo(RAW_BASE16);
  }

  @Test
  void malformedInputGetsAClearError() {
    assertThatThrownBy(() -> Cid.parse("")).hasMessage("invalid CID: empty string");
    assertThatThrownBy(() -> Cid.parse("QmYA5KD9VvUnGLXCP3JenUFuSwWwQ5MXyxrAyynjzUJxC"))
        .isInstanceOf(InvalidCidException.class)
        .hasMessageContaining("46 characters");
    assertThatThrownBy(() -> Cid.parse("QmYA5KD9VvUnGLXCP3JenUFuSwWwQ5MXyxrAyynjzUJxC0"))
        .hasMessageContaining("'0'")
        .hasMessageContaining("not base58btc");
    assertThatThrownBy(() -> Cid.parse("xafkrei"))
        .hasMessageContaining("unsupported multibase prefix 'x'");
    assertThatThrownBy(() -> Cid.parse("bafkreibbsoryljp7t4ya5yludxicaj3d3i3oedexmubolznkm6urmmty"))
        .isInstanceOf(InvalidCidException.class)
        .hasMessageContaining("digest");
    assertThatThrownBy(() -> Cid.parse("hello world"))
        .isInstanceOf(InvalidCidException.class)
        .hasMessageStartingWith("invalid CID \"hello world\"");
    assertThatThrownBy(() -> Cid.parse("f02551220"))
        .hasMessageContaining("unsupported CID version 2");
    assertThatThrownBy(() -> Cid.parse("badcid"))
        .hasMessage("invalid CID \"badcid\": unsupported CID version 0");
  }

  @Test
  void cidsOrderByTheirBinaryForm() {
    Cid a = Cid.parse(V0);
    Cid b = Cid.parse(RAW_BASE32);
    assertThat(a.compareTo(b))
        .isEqualTo(java.util.Arrays.compareUnsigned(a.toBytes(), b.toBytes()));
  }
}
