package org.groupcache4j.docs.contexts;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.groupcache4j.KeyNotFoundException;

/**
 * {@code db}: the reader's slow source, a database of players' scores (Tom 630, Jack 589,
 * Sam 567) that counts its queries. {@code db.findScore(name)} answers the score as bytes, or
 * throws {@link KeyNotFoundException} for a name it does not have; {@code db.findScoreAsync(name)}
 * is its non-blocking form; {@code db.queries()} counts the calls.
 */
public abstract class DbContext extends DocContext {
  /** The reader's database, as the examples use it. */
  public interface Database {
    byte[] findScore(String name) throws Exception;

    /** The same, for non-blocking callers: fails with {@link KeyNotFoundException} for a name it does not have. */
    CompletableFuture<byte[]> findScoreAsync(String name);

    int queries();
  }

  protected final Database db = new Database() {
    private final Map<String, String> scores = Map.of("Tom", "630", "Jack", "589", "Sam", "567");
    private final AtomicInteger queries = new AtomicInteger();

    @Override
    public byte[] findScore(String name) {
      queries.incrementAndGet();
      String s = scores.get(name);
      if (s == null) {
        throw new KeyNotFoundException("no player named " + name);
      }
      return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CompletableFuture<byte[]> findScoreAsync(String name) {
      return CompletableFuture.supplyAsync(() -> findScore(name));
    }

    @Override
    public int queries() {
      return queries.get();
    }
  };
}
