package io.pincluster.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, and the peer RPC protocol version peers must share. */
public final class BuildInfo {
  /** The daemon and cluster-ctl version, from the Maven project version. */
  public static final String VERSION = readVersion();

  /** Peers speak this peer RPC protocol; it is reported as {@code rpc_protocol_version}. */
  public static final String RPC_PROTOCOL = "/pincluster/0.1/rpc";

  private BuildInfo() {}

  private static String readVersion() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "0.0.0-unknown");
    } catch (IOException e) {
      return "0.0.0-unknown";
    }
  }
}
