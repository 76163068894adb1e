package org.groupcache4j.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.groupcache4j.CacheObserver;

/**
 * The observers of one cache, called in order; one that throws does not stop the others or the
 * work it observes. Immutable: adding one makes a new instance, swapped in by the cache.
 *
 * <p>Each event calls only the observers that override its method. An observer of one event (a
 * {@link org.groupcache4j.discovery.PeerWatcher}'s, of ring mismatches) is then not called on the
 * hot paths of the others: there it would cost a call that does nothing, and, as a second class at
 * the JIT's call site, it would undo the code compiled while that site had seen one (the server's
 * warm-up, whose nodes have the metrics' observer only, compiles the fetch path that way).
 */
public final class Observers implements CacheObserver {
  // CacheObserver's methods, each looked up once; before NONE, which is built with them.
  private static final Method LOADED = event("loaded");
  private static final Method FETCHED = event("fetched");
  private static final Method PEERS_CHANGED = event("peersChanged");
  private static final Method PEER_STATE_CHANGED = event("peerStateChanged");
  private static final Method RING_MISMATCH = event("ringMismatch");
  public static final Observers NONE = new Observers(new CacheObserver[0]);

  private final CacheObserver[] all;
  private final CacheObserver[] loaded;
  private final CacheObserver[] fetched;
  private final CacheObserver[] peersChanged;
  private final CacheObserver[] peerStateChanged;
  private final CacheObserver[] ringMismatch;

  private Observers(CacheObserver[] all) {
    this.all = all;
    this.loaded = overriding(all, LOADED);
    this.fetched = overriding(all, FETCHED);
    this.peersChanged = overriding(all, PEERS_CHANGED);
    this.peerStateChanged = overriding(all, PEER_STATE_CHANGED);
    this.ringMismatch = overriding(all, RING_MISMATCH);
  }

  public Observers with(CacheObserver o) {
    CacheObserver[] more = Arrays.copyOf(all, all.length + 1);
    more[all.length] = o;
    return new Observers(more);
  }

  /** Those of {@code all} whose class overrides {@link CacheObserver}'s method {@code event}, in order. */
  private static CacheObserver[] overriding(CacheObserver[] all, Method event) {
    return Arrays.stream(all).filter(o -> overrides(o, event)).toArray(CacheObserver[]::new);
  }

  /** {@link CacheObserver}'s method of the event {@code name} (one per event: its names are not overloaded). */
  static Method event(String name) {
    List<Method> named = Arrays.stream(CacheObserver.class.getDeclaredMethods())
        .filter(m -> m.getName().equals(name) && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic())
        .toList();
    if (named.size() != 1) {
      throw new IllegalArgumentException("CacheObserver has " + named.size() + " methods named " + name
          + "; an event is one method");
    }
    return named.get(0);
  }

  /** Whether {@code o}'s class (or a superclass) overrides {@code event}, a default method of {@link CacheObserver}. */
  static boolean overrides(CacheObserver o, Method event) {
    try {
      return o.getClass().getMethod(event.getName(), event.getParameterTypes()).getDeclaringClass()
          != CacheObserver.class;
    } catch (NoSuchMethodException e) {
      throw new AssertionError("a CacheObserver without its method " + event, e); // it inherits the default
    }
  }

  @Override
  public void loaded(String group, String key, long nanos, Throwable failure) {
    for (CacheObserver o : loaded) {
      try {
        o.loaded(group, key, nanos, failure);
      } catch (RuntimeException ignored) {
        // an observer must not break a load
      }
    }
  }

  @Override
  public void fetched(String group, String key, String peer, long nanos, Throwable failure) {
    for (CacheObserver o : fetched) {
      try {
        o.fetched(group, key, peer, nanos, failure);
      } catch (RuntimeException ignored) {
        // an observer must not break a fetch
      }
    }
  }

  @Override
  public void peersChanged(List<String> peers) {
    for (CacheObserver o : peersChanged) {
      try {
        o.peersChanged(peers);
      } catch (RuntimeException ignored) {
        // an observer must not break a membership change
      }
    }
  }

  @Override
  public void peerStateChanged(org.groupcache4j.peer.PeerState state) {
    for (CacheObserver o : peerStateChanged) {
      try {
        o.peerStateChanged(state);
      } catch (RuntimeException ignored) {
        // an observer must not break the failure detector
      }
    }
  }

  @Override
  public void ringMismatch(String peer, String theirs) {
    for (CacheObserver o : ringMismatch) {
      try {
        o.ringMismatch(peer, theirs);
      } catch (RuntimeException ignored) {
        // an observer must not break a peer request
      }
    }
  }
}
