package org.groupcache4j.internal;

import java.util.Arrays;
import java.util.List;
import org.groupcache4j.CacheObserver;

/**
 * The observers of one cache, called in order; one that throws does not stop the others or the
 * work it observes. Immutable: adding one makes a new instance, swapped in by the cache.
 */
public final class Observers implements CacheObserver {
  public static final Observers NONE = new Observers(new CacheObserver[0]);

  private final CacheObserver[] all;

  private Observers(CacheObserver[] all) {
    this.all = all;
  }

  public Observers with(CacheObserver o) {
    CacheObserver[] more = Arrays.copyOf(all, all.length + 1);
    more[all.length] = o;
    return new Observers(more);
  }

  @Override
  public void loaded(String group, String key, long nanos, Throwable failure) {
    for (CacheObserver o : all) {
      try {
        o.loaded(group, key, nanos, failure);
      } catch (RuntimeException ignored) {
        // an observer must not break a load
      }
    }
  }

  @Override
  public void fetched(String group, String key, String peer, long nanos, Throwable failure) {
    for (CacheObserver o : all) {
      try {
        o.fetched(group, key, peer, nanos, failure);
      } catch (RuntimeException ignored) {
        // an observer must not break a fetch
      }
    }
  }

  @Override
  public void peersChanged(List<String> peers) {
    for (CacheObserver o : all) {
      try {
        o.peersChanged(peers);
      } catch (RuntimeException ignored) {
        // an observer must not break a membership change
      }
    }
  }

  @Override
  public void peerStateChanged(org.groupcache4j.peer.PeerState state) {
    for (CacheObserver o : all) {
      try {
        o.peerStateChanged(state);
      } catch (RuntimeException ignored) {
        // an observer must not break the failure detector
      }
    }
  }

  @Override
  public void ringMismatch(String peer, String theirs) {
    for (CacheObserver o : all) {
      try {
        o.ringMismatch(peer, theirs);
      } catch (RuntimeException ignored) {
        // an observer must not break a peer request
      }
    }
  }
}
