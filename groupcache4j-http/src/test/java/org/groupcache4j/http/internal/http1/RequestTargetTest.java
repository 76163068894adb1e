package org.groupcache4j.http.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.groupcache4j.http.internal.protocol.PeerPaths;
import org.junit.jupiter.api.Test;

class RequestTargetTest {
  @Test
  void splitsOriginAndAbsoluteForm() {
    RequestTarget t = RequestTarget.parse("/api?key=K%20L&flag#frag");
    assertThat(t.rawPath()).isEqualTo("/api");
    assertThat(t.rawQueryParam("key")).isEqualTo("K%20L");
    assertThat(t.rawQueryParam("flag")).isEmpty();
    assertThat(t.rawQueryParam("ke")).isNull();
    assertThat(RequestTarget.parse("/api").rawQueryParam("key")).isNull();
    assertThat(RequestTarget.parse("/api?x=1&key=K&key=L").rawQueryParam("key")).isEqualTo("K");
    assertThat(RequestTarget.parse("/a/b#f?x").rawPath()).isEqualTo("/a/b");
    assertThat(RequestTarget.parse("/a/b#f?x").rawQueryParam("x")).as("no query after a fragment").isNull();
    assertThat(RequestTarget.parse("http://10.0.0.1:8001/_groupcache/s/k?x=1").rawPath()).isEqualTo("/_groupcache/s/k");
    assertThat(RequestTarget.parse("https://h").rawPath()).isEqualTo("/");
    assertThat(RequestTarget.parse("http://h?key=1").rawQueryParam("key")).isEqualTo("1");
    assertThat(RequestTarget.parse("*").rawPath()).isNull();
    assertThat(RequestTarget.parse("garbage").rawPath()).isNull();
  }

  @Test
  void decodesPathsAndQueryValues() {
    assertThat(RequestTarget.decodePath("plain")).isSameAs("plain");
    assertThat(RequestTarget.decodeQueryValue("a+b%2B")).isEqualTo("a b+");
    assertThat(RequestTarget.decodePath("a+b%2B")).isEqualTo("a+b+");
    assertThat(RequestTarget.decodePath("/x/%e2%82%ac")).isEqualTo("/x/€");
    assertThat(RequestTarget.decodePath("€%20")).isEqualTo("€ ");
    String rawUtf8 = new String("é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertThat(RequestTarget.decodePath(rawUtf8)).as("bytes as an HTTP decoder gives them").isEqualTo("é");
  }

  @Test
  void refusesBadEscapesAndBadUtf8WithAReason() {
    for (String bad : new String[] {"%", "%4", "%g0", "a%zz"}) {
      assertThatThrownBy(() -> RequestTarget.decodePath(bad)).as(bad).hasMessageContaining("invalid percent-escape");
      assertThatThrownBy(() -> RequestTarget.decodeQueryValue(bad)).as(bad).hasMessageContaining("invalid percent-escape");
    }
    assertThatThrownBy(() -> RequestTarget.decodePath("a%zz")).hasMessageContaining("\"%zz\" at offset 1");
    assertThatThrownBy(() -> RequestTarget.decodePath("%ff")).hasMessageContaining("not valid UTF-8");
    assertThatThrownBy(() -> RequestTarget.decodeQueryValue("%C3%28")).hasMessageContaining("not valid UTF-8");
  }

  @Property(tries = 500)
  void decodingUndoesPercentEncoding(@ForAll String s) {
    Assume.that(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s));
    assertThat(RequestTarget.decodePath(PeerPaths.escape(s))).isEqualTo(s);
    assertThat(RequestTarget.decodeQueryValue(PeerPaths.escape(s))).isEqualTo(s);
  }
}
