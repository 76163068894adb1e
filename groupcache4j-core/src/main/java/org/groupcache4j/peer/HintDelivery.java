package org.groupcache4j.peer;

import java.util.List;

/**
 * The hints one node holds for another (the drops the other missed), pushed to it when it answers
 * again or pulled by it while it catches up; the receiver applies them with the write path's rules
 * and acknowledges them ({@link HintAck}), after which the holder forgets them.
 *
 * @param from the holder's peer URL
 * @param fromIncarnation the holder's incarnation: a receiver that knew another one before it went
 *     away knows that the holder restarted meanwhile and lost what it held
 * @param forIncarnation the receiver's incarnation the hints are for, as the holder knows it (0:
 *     unknown)
 * @param unreachableSinceMillis when the holder judged the receiver down (Unix milliseconds), or 0
 *     when it did not: the receiver then knows it was away and catches up
 * @param ops the drops, oldest first
 * @param through the holder's sequence number of the last op: what the receiver acknowledges
 */
public record HintDelivery(String from, long fromIncarnation, long forIncarnation, long unreachableSinceMillis,
    List<HintOp> ops, long through) {
  public HintDelivery {
    ops = List.copyOf(ops);
  }

  /** An answer with nothing to deliver. */
  public static HintDelivery none(String from, long fromIncarnation) {
    return new HintDelivery(from, fromIncarnation, 0, 0, List.of(), 0);
  }
}
