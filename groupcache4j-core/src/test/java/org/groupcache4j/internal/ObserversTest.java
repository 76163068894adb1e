package org.groupcache4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.groupcache4j.CacheObserver;
import org.junit.jupiter.api.Test;

/** Observers are called in order, each only for the events it overrides, and one that throws does not stop the rest. */
class ObserversTest {
  /** Records what it is called for; overrides fetched and ringMismatch only. */
  private static class Recording implements CacheObserver {
    final List<String> calls;
    final String name;

    Recording(List<String> calls, String name) {
      this.calls = calls;
      this.name = name;
    }

    @Override
    public void fetched(String group, String key, String peer, long nanos, Throwable failure) {
      calls.add(name + " fetched " + key);
    }

    @Override
    public void ringMismatch(String peer, String theirs) {
      calls.add(name + " ringMismatch " + peer);
    }
  }

  /** A subclass that overrides nothing itself: what it inherits from Recording counts. */
  private static final class Inheriting extends Recording {
    Inheriting(List<String> calls) {
      super(calls, "inheriting");
    }
  }

  @Test
  void anObserverCountsForTheEventsItsClassOverridesOnly() {
    CacheObserver ringOnly = new CacheObserver() {
      @Override
      public void ringMismatch(String peer, String theirs) {}
    };
    assertThat(Observers.overrides(ringOnly, Observers.event("ringMismatch"))).isTrue();
    assertThat(Observers.overrides(ringOnly, Observers.event("fetched"))).isFalse();
    assertThat(Observers.overrides(ringOnly, Observers.event("loaded"))).isFalse();
    Inheriting inheriting = new Inheriting(new ArrayList<>());
    assertThat(Observers.overrides(inheriting, Observers.event("fetched"))).isTrue();
    assertThat(Observers.overrides(inheriting, Observers.event("peersChanged"))).isFalse();
    assertThatThrownBy(() -> Observers.event("hit")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CacheObserver has 0 methods named hit");
  }

  /** A new event in CacheObserver that Observers did not pass on would reach no observer: its default does nothing. */
  @Test
  void observersPassOnEveryEventOfCacheObserver() {
    List<Method> events = Arrays.stream(CacheObserver.class.getDeclaredMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()).toList();
    assertThat(events).hasSizeGreaterThanOrEqualTo(5);
    for (Method event : events) {
      assertThat(Observers.event(event.getName())).isEqualTo(event);
      assertThatCode(() -> Observers.class.getDeclaredMethod(event.getName(), event.getParameterTypes()))
          .as("Observers passes on %s", event.getName()).doesNotThrowAnyException();
    }
  }

  @Test
  void eachEventReachesItsObserversInOrderPastOneThatThrows() {
    List<String> calls = new ArrayList<>();
    CacheObserver throwing = new CacheObserver() {
      @Override
      public void fetched(String group, String key, String peer, long nanos, Throwable failure) {
        calls.add("throwing fetched " + key);
        throw new IllegalStateException("an observer's bug");
      }
    };
    Observers o = Observers.NONE.with(new Recording(calls, "first")).with(throwing).with(new Inheriting(calls))
        .with(new CacheObserver() {
          @Override
          public void loaded(String group, String key, long nanos, Throwable failure) {
            calls.add("loads only " + key);
          }
        });
    o.fetched("g", "k1", "http://peer", 1, null);
    o.ringMismatch("http://peer", "abc");
    o.loaded("g", "k2", 1, null);
    o.peersChanged(List.of("http://peer"));
    assertThat(calls).containsExactly("first fetched k1", "throwing fetched k1", "inheriting fetched k1",
        "first ringMismatch http://peer", "inheriting ringMismatch http://peer", "loads only k2");
  }
}
