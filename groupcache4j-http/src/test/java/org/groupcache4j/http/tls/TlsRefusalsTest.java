package org.groupcache4j.http.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.groupcache4j.http.internal.security.TlsContexts;
import org.groupcache4j.http.tls.TestCerts.Ca;
import org.groupcache4j.http.tls.TestCerts.Cert;
import org.groupcache4j.http.tls.TestCerts.KeyType;
import org.groupcache4j.internal.RateLimitedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a TLS port does with clients that do not speak proper TLS to it: each is answered with a
 * 400 or a closed connection, logged with its address and reason, and the port keeps serving.
 */
class TlsRefusalsTest {
  @TempDir
  static Path dir;
  static Ca ca;
  static Cert node;
  static Cert other;

  final List<String> logged = new CopyOnWriteArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if ("org.groupcache4j.http".equals(r.getLoggerName())) {
        logged.add(r.getMessage());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeAll
  static void certificates() {
    ca = TestCerts.newCa(dir, "test CA");
    node = ca.issue("node", KeyType.EC, "127.0.0.1");
    other = ca.issue("other", KeyType.RSA, "127.0.0.1");
  }

  @BeforeEach
  void watchLog() {
    Logger.getLogger("org.groupcache4j.http").addHandler(capture);
  }

  @AfterEach
  void stopWatching() {
    Logger.getLogger("org.groupcache4j.http").removeHandler(capture);
  }

  /** A short handshake timeout, for the clients that never finish one: they are closed after it. */
  static final Duration QUICK = Duration.ofMillis(700);
  /** For real handshakes, which a busy machine may take seconds over. */
  static final Duration PATIENT = Duration.ofSeconds(15);

  static TlsContexts contexts(Cert c, SslProvider provider, Duration handshakeTimeout) {
    return TlsContexts.load(new TlsContexts.Settings(c.certFile(), c.keyFile(), ca.certFile(), true, true,
        handshakeTimeout, Duration.ofSeconds(5)), provider);
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
  void everyBadClientIsRefusedLoggedAndTheNodeKeepsServing(SslProvider provider) throws Exception {
    RateLimitedLog everyLine = new RateLimitedLog("org.groupcache4j.http", Duration.ZERO);
    // Clients that never complete a handshake, on a port that gives up on them soon.
    try (TlsEcho quick = TlsEcho.guarded(contexts(node, provider, QUICK), "127.0.0.1", everyLine)) {
      // Plain HTTP: a 400 in plain text saying to use https, then the connection is closed.
      String answer = exchange(quick.port(), "GET /_groupcache/scores/Tom HTTP/1.1\r\nhost: x\r\n\r\n".getBytes());
      assertThat(answer).startsWith("HTTP/1.1 400 Bad Request").contains("this port speaks TLS", "https://");
      // Garbage: closed without an answer.
      assertThat(exchange(quick.port(), new byte[] {0, 1, 2, 3, 4, 5, 6, 7})).isEmpty();
      // Half a ClientHello (a record header announcing 512 bytes, then 10): closed at the handshake timeout.
      assertThat(exchange(quick.port(), new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0, 1, (byte) 0xfc, 3, 3, 0, 0, 0, 0}))
          .isEmpty();
      // A client that connects and says nothing: closed at the handshake timeout.
      assertThat(exchange(quick.port(), new byte[0])).isEmpty();
      // Still answering.
      assertThat(exchange(quick.port(), "GET / HTTP/1.1\r\n\r\n".getBytes())).startsWith("HTTP/1.1 400 Bad Request");
    }
    // Clients that complete a handshake the node refuses, on a port whose timeout a busy machine does not reach.
    try (TlsEcho port = TlsEcho.guarded(contexts(node, provider, PATIENT), "127.0.0.1", everyLine)) {
      // No client certificate, under mutual TLS.
      assertThatThrownBy(() -> port.connect(SslContextBuilder.forClient().sslProvider(provider)
          .trustManager(ca.certFile().toFile()).build(), "127.0.0.1").echo("x")).isInstanceOf(Exception.class);
      // A certificate from another CA, and an expired one from ours.
      Ca rogue = TestCerts.newCa(dir.resolve("rogue-" + provider), "rogue CA");
      Cert stranger = rogue.issue("stranger", KeyType.EC, "127.0.0.1");
      Cert expired = ca.issueExpired("expired-" + provider, KeyType.EC, "127.0.0.1");
      for (Cert bad : new Cert[] {stranger, expired}) {
        assertThatThrownBy(() -> port.connect(SslContextBuilder.forClient().sslProvider(provider)
            .keyManager(bad.certFile().toFile(), bad.keyFile().toFile()).trustManager(ca.certFile().toFile()).build(),
            "127.0.0.1").echo("x")).isInstanceOf(Exception.class);
      }
      // Still serving.
      try (TlsEcho.Conn ok = port.connect(contexts(other, provider, PATIENT), "127.0.0.1")) {
        assertThat(ok.echo("still serving")).isEqualTo("still serving");
      }
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(logged).hasSizeGreaterThanOrEqualTo(8));
    assertThat(logged).allMatch(m -> m.contains("127.0.0.1:"), "names the remote address");
    assertThat(logged).anyMatch(m -> m.contains("plain HTTP sent to a TLS port"))
        .anyMatch(m -> m.contains("not a TLS handshake"))
        .anyMatch(m -> m.contains("no handshake within the timeout"));
    assertThat(logged.stream().filter(m -> m.contains("TLS handshake from")).count()).isGreaterThanOrEqualTo(5);
  }

  @ParameterizedTest
  @EnumSource(value = SslProvider.class, names = {"JDK"})
  void aFloodOfBadClientsLogsOneLine(SslProvider provider) throws Exception {
    RateLimitedLog limiter = new RateLimitedLog("org.groupcache4j.http", Duration.ofHours(1));
    try (TlsEcho port = TlsEcho.guarded(contexts(node, provider, PATIENT), "127.0.0.1", limiter)) {
      for (int i = 0; i < 20; i++) {
        exchange(port.port(), "GET / HTTP/1.1\r\n\r\n".getBytes());
      }
      assertThat(logged).hasSize(1);
      assertThat(limiter.log("test port", System.Logger.Level.WARNING, () -> "later", null)).isFalse();
    }
  }

  /** Sends {@code bytes}, then reads until the server closes (fails if it does not within 10 s). */
  static String exchange(int port, byte[] bytes) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
