package org.groupcache4j.examples.books;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Repository;

/**
 * The slow source: every read takes {@code books.repository-delay} (a database under load; an
 * ISBN with {@code hang-PORT-} in it, PORT this instance's HTTP port, hangs for ten minutes), and
 * every read is counted per book, so the test and the benchmark can tell how often each book's
 * method ran on this instance. The books are made up from the ISBN (a stand-in for a database
 * that every instance shares), with the time of the read.
 */
@Repository
public class BookRepository {
  private final Duration delay;
  private final String hangMarker;
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  public BookRepository(@Value("${books.repository-delay:200ms}") Duration delay, @Value("${server.port:8080}") int port) {
    this.delay = delay;
    this.hangMarker = "hang-" + port + "-";
  }

  public Book find(String isbn) {
    total.increment();
    reads.computeIfAbsent(isbn, k -> new AtomicInteger()).incrementAndGet();
    try {
      // an ISBN that names this instance's port ("978-hang-8080-x") stands for a read that hangs here (a stuck
      // database connection): the tests kill an instance in the middle of one
      Thread.sleep(isbn.contains(hangMarker) ? Duration.ofMinutes(10).toMillis() : delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading book " + isbn, e);
    }
    int n = Math.floorMod(isbn.hashCode(), 1000);
    return new Book(isbn, "Book " + isbn, List.of("Author " + n % 97), LocalDate.of(1950 + n % 70, 1 + n % 12, 1 + n % 28),
        100 + n, Instant.now());
  }

  /** Reads so far: in all, distinct books, and per book. */
  public Map<String, Object> reads() {
    return Map.of("total", total.sum(), "distinct", reads.size(), "perKey", new TreeMap<>(Map.copyOf(reads)));
  }
}
