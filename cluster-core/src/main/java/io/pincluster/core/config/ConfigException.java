package io.pincluster.core.config;

import io.pincluster.core.ClusterException;

/** service.json (or an environment override) holds a bad value; the message names key and value. */
public final class ConfigException extends ClusterException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
