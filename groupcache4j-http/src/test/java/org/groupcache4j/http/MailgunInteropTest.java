package org.groupcache4j.http;

import org.groupcache4j.ring.RingMode;

/**
 * Our nodes in a mailgun/groupcache v2 cluster (ring mode {@code mailgun}): real v2.6.0 nodes
 * (the anchor's node.go) and ours, as {@link LineageInteropTest} says.
 */
class MailgunInteropTest extends LineageInteropTest {
  @Override
  String anchor() {
    return "mailgun-groupcache";
  }

  @Override
  RingMode mode() {
    return RingMode.MAILGUN;
  }

  @Override
  boolean theirSetReachesEveryPeer() {
    return false; // mailgun's Set tells the owner alone
  }
}
