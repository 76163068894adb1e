package org.groupcache4j.server.internal.cli;

import java.util.List;

/**
 * The keys of a {@code serve --config} file, for the flag reference of the docs (the lists of
 * {@link ConfigFile} are package-private; this test-only class shares its package).
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** Node settings, at the top of the file. */
  public static List<String> node() {
    return ConfigFile.NODE_KEYS;
  }

  /** Under {@code peers}. */
  public static List<String> peers() {
    return ConfigFile.PEER_KEYS;
  }

  /** Under {@code groups.NAME}. */
  public static List<String> group() {
    return ConfigFile.GROUP_KEYS;
  }
}
