package org.groupcache4j.server.internal;

import java.time.Instant;

/**
 * Whether a node should be sent traffic: {@code STARTING} until it serves with its peers known
 * (and, before it listens, its request path warmed up: {@link Warmup}), {@code READY} while it
 * serves, {@code DRAINING} from SIGTERM until it exits. {@code /healthz} answers 200 only when
 * ready, so a load balancer or a Kubernetes readiness probe sends clients elsewhere while the node
 * starts and while it finishes what is in flight.
 */
public final class Readiness {
  /** The states, in the only order they are entered. */
  public enum State { STARTING, READY, DRAINING }

  /** A state, since when, and why. */
  public record Snapshot(State state, Instant since, String reason) {
    public boolean isReady() {
      return state == State.READY;
    }
  }

  private volatile Snapshot now = new Snapshot(State.STARTING, Instant.now(), "the node is starting");
  private volatile Warmup.Report warmUp = Warmup.Report.off();

  public Snapshot snapshot() {
    return now;
  }

  /** While STARTING: what the node is doing now (since stays the start). */
  public synchronized void starting(String what) {
    if (now.state() == State.STARTING) {
      now = new Snapshot(State.STARTING, now.since(), what);
    }
  }

  /** What the warm-up before the node listened did (its report says {@code off} if none ran). */
  public Warmup.Report warmUp() {
    return warmUp;
  }

  void warmedUp(Warmup.Report report) {
    this.warmUp = report;
  }

  /** STARTING becomes READY; a draining node stays draining. */
  public synchronized void ready(String reason) {
    if (now.state() == State.STARTING) {
      now = new Snapshot(State.READY, Instant.now(), reason);
    }
  }

  /** Any state becomes DRAINING (once). */
  public synchronized void draining(String reason) {
    if (now.state() != State.DRAINING) {
      now = new Snapshot(State.DRAINING, Instant.now(), reason);
    }
  }
}
