package org.groupcache4j.server.internal;

import java.util.function.Supplier;

/**
 * Why a node's client API does not serve the cache yet, or null once it does: while the node is
 * {@link Readiness.State#STARTING} (its API listens before its peers are known), a request for the
 * cache is answered 503 with this reason. One class serves the node's API and its warm-up's (whose
 * readiness is ready from the start, as the node's is once it serves): the JIT compiles the API's
 * check against this class in the warm-up, and the node's first requests do not undo that code by
 * bringing a second class to the call.
 */
final class StartingGate implements Supplier<String> {
  private final Readiness readiness;
  private final String self;

  StartingGate(Readiness readiness, String self) {
    this.readiness = readiness;
    this.self = self;
  }

  /** A gate that is open from the start: the warm-up's. */
  static StartingGate open(String self) {
    Readiness ready = new Readiness();
    ready.ready("warming up");
    return new StartingGate(ready, self);
  }

  @Override
  public String get() {
    Readiness.Snapshot r = readiness.snapshot();
    return r.state() != Readiness.State.STARTING ? null : "node " + self + " is starting (" + r.reason()
        + "); it serves the cache once it knows its peers: ask another node, or again shortly";
  }
}
