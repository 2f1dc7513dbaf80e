package io.pincluster.ctl;

import io.pincluster.core.api.Pin;
import io.pincluster.core.api.PinOptions;
import io.pincluster.core.cid.Cid;
import io.pincluster.core.cid.InvalidCidException;
import io.pincluster.ctl.client.RestClient;
import io.pincluster.ctl.internal.CtlException;
import java.time.Duration;

/**
 * What {@code pin add}, {@code pin rm} and {@code pin update} act on: a CID ({@code /pins/{cid}})
 * or an IPFS path the cluster resolves ({@code /pins/ipfs|ipns|ipld/…}). Exactly one is set.
 */
record PinTarget(Cid cid, String path) {

  /**
   * A CID, or an IPFS path when {@code text} starts with {@code /}; fails with exit 1 and the parse
   * error before any request.
   */
  static PinTarget parse(String text) {
    String s = text.trim();
    if (!s.startsWith("/")) {
      return new PinTarget(Args.cid(s), null);
    }
    try {
      RestClient.checkIpfsPath(s);
    } catch (InvalidCidException e) {
      throw CtlException.failure(e.getMessage() + " in the path " + s);
    } catch (IllegalArgumentException e) {
      throw CtlException.failure(e.getMessage());
    }
    return new PinTarget(null, s);
  }

  Pin pin(RestClient client, PinOptions options, Duration expireIn) {
    return cid != null
        ? client.pin(cid, options, expireIn)
        : client.pinPath(path, options, expireIn);
  }

  Pin unpin(RestClient client) {
    return cid != null ? client.unpin(cid) : client.unpinPath(path);
  }
}
