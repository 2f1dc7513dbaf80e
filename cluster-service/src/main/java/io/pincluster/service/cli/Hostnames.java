package io.pincluster.service.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** This machine's name, the default peer name. */
final class Hostnames {
  private Hostnames() {}

  static String local(Map<String, String> env) {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return env.getOrDefault("HOSTNAME", "pincluster-peer");
    }
  }
}
