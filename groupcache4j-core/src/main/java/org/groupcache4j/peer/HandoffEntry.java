package org.groupcache4j.peer;

import java.util.Objects;

/**
 * One entry a departing node hands to the key's next owner: the group, the key, and the entry as
 * the departing node held it (a value or a cached "not found", with its expiry, as in a
 * {@link PeerValue}).
 */
public record HandoffEntry(String group, String key, PeerValue value) {
  public HandoffEntry {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
