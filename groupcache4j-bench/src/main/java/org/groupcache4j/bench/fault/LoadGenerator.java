package org.groupcache4j.bench.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Client threads that ask the client APIs of some nodes for random keys, one request after the
 * other, as long as it runs, and record when each request started and ended and whether it got
 * the key's value. A request is given {@code timeout}; one that gets no answer by then failed.
 */
public final class LoadGenerator implements AutoCloseable {
  /** One request: nanoTime at start and at end, and whether it got the value. */
  public record Sample(long start, long end, boolean ok, String failure) {
    public long millis() {
      return (end - start) / 1_000_000;
    }
  }

  private final List<URI> apis;
  private final List<String> keys;
  private final Duration timeout;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Thread> threads = new ArrayList<>();
  private final List<List<Sample>> samples = new ArrayList<>();
  private volatile boolean running = true;

  /** Starts {@code threads} clients, spread over {@code apis} in turn. */
  public LoadGenerator(List<URI> apis, List<String> keys, int threads, Duration timeout) {
    this.apis = List.copyOf(apis);
    this.keys = List.copyOf(keys);
    this.timeout = timeout;
    for (int t = 0; t < threads; t++) {
      List<Sample> mine = new ArrayList<>();
      samples.add(mine);
      URI api = this.apis.get(t % this.apis.size());
      Thread th = new Thread(() -> loop(api, mine), "load-" + t);
      th.setDaemon(true);
      this.threads.add(th);
    }
    this.threads.forEach(Thread::start);
  }

  private void loop(URI api, List<Sample> mine) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (running) {
      String key = keys.get(r.nextInt(keys.size()));
      long start = System.nanoTime();
      boolean ok;
      String failure = null;
      try {
        HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(api + "/api?key=" + key))
            .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        ok = resp.statusCode() == 200 && resp.body().startsWith("value-of-" + key);
        if (!ok) {
          failure = api + " " + key + ": " + resp.statusCode() + " " + resp.body().strip();
        }
      } catch (Exception e) {
        ok = false;
        failure = api + " " + key + ": " + e;
      }
      Sample s = new Sample(start, System.nanoTime(), ok, failure);
      synchronized (mine) {
        mine.add(s);
      }
    }
  }

  /** Every request ended so far. */
  public List<Sample> samples() {
    List<Sample> all = new ArrayList<>();
    for (List<Sample> mine : samples) {
      synchronized (mine) {
        all.addAll(mine);
      }
    }
    return all;
  }

  /** Stops the clients after their request in flight (at most {@code timeout}). */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(timeout.toMillis() + 5_000);
    }
  }
}
