package org.groupcache4j.bench.fault.history;

import java.util.List;

/**
 * One step of a fault (its beginning, its end), from when the harness began it ({@code time}) to
 * when it was in place ({@code done}: the signal sent, the rule in place, a restarted node ready),
 * in nanoseconds since the run began.
 *
 * @param fault which fault it belongs to (its steps share the number)
 * @param what the step, e.g. {@code SIGSTOP n3}
 * @param ownerChange whether the step changes who owns keys (a fault's beginning and end): source
 *     loads are counted per key between such steps
 * @param apiDown nodes the clients left before this step (a frozen, killed or unplugged node)
 * @param apiUp nodes the clients ask again once this step is done
 */
public record FaultStep(int id, int fault, FaultKind kind, String what, long time, long done, boolean ownerChange,
    List<Integer> apiDown, List<Integer> apiUp) {
  public FaultStep {
    apiDown = apiDown == null ? List.of() : List.copyOf(apiDown);
    apiUp = apiUp == null ? List.of() : List.copyOf(apiUp);
    if (done < time) {
      throw new IllegalArgumentException("fault step " + id + " is done (" + done + ") before it began (" + time + ")");
    }
  }
}
