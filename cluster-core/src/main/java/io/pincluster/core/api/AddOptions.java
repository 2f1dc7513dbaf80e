package io.pincluster.core.api;

import java.util.Map;

/**
 * The options of {@code POST /add} (reference §1.5, without sharding): how the content is added to
 * IPFS, plus the pin options of the cluster pin made of the root.
 *
 * @param local add the blocks only to the receiving peer's IPFS (pincluster always adds there; the
 *     allocated peers fetch the content from it), kept for compatibility
 * @param format {@code unixfs} or {@code car} (a CAR with exactly one root)
 * @param ipfsParams the IPFS {@code add} parameters to pass on: {@code recursive}, {@code hidden},
 *     {@code wrap-with-directory}, {@code trickle}, {@code chunker}, {@code raw-leaves}, {@code
 *     cid-version}, {@code hash}, {@code progress}, {@code nocopy} (names as Kubo spells them)
 */
public record AddOptions(
    PinOptions pin,
    boolean local,
    boolean noPin,
    boolean streamChannels,
    String format,
    Map<String, String> ipfsParams) {

  public AddOptions {
    pin = pin == null ? PinOptions.DEFAULT : pin;
    format = format == null || format.isEmpty() ? "unixfs" : format;
    if (!format.equals("unixfs") && !format.equals("car")) {
      throw new IllegalArgumentException("format \"" + format + "\" is not unixfs or car");
    }
    ipfsParams = ipfsParams == null ? Map.of() : Map.copyOf(ipfsParams);
  }
}
