package org.groupcache4j.server.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.groupcache4j.server.internal.origin.HttpOrigin;
import org.junit.jupiter.api.Test;

class UrlsTest {
  @Test
  void queryParameters() {
    String uri = "/api?a=1&key=K%20L&key=2&flag";
    int end = Urls.pathEnd(uri, 0);
    assertThat(end).isEqualTo(4);
    assertThat(Urls.queryParam(uri, end, "key")).isEqualTo("K%20L");
    assertThat(Urls.queryParam(uri, end, "flag")).isEmpty();
    assertThat(Urls.queryParam(uri, end, "ke")).isNull();
    assertThat(Urls.queryParam("/api", 4, "key")).isNull();
    assertThat(Urls.queryParam("/api?key=x#frag", 4, "key")).isEqualTo("x");
  }

  @Test
  void decoding() {
    assertThat(Urls.decode("plain", true)).isSameAs("plain");
    assertThat(Urls.decode("a+b%2B", true)).isEqualTo("a b+");
    assertThat(Urls.decode("a+b%2B", false)).isEqualTo("a+b+");
    assertThat(Urls.decode("%e2%82%ac", false)).isEqualTo("€");
    assertThat(Urls.decode("%", false)).isNull();
    assertThat(Urls.decode("%4", false)).isNull();
    assertThat(Urls.decode("%g0", false)).isNull();
    assertThat(Urls.decode("%ff", false)).isNull();
    assertThat(Urls.decode("€%20", false)).isEqualTo("€ ");
  }

  @Property
  void decodingUndoesPercentEncoding(@ForAll String key) {
    // Strings with lone surrogates have no UTF-8 form; they cannot be keys on the wire.
    String wellFormed = new String(key.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(Urls.decode(HttpOrigin.percentEncode(wellFormed), false)).isEqualTo(wellFormed);
    assertThat(Urls.decode(HttpOrigin.percentEncode(wellFormed), true)).isEqualTo(wellFormed);
  }
}
