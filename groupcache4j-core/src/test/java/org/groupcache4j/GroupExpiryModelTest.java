package org.groupcache4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.groupcache4j.testing.ManualClock;

/**
 * The stores with expiry, against a model, under a clock the test moves: after any sequence of
 * gets, sets (with and without ttl), removes, changes at the source and clock moves, every get
 * answers exactly what the model says (the cached answer while it is fresh, else the source's,
 * loaded once), and the loader ran exactly when the model says it must.
 */
class GroupExpiryModelTest {
  /** {kind, key, n}: see {@link #run}. */
  @Provide
  Arbitrary<List<int[]>> operations() {
    Arbitrary<int[]> op = Arbitraries.integers().between(0, 9)
        .flatMap(kind -> Arbitraries.integers().between(0, 5)
            .flatMap(key -> Arbitraries.integers().between(0, 300).map(n -> new int[] {kind, key, n})));
    return op.list().ofMinSize(1).ofMaxSize(120);
  }

  /** What the model caches for a key: a value or not-found (null), and when it expires (0: never). */
  private record Cached(String value, long expireAt) {
    boolean freshAt(long now) {
      return expireAt == 0 || expireAt > now;
    }
  }

  @Property(tries = 200)
  void everyGetAnswersWhatTheModelSays(@ForAll("operations") List<int[]> ops, @ForAll EvictionPolicy policy,
      @ForAll @IntRange(min = 0, max = 200) int ttl, @ForAll @IntRange(min = 0, max = 200) int notFoundTtl) {
    ManualClock clock = new ManualClock();
    Map<String, String> source = new ConcurrentHashMap<>();
    AtomicInteger loads = new AtomicInteger();
    try (GroupCache cache = GroupCache.builder().clock(clock).build()) {
      Group.Builder b = cache.groupBuilder("model").cacheBytes(1 << 20)
          .evictionPolicy(policy)
          .loader(key -> {
            loads.incrementAndGet();
            String v = source.get(key);
            if (v == null) {
              throw new KeyNotFoundException("not in the source");
            }
            return v.getBytes(java.nio.charset.StandardCharsets.UTF_8);
          });
      if (ttl > 0) {
        b.expireAfterWrite(Duration.ofMillis(ttl));
      }
      if (notFoundTtl > 0) {
        b.notFoundTtl(Duration.ofMillis(notFoundTtl));
      }
      Group g = b.build();
      run(g, clock, source, loads, ops, ttl, notFoundTtl);
    }
  }

  private static void run(Group g, ManualClock clock, Map<String, String> source, AtomicInteger loads,
      List<int[]> ops, long ttl, long notFoundTtl) {
    Map<String, Cached> model = new HashMap<>();
    int version = 0;
    for (int[] op : ops) {
      String key = "k" + op[1];
      long now = clock.millis();
      String what = java.util.Arrays.toString(op);
      switch (op[0]) {
        case 0, 1, 2, 3 -> { // get
          Cached c = model.get(key);
          int before = loads.get();
          String expected;
          if (c != null && c.freshAt(now)) {
            expected = c.value();
          } else {
            expected = source.get(key);
            if (expected != null) {
              model.put(key, new Cached(expected, ttl == 0 ? 0 : now + ttl));
            } else if (notFoundTtl > 0) {
              model.put(key, new Cached(null, now + notFoundTtl));
            } else {
              model.remove(key);
            }
          }
          int expectedLoads = before + (c != null && c.freshAt(now) ? 0 : 1);
          if (expected == null) {
            assertThatThrownBy(() -> g.get(key)).as(what).isInstanceOf(KeyNotFoundException.class);
          } else {
            assertThat(g.get(key).toString()).as(what).isEqualTo(expected);
          }
          assertThat(loads.get()).as("loads after %s", what).isEqualTo(expectedLoads);
        }
        case 4 -> { // set with the group's default ttl
          String v = "set-" + version++;
          g.set(key, ByteView.of(v));
          model.put(key, new Cached(v, ttl == 0 ? 0 : now + ttl));
        }
        case 5 -> { // set with its own ttl
          String v = "set-" + version++;
          g.set(key, ByteView.of(v), Duration.ofMillis(op[2] + 1));
          model.put(key, new Cached(v, now + op[2] + 1));
        }
        case 6 -> { // remove
          g.remove(key);
          model.remove(key);
        }
        case 7 -> source.put(key, "src-" + version++); // the source changes; the cache is not told
        case 8 -> source.remove(key);
        default -> clock.advance(Duration.ofMillis(op[2]));
      }
    }
  }
}
