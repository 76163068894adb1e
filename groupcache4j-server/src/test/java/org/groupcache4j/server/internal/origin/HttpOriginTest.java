package org.groupcache4j.server.internal.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.testing.FreePorts;
import org.groupcache4j.testing.RefusingPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP origin against a real local HTTP server. */
class HttpOriginTest {
  private HttpServer server;
  private String base;
  private final List<String> rawPaths = new CopyOnWriteArrayList<>();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v/", ex -> {
      rawPaths.add(ex.getRequestURI().getRawPath());
      String key = ex.getRequestURI().getPath().substring("/v/".length());
      byte[] body;
      int status;
      switch (key) {
        case "missing" -> {
          status = 404;
          body = "no such thing".getBytes(StandardCharsets.UTF_8);
        }
        case "broken" -> {
          status = 500;
          body = "database\nis down".getBytes(StandardCharsets.UTF_8);
        }
        case "slow" -> {
          try {
            releaseSlow.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          status = 200;
          body = "late".getBytes(StandardCharsets.UTF_8);
        }
        case "big" -> {
          status = 200;
          body = new byte[5000];
        }
        case "empty" -> {
          status = 204;
          body = new byte[0];
        }
        default -> {
          status = 200;
          body = ("value of " + key).getBytes(StandardCharsets.UTF_8);
        }
      }
      ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    server.stop(0);
  }

  private HttpOrigin origin(Duration timeout) throws OriginConfigException {
    return HttpOrigin.create(base + "/v/{key}", timeout, 1000);
  }

  @Test
  void twoHundredIsTheValue() throws Exception {
    assertThat(new String(origin(Duration.ofSeconds(5)).fetch("Tom"), StandardCharsets.UTF_8)).isEqualTo("value of Tom");
    assertThat(origin(Duration.ofSeconds(5)).fetch("empty")).isEmpty();
  }

  @Test
  void theKeyIsPercentEncoded() throws Exception {
    HttpOrigin o = origin(Duration.ofSeconds(5));
    assertThat(new String(o.fetch("a b/ü+?#%"), StandardCharsets.UTF_8)).isEqualTo("value of a b/ü+?#%");
    assertThat(rawPaths).contains("/v/a%20b%2F%C3%BC%2B%3F%23%25");
    assertThat(HttpOrigin.percentEncode("AZaz09-._~")).isEqualTo("AZaz09-._~");
  }

  @Test
  void fourOhFourIsNotFound() {
    assertThatThrownBy(() -> origin(Duration.ofSeconds(5)).fetch("missing"))
        .isInstanceOf(KeyNotFoundException.class).hasMessageContaining("404").hasMessageContaining("/v/missing");
  }

  @Test
  void otherStatusesAreErrorsNamingTheStatusAndQuotingTheBody() {
    assertThatThrownBy(() -> origin(Duration.ofSeconds(5)).fetch("broken"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("answered HTTP 500")
        .hasMessageContaining("database is down")
        .hasMessageContaining(base + "/v/broken");
  }

  @Test
  void aSlowOriginTimesOut() throws Exception {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> origin(Duration.ofMillis(300)).fetch("slow"))
        .isInstanceOf(OriginTimeoutException.class)
        .hasMessageContaining("did not answer within 300 ms").hasMessageContaining("--origin-timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aRefusedConnectionIsAnErrorSayingSo() throws Exception {
    try (RefusingPort closed = FreePorts.refusing()) {
      HttpOrigin o = HttpOrigin.create(closed.url("http") + "/{key}", Duration.ofSeconds(2), 1000);
      assertThatThrownBy(() -> o.fetch("Tom")).isInstanceOf(IOException.class).hasMessageContaining("connection refused");
    }
  }

  @Test
  void valuesOverTheLimitAreRefused() {
    assertThatThrownBy(() -> origin(Duration.ofSeconds(5)).fetch("big"))
        .isInstanceOf(IOException.class).hasMessageContaining("larger than the limit of 1000 bytes");
  }

  @Test
  void templatesNeedAKeyAndAHost() {
    assertThatThrownBy(() -> HttpOrigin.create("http://127.0.0.1/v/", Duration.ofSeconds(1), 10))
        .isInstanceOf(OriginConfigException.class).hasMessageContaining("{key}")
        .matches(e -> ((OriginConfigException) e).isUsageError());
    assertThatThrownBy(() -> HttpOrigin.create("http:///{key}", Duration.ofSeconds(1), 10))
        .isInstanceOf(OriginConfigException.class);
  }

  @Test
  void throughTheLoaderEachOutcomeBecomesTheCoresExceptionAndIsCounted() throws Exception {
    OriginLoader loader = new OriginLoader("scores", origin(Duration.ofSeconds(2)));
    assertThat(loader.load("Tom")).isEqualTo("value of Tom".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> loader.load("missing")).isInstanceOf(KeyNotFoundException.class);
    assertThatThrownBy(() -> loader.load("broken")).isInstanceOf(LoadException.class)
        .isNotInstanceOf(LoadTimeoutException.class)
        .hasMessageContaining("group 'scores', key 'broken'").hasMessageContaining("HTTP 500");
    assertThatThrownBy(() -> loader.load("slow")).isInstanceOf(LoadTimeoutException.class)
        .hasMessageContaining("group 'scores', key 'slow'")
        .satisfies(e -> {
          LoadTimeoutException t = (LoadTimeoutException) e;
          assertThat(t.group()).isEqualTo("scores");
          assertThat(t.key()).isEqualTo("slow");
          assertThat(t.isRemote()).isFalse();
        });
    OriginLoader.Counts c = loader.counts();
    assertThat(c.loads()).isEqualTo(4);
    assertThat(c.ok()).isEqualTo(1);
    assertThat(c.notFound()).isEqualTo(1);
    assertThat(c.errors()).isEqualTo(1);
    assertThat(c.timeouts()).isEqualTo(1);
  }
}
