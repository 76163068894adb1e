package org.groupcache4j.http.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One timer per loop: fetches expire in deadline order, whatever order they came in; removed ones never. */
class DeadlinesTest {
  private final DefaultEventLoop loop = new DefaultEventLoop();
  private final List<String> expired = new CopyOnWriteArrayList<>();
  private final Deadlines deadlines = new Deadlines(loop, f -> expired.add(f.key));

  @AfterEach
  void stop() throws Exception {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private Fetch fetch(String key, long inMillis) {
    Fetch f = new Fetch("http://peer", "g", key, false, 0);
    f.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(inMillis);
    return f;
  }

  private void onLoop(Runnable r) throws Exception {
    loop.submit(r).get(5, TimeUnit.SECONDS);
  }

  @Test
  void fetchesExpireInDeadlineOrderAndRemovedOnesNever() throws Exception {
    Fetch late = fetch("late", 400);
    Fetch removed = fetch("removed", 100);
    Fetch early = fetch("early", 150);
    Fetch earliest = fetch("earliest", 50); // earlier than the timer set for the first one
    onLoop(() -> {
      deadlines.add(late);
      deadlines.add(removed);
      deadlines.add(early);
      deadlines.add(earliest);
      assertThat(deadlines.oldest()).isSameAs(earliest);
      deadlines.remove(removed);
      deadlines.remove(removed); // no harm twice
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> expired.size() == 3);
    assertThat(expired).containsExactly("earliest", "early", "late");
    onLoop(() -> assertThat(deadlines.oldest()).isNull());
    assertThat(late.listed).isFalse();
  }

  @Test
  void aFetchDoneBeforeItsDeadlineLeavesTheListAndTheOthersStillExpire() throws Exception {
    Fetch a = fetch("a", 100);
    Fetch b = fetch("b", 100);
    Fetch c = fetch("c", 200);
    onLoop(() -> {
      deadlines.add(a);
      deadlines.add(b);
      deadlines.add(c);
      deadlines.remove(a); // the oldest, while the timer is set for it
      assertThat(deadlines.oldest()).isSameAs(b);
    });
    await().atMost(Duration.ofSeconds(10)).until(() -> expired.size() == 2);
    assertThat(expired).containsExactly("b", "c");
    // the list works again after running empty
    Fetch d = fetch("d", 10);
    onLoop(() -> deadlines.add(d));
    await().atMost(Duration.ofSeconds(10)).until(() -> expired.size() == 3);
    assertThat(expired).endsWith("d");
  }
}
