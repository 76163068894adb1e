package org.groupcache4j.peer;

/**
 * A node applied the hints another held for it, up to {@code through} ({@link HintDelivery#through}).
 *
 * @param from the URL of the node that applied them
 * @param incarnation its incarnation
 * @param through the last sequence number applied
 */
public record HintAck(String from, long incarnation, long through) {}
