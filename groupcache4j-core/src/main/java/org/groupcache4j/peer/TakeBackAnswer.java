package org.groupcache4j.peer;

import java.util.List;
import java.util.Objects;

/**
 * What a peer gives a node that takes its keys back ({@link HandoffClient#takeBack}).
 *
 * @param entries the peer's fresh main-store entries of the requester's keys, the most valuable first
 * @param keysInDemand keys of the requester's that the peer held only as copies (fetched from the
 *     requester before it went away) and was asked for lately: no value it may give (a copy may
 *     have missed a write), but what its callers will ask for; the requester loads them ahead,
 *     before it reports ready
 */
public record TakeBackAnswer(List<HandoffEntry> entries, List<String> keysInDemand) {
  public TakeBackAnswer {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    keysInDemand = List.copyOf(Objects.requireNonNull(keysInDemand, "keysInDemand"));
  }
}
