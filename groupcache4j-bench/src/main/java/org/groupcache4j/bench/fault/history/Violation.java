package org.groupcache4j.bench.fault.history;

/**
 * One broken promise, with the smallest history that shows it ({@link HistoryChecker} says how
 * that is chosen).
 *
 * @param subject the id of the read or source load that broke the promise
 * @param headline one line: what happened and which promise it breaks
 * @param cause what violations with the same cause share (for example the same stale value, the
 *     same node and the same write), so that a value served wrongly a hundred times is one case
 * @param explanation the operations, loads and fault steps that explain it
 * @param leftOut what the explanation leaves out of the stretch of history it covers (reads, which
 *     cannot change another read's verdict), or empty
 */
public record Violation(Kind kind, String key, int subject, String headline, String cause, History explanation,
    String leftOut) {
  /** The promises. */
  public enum Kind {
    STALE_READ("a read saw a value older than a write that returned before the read began"),
    UNEXPLAINED_VALUE("a read saw a value that no set wrote and no source load made before the read ended"),
    EXTRA_LOAD("a key was loaded from the source again between two owner changes, and no remove called for it"),
    FAILED_READ("a read that a node which was up did not answer 200"),
    LATE_READ("a read that a node which was up answered only after the deadline");

    public final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  /** The headline and the explaining history, one entry a line. */
  public String render() {
    return kind + ": " + headline + "\n" + HistoryText.lines(explanation, subject, "    ")
        + (leftOut.isEmpty() ? "" : "    (" + leftOut + ")\n");
  }
}
