package org.groupcache4j.bench.fault.history;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One client operation: a get, a set or a remove of {@code key} at the client API of node
 * {@code node}, with its start and end (nanoseconds since the run began, on the harness's one
 * monotonic clock) and its answer.
 *
 * @param id unique in the history (shared with source loads and fault steps)
 * @param client the client that made it
 * @param node the node whose API it was sent to (1, 2, 3)
 * @param written the value a set wrote, else null
 * @param status the HTTP status of the answer, or 0 if none came (see {@code error})
 * @param read the value a get answered (status 200), else null
 * @param told a write's answer: the nodes that applied it
 * @param notTold a write's answer: the nodes it names as not told (or not yet told), with the reason
 * @param error the body of an answer other than 200, or why there was none
 */
public record Op(int id, int client, int node, Kind kind, String key, String written, long start, long end, int status,
    String read, List<Integer> told, Map<Integer, String> notTold, String error) {
  /** What an operation does. */
  public enum Kind {
    GET, SET, REMOVE
  }

  public Op {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    told = told == null ? List.of() : List.copyOf(told);
    notTold = notTold == null ? Map.of() : Map.copyOf(notTold);
    if (end < start) {
      throw new IllegalArgumentException("op " + id + " ends (" + end + ") before it starts (" + start + ")");
    }
  }

  public boolean isWrite() {
    return kind != Kind.GET;
  }

  /** Whether the node answered 200: for a write, it was applied and its answer says where. */
  public boolean ok() {
    return status == 200;
  }

  /**
   * Until when the operation may take effect: its end if it answered 200, else never known
   * ({@link Long#MAX_VALUE}): a write that failed or got no answer may still be applied later
   * (a frozen owner applies the request in its socket when it runs again).
   */
  public long effectEnd() {
    return ok() ? end : Long.MAX_VALUE;
  }
}
