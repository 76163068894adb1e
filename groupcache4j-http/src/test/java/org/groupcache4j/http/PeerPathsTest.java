package org.groupcache4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.groupcache4j.http.internal.http1.RequestTarget;
import org.groupcache4j.http.internal.protocol.PeerPaths;
import org.groupcache4j.http.internal.protocol.PeerPaths.GroupKey;
import org.junit.jupiter.api.Test;

class PeerPathsTest {
  private static final String BASE = "/_groupcache/";

  private static GroupKey route(String uri) {
    return PeerPaths.groupAndKey(RequestTarget.parse(uri).rawPath(), BASE);
  }

  private static String error(String uri) {
    try {
      route(uri);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  @Test
  void escapesEveryByteOutsideUnreserved() {
    assertThat(PeerPaths.escape("Tom")).isEqualTo("Tom");
    assertThat(PeerPaths.escape("AZaz09-._~")).isEqualTo("AZaz09-._~");
    assertThat(PeerPaths.escape("a b")).isEqualTo("a%20b");
    assertThat(PeerPaths.escape("a+b")).isEqualTo("a%2Bb");
    assertThat(PeerPaths.escape("a/b")).isEqualTo("a%2Fb");
    assertThat(PeerPaths.escape("100%")).isEqualTo("100%25");
    assertThat(PeerPaths.escape("é")).isEqualTo("%C3%A9");
    assertThat(PeerPaths.escape("?#&=:;@!*'()")).isEqualTo("%3F%23%26%3D%3A%3B%40%21%2A%27%28%29");
    assertThat(PeerPaths.escape("")).isEmpty();
  }

  @Test
  void routesAsGolangGroupcacheDoes() {
    GroupKey r = route("/_groupcache/scores/a+b");
    assertThat(r.group()).isEqualTo("scores");
    assertThat(r.key()).as("'+' stays '+' in a path").isEqualTo("a+b");
    assertThat(route("/_groupcache/scores/a%20b").key()).isEqualTo("a b");
    assertThat(route("/_groupcache/scores/a/b/").key()).isEqualTo("a/b/");
    assertThat(route("/_groupcache/scores/a%2Fb").key()).isEqualTo("a/b");
    assertThat(route("/_groupcache/scores/").key()).isEmpty();
    assertThat(route("/_groupcache/scores/k?x=1#f").key()).isEqualTo("k");
    assertThat(route("http://10.0.0.1:8001/_groupcache/scores/k").key()).isEqualTo("k");
    assertThat(route("/_groupcache/sc%6Fres/%C3%A9").group()).isEqualTo("scores");
    assertThat(route("/_groupcache/scores/%C3%A9").key()).isEqualTo("é");
    // raw UTF-8 bytes in the request line arrive one char per byte
    String raw = new String("/_groupcache/scores/é".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    assertThat(route(raw).key()).isEqualTo("é");
  }

  @Test
  void rejectsMalformedPathsWithOneLineReasons() {
    assertThat(error("/_groupcache/scores")).contains("{group}/{key}");
    assertThat(error("/_groupcache/")).contains("{group}/{key}");
    assertThat(error("/_groupcache/scores/%zz")).contains("invalid percent-escape \"%zz\"");
    assertThat(error("/_groupcache/scores/%4")).contains("invalid percent-escape");
    assertThat(error("/_groupcache/scores/%")).contains("invalid percent-escape");
    assertThat(error("/_groupcache/scores/%ff%fe")).contains("not valid UTF-8");
    assertThatThrownBy(() -> RequestTarget.decodePath("%G0")).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 500)
  void anyGroupAndKeyRoundTrip(@ForAll String group, @ForAll String key) {
    Assume.that(!group.contains("/") && isWellFormed(group) && isWellFormed(key));
    GroupKey r = route(BASE + PeerPaths.escape(group) + "/" + PeerPaths.escape(key)); // as our client asks
    assertThat(r.group()).isEqualTo(group);
    assertThat(r.key()).isEqualTo(key);
  }

  @Property(tries = 300)
  void escapedTextIsPlainUnreservedAscii(@ForAll String s) {
    assertThat(PeerPaths.escape(s)).matches("[A-Za-z0-9._~%-]*");
  }

  private static boolean isWellFormed(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
  }
}
