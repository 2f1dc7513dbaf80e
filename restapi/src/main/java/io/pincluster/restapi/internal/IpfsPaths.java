package io.pincluster.restapi.internal;

import io.pincluster.core.cid.Cid;
import io.pincluster.http.HttpException;

/**
 * The IPFS path of {@code /pins/{ipfs|ipns|ipld}/{path...}}, checked as IPFS Cluster checks it
 * (boxo's {@code path.NewPath}): {@code /ipfs/} and {@code /ipld/} paths must start with a CID,
 * {@code /ipns/} paths with a non-empty name; a trailing slash is dropped. Problems are 400 {@code
 * error parsing path: …}.
 */
final class IpfsPaths {
  private IpfsPaths() {}

  /**
   * @param kind {@code ipfs}, {@code ipns} or {@code ipld}
   * @param rest what follows it in the URL (decoded segments joined with {@code /})
   * @return {@code /<kind>/<rest>}
   */
  static String parse(String kind, String rest) {
    String r = rest;
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    String path = "/" + kind + "/" + r;
    String first = r.contains("/") ? r.substring(0, r.indexOf('/')) : r;
    if (first.isEmpty()) {
      throw new HttpException(400, "error parsing path: path \"" + path + "\" has no root");
    }
    if (!kind.equals("ipns")) {
      try {
        Cid.parse(first);
      } catch (IllegalArgumentException e) {
        throw new HttpException(
            400, "error parsing path: invalid path \"" + path + "\": " + e.getMessage(), e);
      }
    }
    return path;
  }
}
