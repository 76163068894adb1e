package org.groupcache4j.http.internal;

import java.io.IOException;

/**
 * A fetch from a peer failed in transport (not in the owner's loader): the group counts a peer
 * error and loads the key itself. The message names the peer, group and key, and what happened.
 */
public final class PeerFetchException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String peer;

  public PeerFetchException(String peer, String group, String key, String what, Throwable cause) {
    super("fetch of group '" + group + "', key '" + printable(key) + "' from peer " + peer + " failed: " + what, cause);
    this.peer = peer;
  }

  /** The peer URL asked. */
  public String peer() {
    return peer;
  }

  private static String printable(String key) {
    if (key == null) {
      return "null";
    }
    String k = key.length() > 200 ? key.substring(0, 200) + "…(" + key.length() + " chars)" : key;
    StringBuilder sb = new StringBuilder(k.length());
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
