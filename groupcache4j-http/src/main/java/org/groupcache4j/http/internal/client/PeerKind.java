package org.groupcache4j.http.internal.client;

/**
 * What one peer is, as its answers show: one of our nodes (its answers carry
 * {@link org.groupcache4j.http.internal.protocol.PeerHeaders#NODE}), which takes writes, or another
 * groupcache server (golang/groupcache answers every method as a GET, so a DELETE would load the
 * key there), which must never be sent one. Learned again from every answer, so a peer URL that
 * moves from one kind of server to the other is seen at its next answer.
 */
final class PeerKind {
  static final int UNKNOWN = 0;
  static final int OURS = 1;
  static final int OTHER = 2;

  private volatile int state = UNKNOWN;

  /** An answer came, with or without the header. */
  void heard(boolean ours) {
    int s = ours ? OURS : OTHER;
    if (state != s) {
      state = s;
    }
  }

  int state() {
    return state;
  }
}
