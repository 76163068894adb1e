package org.groupcache4j.server.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.groupcache4j.GroupCache;
import org.groupcache4j.KeyNotFoundException;
import org.groupcache4j.LoadTimeoutException;
import org.groupcache4j.Loader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client API over real sockets, in front of a single-node cache with a scripted loader. */
@Timeout(60)
class ApiServerTest {
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final CountDownLatch neverReleased = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicReference<String> healthProblem = new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicReference<String> notServing = new java.util.concurrent.atomic.AtomicReference<>();
  private GroupCache cache;
  private ApiServer server;
  private int port;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Resp(int status, String type, byte[] body, HttpResponse<byte[]> raw) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @BeforeEach
  void start() throws IOException {
    Loader scores = key -> switch (key) {
      case "empty" -> new byte[0];
      case "bin" -> {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
          b[i] = (byte) i;
        }
        yield b;
      }
      case "missing" -> throw new KeyNotFoundException("no row for it");
      case "boom" -> throw new IllegalStateException("kaput\nsecond line");
      case "origin-timeout" -> throw new LoadTimeoutException("scores", key, null, "origin GET x did not answer within 5 ms");
      case "slow" -> {
        releaseSlow.await(30, TimeUnit.SECONDS);
        yield "slow".getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        if (key.startsWith("racy-")) { // done within a few microseconds: races the handler queueing its request
          long until = System.nanoTime() + java.util.concurrent.ThreadLocalRandom.current().nextInt(20_000);
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        }
        yield ("value-of-" + key).getBytes(StandardCharsets.UTF_8);
      }
    };
    cache = GroupCache.builder().build();
    // Loads of "scores" get all the time a loaded machine may need; "stuck" is where a load times out.
    cache.groupBuilder("scores").loader(scores).loadTimeout(Duration.ofSeconds(30)).build();
    cache.groupBuilder("stuck").loader(key -> {
      neverReleased.await();
      return new byte[0];
    }).loadTimeout(Duration.ofMillis(500)).build();
    cache.newGroup("other", 1 << 20, key -> ("other:" + key).getBytes(StandardCharsets.UTF_8));
    server = newServer(1000);
    port = server.boundAddresses().get(0).getPort();
  }

  private ApiServer newServer(int maxConnections) throws IOException {
    return ApiServer.builder(cache, "scores")
        .keyPolicy((g, k) -> k.startsWith("bad") ? "bad keys are refused here" : null)
        .stats(() -> "{\"stats\":true}\n")
        .healthProblem(healthProblem::get)
        .notServing(notServing::get)
        .listen(List.of(new InetSocketAddress("127.0.0.1", 0)))
        .maxConnections(maxConnections)
        .idleTimeout(Duration.ofSeconds(30))
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    neverReleased.countDown();
    server.close();
    cache.close();
  }

  private Resp get(String path) throws Exception {
    return send(HttpRequest.newBuilder().timeout(Duration.ofSeconds(30)).uri(URI.create("http://127.0.0.1:" + port + path)).build());
  }

  private Resp send(HttpRequest req) throws Exception {
    HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    return new Resp(r.statusCode(), r.headers().firstValue("content-type").orElse(""), r.body(), r);
  }

  private void assertOneLineError(Resp r, int status, String... parts) {
    assertThat(r.status()).as(r.text()).isEqualTo(status);
    assertThat(r.type()).startsWith("text/plain");
    assertThat(r.text()).endsWith("\n");
    assertThat(r.text().strip()).doesNotContain("\n");
    for (String p : parts) {
      assertThat(r.text()).contains(p);
    }
  }

  @Test
  void valuesAreTheRawBytes() throws Exception {
    Resp r = get("/api?key=Tom");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.type()).isEqualTo("application/octet-stream");
    assertThat(r.text()).isEqualTo("value-of-Tom");
    assertThat(get("/api?key=Tom").text()).isEqualTo("value-of-Tom"); // now a cache hit
    byte[] bin = get("/api?key=bin").body();
    assertThat(bin).hasSize(256);
    for (int i = 0; i < 256; i++) {
      assertThat(bin[i]).isEqualTo((byte) i);
    }
    Resp empty = get("/api/scores/empty");
    assertThat(empty.status()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();
    assertThat(empty.raw().headers().firstValue("content-length")).hasValue("0");
  }

  @Test
  void keysArePercentDecoded() throws Exception {
    assertThat(get("/api/other/a%20b+c").text()).isEqualTo("other:a b+c"); // '+' stays '+' in a path
    assertThat(get("/api?key=a+b%2Bc").text()).isEqualTo("value-of-a b+c"); // and is a space in a query
    assertThat(get("/api/other/x/y%2Fz").text()).isEqualTo("other:x/y/z");
    assertThat(get("/api/other/%D0%BA%D0%BB%D1%8E%D1%87").text()).isEqualTo("other:ключ");
    assertThat(get("/api?x=1&key=K&key=L").text()).isEqualTo("value-of-K");
    assertThat(get("/api/scores/Sam?ignored=1").text()).isEqualTo("value-of-Sam");
  }

  @Test
  void badRequestsAre400WithAReason() throws Exception {
    assertOneLineError(get("/api"), 400, "missing key");
    assertThat(get("/api?key=").text()).as("the empty key").isEqualTo("value-of-");
    assertOneLineError(get("/api?other=1"), 400, "missing key");
    assertThat(get("/api/scores/").text()).as("the empty key").isEqualTo("value-of-");
    assertOneLineError(get("/api/scores"), 400, "missing key");
    assertOneLineError(get("/api//x"), 400, "missing group");
    assertThat(raw("/api?key=%zz")).startsWith("HTTP/1.1 400").endsWith("the key is not valid percent-encoded UTF-8 "
        + "(invalid percent-escape \"%zz\" at offset 0); percent-encode each byte of its UTF-8 form, e.g. %20 for a space, "
        + "%25 for '%'\n");
    assertThat(raw("/api/s%zcores/k")).startsWith("HTTP/1.1 400")
        .contains("the path is not valid percent-encoded UTF-8 (invalid percent-escape \"%zc\" at offset 1)");
    assertOneLineError(get("/api/scores/%C3%28"), 400, "percent-encoded UTF-8", "not valid UTF-8 after percent-decoding");
    assertOneLineError(get("/api?key=" + "k".repeat(5000)), 400, "longer than the limit");
    assertOneLineError(get("/api?key=bad-one"), 400, "refused", "bad keys are refused here");
  }

  @Test
  void unknownGroupsAndMissingKeysAre404() throws Exception {
    assertOneLineError(get("/api/nope/x"), 404, "no such group", "'nope'", "'scores'", "'other'");
    assertOneLineError(get("/api?key=missing"), 404, "not found", "group 'scores', key 'missing'", "no row for it");
    assertOneLineError(get("/nothing/here"), 404, "no such endpoint", "/api?key=K");
  }

  @Test
  void originFailuresAre502() throws Exception {
    assertOneLineError(get("/api?key=boom"), 502, "group 'scores', key 'boom'", "kaput second line");
  }

  @Test
  void timeoutsAre504() throws Exception {
    assertOneLineError(get("/api/stuck/hang"), 504, "did not finish within 500 ms");
    assertOneLineError(get("/api?key=origin-timeout"), 504, "did not answer within 5 ms");
  }

  @Test
  void otherMethodsAre405() throws Exception {
    for (String method : new String[] {"POST", "PATCH"}) {
      Resp r = write(method, "/api?key=Tom", "body");
      assertOneLineError(r, 405, "method " + method + " is not allowed");
      assertThat(r.raw().headers().firstValue("allow")).hasValue("GET, DELETE, PUT");
    }
    // The connection survives a request with a body that nobody reads.
    assertThat(get("/api?key=Tom").status()).isEqualTo(200);
  }

  private Resp write(String method, String path, String body) throws Exception {
    return send(HttpRequest.newBuilder().timeout(Duration.ofSeconds(30)).uri(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void putDeleteAndBatchRemoveAnswerWithThePeersTold() throws Exception {
    Resp put = write("PUT", "/api?key=Tom", "631");
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(put.type()).isEqualTo("application/json");
    assertThat(put.text()).isEqualTo("{\"group\":\"scores\",\"keys\":[\"Tom\"],\"told\":[],\"notTold\":{}}");
    assertThat(get("/api?key=Tom").text()).isEqualTo("631");
    assertThat(write("DELETE", "/api/scores/Tom", null).status()).isEqualTo(200);
    assertThat(get("/api/scores/Tom").text()).isEqualTo("value-of-Tom");
    assertThat(write("PUT", "/api/other/k?ttl=30s", "v").status()).isEqualTo(200);
    assertThat(get("/api/other/k").text()).isEqualTo("v");
    Resp batch = write("POST", "/api/other/_remove", "{\"keys\":[\"k\",\"j\"]}");
    assertThat(batch.status()).as(batch.text()).isEqualTo(200);
    assertThat(batch.text()).contains("\"keys\":[\"k\",\"j\"]");
    assertThat(get("/api/other/k").text()).isEqualTo("other:k");
    assertThat(cache.group("other").orElseThrow().stats().removes()).isEqualTo(2);
  }

  @Test
  void badWritesAre4xxWithAReason() throws Exception {
    assertOneLineError(write("PUT", "/api?key=Tom&ttl=soon", "v"), 400, "bad ttl");
    assertOneLineError(write("PUT", "/api?key=Tom&ttl=0s", "v"), 400, "bad ttl");
    assertOneLineError(write("PUT", "/api?key=Tom&ttl=PT9999999999999H", "v"), 400, "bad ttl", "too long a duration");
    assertOneLineError(write("DELETE", "/api/nosuch/Tom", null), 404, "no such group");
    assertOneLineError(write("POST", "/api/scores/_remove", "not json"), 400, "not JSON");
    assertOneLineError(write("POST", "/api/scores/_remove", "{\"keys\":[]}"), 400, "at least one key");
    assertOneLineError(write("POST", "/api/scores/Tom", "x"), 405, "POST is only for");
    assertOneLineError(write("DELETE", "/api?key=bad-key", null), 400, "refused");
  }

  /**
   * A node that listens before it knows its peers answers the cache's requests 503 with why: were
   * it to serve them, it would load every key itself, as a cluster of one.
   */
  @Test
  void whileTheNodeIsNotServingYetTheCachesRequestsGet503AndNothingIsLoaded() throws Exception {
    notServing.set("this node is starting (looking up the peers); ask another node");
    assertOneLineError(get("/api/scores/early"), 503, "starting", "ask another node");
    assertOneLineError(get("/api?key=early"), 503, "starting");
    assertOneLineError(write("PUT", "/api/scores/early", "v"), 503, "starting");
    assertOneLineError(write("DELETE", "/api/scores/early", null), 503, "starting");
    assertThat(get("/healthz").status()).as("health is the health supplier's").isEqualTo(200);
    assertThat(get("/stats").status()).isEqualTo(200);
    assertThat(cache.group("scores").orElseThrow().stats().loads()).as("loads while not serving").isZero();

    notServing.set(null);
    assertThat(get("/api/scores/early").text()).isEqualTo("value-of-early");
    assertThat(cache.group("scores").orElseThrow().stats().loads()).isEqualTo(1);
  }

  @Test
  void statsAndHealth() throws Exception {
    Resp s = get("/stats");
    assertThat(s.status()).isEqualTo(200);
    assertThat(s.type()).isEqualTo("application/json");
    assertThat(s.text()).isEqualTo("{\"stats\":true}\n");
    Resp h = get("/healthz");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.text()).isEqualTo("ok\n");
    assertThat(get("/livez").text()).isEqualTo("alive\n");
    healthProblem.set("starting: looking up the peers");
    assertThat(get("/healthz").status()).isEqualTo(503);
    Resp live = get("/livez");
    assertThat(live.status()).as("unready, but alive").isEqualTo(200);
    assertThat(live.text()).isEqualTo("alive\n");
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /api?key=slow HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /api?key=Tom HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /api?key=missing HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() == 4);
      releaseSlow.countDown();
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      List<String> bodies = new ArrayList<>();
      for (String part : all.split("HTTP/1.1 ")) {
        if (!part.isEmpty()) {
          bodies.add(part.substring(0, 3) + " " + part.substring(part.indexOf("\r\n\r\n") + 4).strip());
        }
      }
      assertThat(bodies).hasSize(4);
      assertThat(bodies.get(0)).isEqualTo("200 slow");
      assertThat(bodies.get(1)).isEqualTo("200 value-of-Tom");
      assertThat(bodies.get(2)).startsWith("404 not found");
      assertThat(bodies.get(3)).isEqualTo("200 ok");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 0);
  }

  @Test
  void http10AndConnectionCloseEndTheConnection() throws Exception {
    for (String req : new String[] {"GET /api?key=Tom HTTP/1.0\r\n\r\n",
        "GET /api?key=Tom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // to EOF
        assertThat(all).contains(" 200 OK").contains("connection: close").endsWith("value-of-Tom");
      }
    }
    try (Socket s = new Socket("127.0.0.1", port)) { // HTTP/1.0 keep-alive stays open
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /api?key=A HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String head = readResponse(s.getInputStream());
      assertThat(head).contains("connection: keep-alive").endsWith("value-of-A");
      s.getOutputStream().write("GET /api?key=B HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(s.getInputStream())).endsWith("value-of-B");
    }
  }

  @Test
  void malformedRequestsGet4xxAndTheServerGoesOn() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET /" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(all).startsWith("HTTP/1.1 414").contains("4096 UTF-8 bytes");
    }
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(10_000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(all).startsWith("HTTP/1.1 431");
    }
    assertThat(get("/api?key=Tom").status()).isEqualTo(200);
  }

  @Test
  void gracefulStopAnswersRequestsInFlightAndRefusesNewConnections() throws Exception {
    CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
        HttpRequest.newBuilder().timeout(Duration.ofSeconds(30)).uri(URI.create("http://127.0.0.1:" + port + "/api?key=slow")).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> server.inFlight() == 1);
    server.stopAccepting();
    assertThat(server.awaitIdle(Duration.ofMillis(50))).isFalse();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(5000);
      assertThat(s.getInputStream().read()).isEqualTo(-1); // accepted by no one: closed at once
    } catch (ConnectException expected) {
      // or refused outright
    }
    releaseSlow.countDown();
    HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("slow");
    assertThat(r.headers().firstValue("connection")).hasValue("close");
    assertThat(server.awaitIdle(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void connectionsOverTheLimitAreClosed() throws Exception {
    server.close();
    server = newServer(1);
    port = server.boundAddresses().get(0).getPort();
    try (Socket first = new Socket("127.0.0.1", port); Socket second = new Socket("127.0.0.1", port)) {
      first.setSoTimeout(10_000);
      second.setSoTimeout(10_000);
      first.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(first.getInputStream())).endsWith("ok\n");
      assertThat(second.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void manyConcurrentRequests() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add(http.sendAsync(HttpRequest.newBuilder().timeout(Duration.ofSeconds(30)).uri(URI.create("http://127.0.0.1:" + port + "/api?key=k" + (i % 30))).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (int i = 0; i < all.size(); i++) {
      HttpResponse<String> r = all.get(i).get(30, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("value-of-k" + (i % 30));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> server.inFlight() == 0);
  }

  /**
   * Loads that end within microseconds of their request, each on its own key, so that answers
   * arrive while the handler is still deciding whether to write or queue their request: every
   * one must reach its client. (An answer that arrived between the handler's two readiness checks
   * once stayed queued with nothing to write it; that window is too narrow to hit on demand, so
   * this guards lost answers in general.)
   */
  @Test
  void answersArrivingWhileTheirRequestIsQueuedAreWritten() throws Exception {
    for (int batch = 0; batch < 50; batch++) {
      List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String key = "racy-" + batch + "-" + i;
        inFlight.add(http.sendAsync(HttpRequest.newBuilder().timeout(Duration.ofSeconds(30))
            .uri(URI.create("http://127.0.0.1:" + port + "/api?key=" + key)).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (int i = 0; i < inFlight.size(); i++) {
        HttpResponse<String> r = inFlight.get(i).get(60, TimeUnit.SECONDS);
        assertThat(r.body()).as("status %d", r.statusCode()).isEqualTo("value-of-racy-" + batch + "-" + i);
      }
    }
  }

  /** The HTTP-level bad-input cases of the peer endpoint's test that apply to the API: the same layer answers both. */
  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> badRequests() {
    String hugeHeader = "X-Big: " + "h".repeat(20_000) + "\r\n";
    String manyHeaders = "X-Many: 1234567890\r\n".repeat(2000);
    String close = "Host: x\r\nConnection: close\r\n";
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("POST", "POST /stats HTTP/1.1\r\n" + close + "Content-Length: 3\r\n\r\nabc", 405, "GET only"),
        org.junit.jupiter.params.provider.Arguments.of("DELETE", "DELETE /healthz HTTP/1.1\r\n" + close + "\r\n", 405, "GET only"),
        org.junit.jupiter.params.provider.Arguments.of("PATCH", "PATCH /api/scores/k HTTP/1.1\r\n" + close + "\r\n", 405, "GET, DELETE, PUT, POST only"),
        org.junit.jupiter.params.provider.Arguments.of("made-up method", "BREW /stats HTTP/1.1\r\n" + close + "\r\n", 405, "GET only"),
        org.junit.jupiter.params.provider.Arguments.of("huge URL", "GET /api/scores/" + "%41".repeat(40_000) + " HTTP/1.1\r\n" + close + "\r\n", 414, "too long"),
        org.junit.jupiter.params.provider.Arguments.of("huge header", "GET /api?key=k HTTP/1.1\r\n" + close + hugeHeader + "\r\n", 431, "too large"),
        org.junit.jupiter.params.provider.Arguments.of("many headers", "GET /api?key=k HTTP/1.1\r\n" + close + manyHeaders + "\r\n", 431, "too large"),
        org.junit.jupiter.params.provider.Arguments.of("large body", "GET /api?key=k HTTP/1.1\r\n" + close + "Content-Length: 100000\r\n\r\n" + "b".repeat(100_000), 413, "too large"),
        org.junit.jupiter.params.provider.Arguments.of("HTTP/9.9", "GET /api?key=k HTTP/9.9\r\n" + close + "\r\n", 400, "unsupported protocol version"),
        org.junit.jupiter.params.provider.Arguments.of("not HTTP", "GET /api?key=k FOO/1.1\r\n" + close + "\r\n", 400, "version"),
        org.junit.jupiter.params.provider.Arguments.of("no version", "GET /api?key=k\r\n\r\n", 400, ""),
        org.junit.jupiter.params.provider.Arguments.of("text garbage", "hello there\r\n\r\n", 400, ""),
        org.junit.jupiter.params.provider.Arguments.of("bad content length", "GET /api?key=k HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400, ""),
        org.junit.jupiter.params.provider.Arguments.of("space in header name", "GET /api?key=k HTTP/1.1\r\nBad Header: 1\r\n\r\n", 400, ""));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("badRequests")
  void badRequestGetsA4xxWithOneLineAndTheServerGoesOn(String what, String request, int status, String reason) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      String all = readResponse(s.getInputStream()); // head and content-length body (the server may reset after it)
      assertThat(all).as(what).startsWith("HTTP/1.1 " + status + " ");
      String body = all.substring(all.indexOf("\r\n\r\n") + 4);
      assertThat(body).as(what).contains(reason).endsWith("\n");
      assertThat(body.strip()).doesNotContain("\n");
    }
    assertThat(get("/api?key=Tom").status()).isEqualTo(200);
  }

  /** Sends a request target as it is (clients refuse malformed ones) and returns the whole response. */
  private String raw(String target) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Reads one response with a content-length from {@code in}; returns head and body as text. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the headers: " + head);
      }
      head.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int len = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        len = Integer.parseInt(line.substring(15).trim());
      }
    }
    return h + new String(in.readNBytes(len), StandardCharsets.UTF_8);
  }
}
