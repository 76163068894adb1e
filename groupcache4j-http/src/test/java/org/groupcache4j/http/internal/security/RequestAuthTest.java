package org.groupcache4j.http.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequestAuthTest {
  @TempDir
  Path dir;

  Path token(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void aShortTokenIsWarnedOfOncePerFileByTheInstancesThatUseItNotByTheCheck() throws Exception {
    Path f = token("short", "sh0rt\n");
    java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.groupcache4j.http");
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel() == java.util.logging.Level.WARNING && r.getMessage().contains(f.toString())) {
          warnings.add(r.getMessage());
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(capture);
    try {
      assertThat(BearerTokens.check(f)).isEqualTo(f);
      assertThat(warnings).isEmpty();
      BearerTokens.fromFile(f);
      assertThat(warnings).singleElement().asString().contains("only 5 characters").doesNotContain("sh0rt");
      // Another instance of the same file (e.g. the API's read and write tokens in one file): no second warning.
      BearerTokens.fromFile(f);
      BearerTokens.fromFile(dir.resolve(".").resolve("short"));
      assertThat(warnings).hasSize(1);
      // A new short token in it is warned of again.
      Files.writeString(f, "sh0rter\n");
      Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5_000));
      BearerTokens.fromFile(f);
      assertThat(warnings).hasSize(2);
      assertThat(warnings.get(1)).contains("only 7 characters");
    } finally {
      log.removeHandler(capture);
    }
  }

  @Test
  void readsNeedTheReadOrWriteTokenAndWritesTheWriteToken() throws Exception {
    BearerTokens read = BearerTokens.fromFile(token("read", "r3ad-token-0123456789abcdef\n"));
    BearerTokens write = BearerTokens.fromFile(token("write", "wr1te-token-0123456789abcdef\n"));
    RequestAuth auth = new RequestAuth(read, write);
    assertThat(auth.check("GET", "Bearer r3ad-token-0123456789abcdef")).isNull();
    assertThat(auth.check("GET", "bearer wr1te-token-0123456789abcdef")).isNull();
    assertThat(auth.check("PUT", "Bearer wr1te-token-0123456789abcdef")).isNull();
    assertThat(auth.check("DELETE", "Bearer wr1te-token-0123456789abcdef")).isNull();

    RequestAuth.Refusal none = auth.check("GET", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.wwwAuthenticate()).isEqualTo("Bearer realm=\"groupcache4j\"");
    RequestAuth.Refusal wrong = auth.check("GET", "Bearer r3ad-token-0123456789abcdeX");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.wwwAuthenticate()).contains("error=\"invalid_token\"");
    assertThat(wrong.reason()).doesNotContain("r3ad-token");
    assertThat(auth.check("GET", "Basic dXNlcjpwYXNz").status()).isEqualTo(401);
    RequestAuth.Refusal readOnly = auth.check("PUT", "Bearer r3ad-token-0123456789abcdef");
    assertThat(readOnly.status()).isEqualTo(403);
    assertThat(readOnly.wwwAuthenticate()).contains("insufficient_scope");
    assertThat(auth.check("DELETE", null).status()).isEqualTo(401);
  }

  @Test
  void eachClientMayHaveItsOwnTokenOnItsOwnLine() throws Exception {
    BearerTokens read = BearerTokens.fromFile(token("clients", "client-a-0123456789abcdef\nclient-b-0123456789abcdef\n"));
    BearerTokens write = BearerTokens.fromFile(token("writers", "writer-a-0123456789abcdef\nwriter-b-0123456789abcdef\n"));
    RequestAuth auth = new RequestAuth(read, write);
    assertThat(auth.check("GET", "Bearer client-a-0123456789abcdef")).isNull();
    assertThat(auth.check("GET", "Bearer client-b-0123456789abcdef")).isNull();
    assertThat(auth.check("PUT", "Bearer writer-b-0123456789abcdef")).isNull();
    assertThat(auth.check("PUT", "Bearer client-b-0123456789abcdef").status()).isEqualTo(403);
    assertThat(auth.check("GET", "Bearer client-c-0123456789abcdef").status()).isEqualTo(401);
  }

  @Test
  void oneTokenGuardsEverythingAWriteTokenAloneGuardsWrites() throws Exception {
    BearerTokens t = BearerTokens.fromFile(token("t", "only-token-0123456789abcdef"));
    RequestAuth readToken = new RequestAuth(t, null);
    assertThat(readToken.check("GET", null)).isNotNull();
    assertThat(readToken.check("PUT", "Bearer only-token-0123456789abcdef")).isNull();
    RequestAuth writeToken = new RequestAuth(null, t);
    assertThat(writeToken.check("GET", null)).isNull();
    assertThat(writeToken.check("PUT", null).status()).isEqualTo(401);
    assertThat(new RequestAuth(null, null).enabled()).isFalse();
  }

  @Test
  void onlyTheWholeTokenIsAcceptedWhateverTheLengthGiven() throws Exception {
    BearerTokens t = BearerTokens.fromFile(token("whole", "abcdefghijklmnopqrstuvwxyz012345\n"));
    assertThat(t.accepts("Bearer abcdefghijklmnopqrstuvwxyz012345")).isTrue();
    assertThat(t.accepts("BEARER   abcdefghijklmnopqrstuvwxyz012345 \t")).isTrue(); // as tokenOf trims
    assertThat(t.accepts("Bearer abcdefghijklmnopqrstuvwxyz01234")).isFalse(); // a prefix
    assertThat(t.accepts("Bearer abcdefghijklmnopqrstuvwxyz0123456")).isFalse(); // one more character
    assertThat(t.accepts("Bearer abcdefghijklmnopqrstuvwxyz012345abcdefghijklmnopqrstuvwxyz012345")).isFalse();
    assertThat(t.accepts("Bearer Xbcdefghijklmnopqrstuvwxyz012345")).isFalse();
    assertThat(t.accepts("Bearer abcdefghijklmnopqrstuvwxyz01234\u0175")).isFalse(); // '5' + 0x100
    assertThat(t.accepts("Bearer a")).isFalse();
    assertThat(t.accepts("Bearer    ")).isFalse();
    assertThat(t.accepts("Bearer")).isFalse();
    assertThat(t.accepts("Basic abcdefghijklmnopqrstuvwxyz012345")).isFalse();
    assertThat(t.accepts(null)).isFalse();
  }

  @Test
  void theHeaderLineToSendIsBuiltOncePerToken() throws Exception {
    Path f = token("line", "line-token-0123456789abcdef\n");
    BearerTokens t = BearerTokens.fromFile(f, Duration.ofMillis(1));
    byte[] line = t.requestHeaderLine();
    assertThat(new String(line, java.nio.charset.StandardCharsets.ISO_8859_1))
        .isEqualTo("authorization: Bearer line-token-0123456789abcdef\r\n");
    assertThat(t.requestHeaderLine()).isSameAs(line);
    Files.writeString(f, "line-token-2-0123456789abcdef\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 2000));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> t.requestHeaderLine() != line);
    byte[] next = t.requestHeaderLine();
    assertThat(new String(next, java.nio.charset.StandardCharsets.ISO_8859_1))
        .isEqualTo("authorization: Bearer line-token-2-0123456789abcdef\r\n");
    assertThat(t.requestHeaderLine()).isSameAs(next);
    assertThat(t.accepts("Bearer line-token-2-0123456789abcdef")).isTrue();
    assertThat(t.accepts("Bearer line-token-0123456789abcdef")).isFalse();
  }

  @Test
  void badTokenFilesAreRefusedWithoutShowingTheToken() throws Exception {
    assertThatThrownBy(() -> BearerTokens.fromFile(dir.resolve("missing")))
        .hasMessage("token file " + dir.resolve("missing") + ": no such file");
    assertThatThrownBy(() -> BearerTokens.fromFile(token("empty", "\n"))).hasMessageContaining("it is empty");
    assertThatThrownBy(() -> BearerTokens.fromFile(token("two", "secret-one-0123456789abcdef\nsecret two\n")))
        .hasMessageContaining("line 2: character 7").message().doesNotContain("secret");
    assertThatThrownBy(() -> BearerTokens.fromFile(token("blank", "\n\r\n\n"))).hasMessageContaining("it is empty");
    assertThatThrownBy(() -> BearerTokens.fromFile(token("space", "secret with space")))
        .hasMessageContaining("character 7").message().doesNotContain("secret with");
    assertThat(BearerTokens.fromFile(token("ok", "abc-DEF_123.~+/=")).toString()).doesNotContain("abc");
  }

  @Test
  void everyTokenOfTheFileIsAcceptedAndTheFirstIsSent() throws Exception {
    BearerTokens t = BearerTokens.fromFile(token("several",
        "first-token-0123456789abcdef\r\n\nsecond-token-0123456789abcdef\nthird-0123456789abcdef"));
    assertThat(t.accepts("Bearer first-token-0123456789abcdef")).isTrue();
    assertThat(t.accepts("Bearer second-token-0123456789abcdef")).isTrue();
    assertThat(t.accepts("bearer  third-0123456789abcdef ")).isTrue();
    assertThat(t.accepts("Bearer second-token-0123456789abcde")).isFalse(); // a prefix
    assertThat(t.accepts("Bearer second-token-0123456789abcdefX")).isFalse(); // longer
    assertThat(t.accepts("Bearer first-token-0123456789abcdef second-token-0123456789abcdef")).isFalse();
    assertThat(t.accepts("Bearer ")).isFalse();
    assertThat(t.accepts(null)).isFalse();
    assertThat(new String(t.requestHeaderLine(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .isEqualTo("authorization: Bearer first-token-0123456789abcdef\r\n");
  }

  @Test
  void aChangedTokenFileIsUsedWithoutARestart() throws Exception {
    Path f = token("rot", "first-token-0123456789abcdef\n");
    BearerTokens t = BearerTokens.fromFile(f, Duration.ofMillis(1));
    assertThat(t.accepts("Bearer first-token-0123456789abcdef")).isTrue();
    Files.writeString(f, "second-token-0123456789abcdef\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 2000));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> t.accepts("Bearer second-token-0123456789abcdef"));
    assertThat(t.accepts("Bearer first-token-0123456789abcdef")).isFalse();
    assertThat(new String(t.requestHeaderLine(), java.nio.charset.StandardCharsets.ISO_8859_1))
        .isEqualTo("authorization: Bearer second-token-0123456789abcdef\r\n");
    // A broken file keeps the last good token.
    Files.writeString(f, "\n");
    Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 4000));
    Thread.sleep(5); // past the 1 ms look-again interval (not a wait for a condition)
    assertThat(t.accepts("Bearer second-token-0123456789abcdef")).isTrue();
  }
}
