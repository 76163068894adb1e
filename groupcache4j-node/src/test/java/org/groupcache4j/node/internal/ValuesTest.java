package org.groupcache4j.node.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void sizesInBinaryUnitsOrPlainBytes() {
    assertThat(Values.size("64MiB")).isEqualTo(64L << 20);
    assertThat(Values.size("1GiB")).isEqualTo(1L << 30);
    assertThat(Values.size("512KiB")).isEqualTo(512L << 10);
    assertThat(Values.size("512kib")).isEqualTo(512L << 10);
    assertThat(Values.size("1048576")).isEqualTo(1048576);
    assertThat(Values.size("100B")).isEqualTo(100);
    assertThat(Values.size("0")).isZero();
    assertThat(Values.size(" 2TiB ")).isEqualTo(2L << 40);
  }

  @Test
  void badSizesSayWhatIsAccepted() {
    for (String bad : new String[] {"64MB", "1.5GiB", "-1", "", "lots", "64 M", "99999999999999999999"}) {
      assertThatThrownBy(() -> Values.size(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> Values.size("64MB")).hasMessageContaining("64MiB").hasMessageContaining("1GiB")
        .hasMessageContaining("512KiB").hasMessageContaining("plain bytes");
    assertThatThrownBy(() -> Values.size("9999999999TiB")).hasMessageContaining("too large");
  }

  @Test
  void springDataSizeUnitsAreBinaryToo() {
    assertThat(Values.dataSize("64MB")).isEqualTo(64L << 20).isEqualTo(Values.dataSize("64MiB"));
    assertThat(Values.dataSize("512KB")).isEqualTo(512L << 10);
    assertThat(Values.dataSize("1GB")).isEqualTo(1L << 30);
    assertThat(Values.dataSize("2tb")).isEqualTo(2L << 40);
    assertThat(Values.dataSize("100B")).isEqualTo(100);
    assertThat(Values.dataSize("1048576")).isEqualTo(1048576);
    for (String bad : new String[] {"1.5GB", "-1", "", "lots", "64 M", "64MiBs"}) {
      assertThatThrownBy(() -> Values.dataSize(bad)).as(bad).hasMessageContaining("'" + bad + "' is not a size")
          .hasMessageContaining("MB/MiB");
    }
    assertThatThrownBy(() -> Values.dataSize("9999999999TB")).hasMessageContaining("too large");
  }

  @Test
  void switchesCountsAndPaths() {
    for (String on : new String[] {"true", "YES", " on "}) {
      assertThat(Values.bool(on)).as(on).isTrue();
    }
    for (String off : new String[] {"false", "No", "off"}) {
      assertThat(Values.bool(off)).as(off).isFalse();
    }
    assertThatThrownBy(() -> Values.bool("maybe")).hasMessage("use true or false");
    assertThat(Values.atLeastOne(" 3 ", "")).isEqualTo(3);
    assertThatThrownBy(() -> Values.atLeastOne("0", "(50 is the default)")).hasMessage("use 1 or more (50 is the default)");
    assertThatThrownBy(() -> Values.atLeastOne("many", "")).hasMessage("not a whole number; use 1 or more");
    assertThat(Values.path("a/b.pem", "name it")).isEqualTo(java.nio.file.Path.of("a/b.pem"));
    assertThatThrownBy(() -> Values.path(" ", "name the file")).hasMessage("name the file");
  }

  @Property
  void formattedSizesParseBack(@ForAll @LongRange(min = 0, max = 1L << 50) long bytes) {
    assertThat(Values.size(Values.formatSize(bytes))).isEqualTo(bytes);
  }

  @Test
  void durations() {
    assertThat(Values.duration("200ms")).isEqualTo(Duration.ofMillis(200));
    assertThat(Values.duration("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Values.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Values.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Values.duration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Values.duration("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(Values.duration("PT3S")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Values.duration("0s")).isZero();
    assertThatThrownBy(() -> Values.duration("5")).hasMessageContaining("'5' is not a duration").hasMessageContaining("200ms");
    assertThatThrownBy(() -> Values.duration("-1s")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Values.duration("5 sec")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Values.positiveDuration("0ms")).hasMessageContaining("longer than zero");
    // Longer than a long of nanoseconds: refused here, not an overflow where it is used (a PUT's ?ttl=, --ttl).
    for (String tooLong : new String[] {"PT9999999999999H", "P999999999D", "9999999999h"}) {
      assertThatThrownBy(() -> Values.duration(tooLong)).as(tooLong).hasMessageContaining("'" + tooLong + "' is too long");
    }
    assertThat(Values.duration("PT2562047H")).isEqualTo(Duration.ofHours(2562047));
    assertThat(Values.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Values.formatDuration(Duration.ofSeconds(5))).isEqualTo("5s");
  }

  @Test
  void hostPorts() {
    assertThat(Values.hostPort("127.0.0.1:9999").getHostString()).isEqualTo("127.0.0.1");
    assertThat(Values.hostPort("127.0.0.1:9999").getPort()).isEqualTo(9999);
    assertThat(Values.hostPort(":9999").getHostString()).isEqualTo("0.0.0.0");
    assertThat(Values.hostPort("[::1]:80").getHostString()).isEqualTo("::1");
    assertThat(Values.hostPort("localhost:0").getPort()).isZero();
    assertThat(Values.hostPorts("127.0.0.1:1,127.0.0.1:2")).hasSize(2);
    for (String bad : new String[] {"9999", "host:", "host:http", "host:70000", "::1:80", ""}) {
      assertThatThrownBy(() -> Values.hostPort(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Values.hostPort("9999")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> Values.hostPort("[::1]")).as("bracketed, but no port")
        .hasMessageStartingWith("'[::1]' is not HOST:PORT").hasMessageContaining("[::1]:9999");
    assertThatThrownBy(() -> Values.hostPorts(",")).hasMessageContaining("names no address");
  }

  @Test
  void peerUrlsAreKeptExactlyAndChecked() {
    assertThat(Values.peerUrl("http://127.0.0.1:8001")).isEqualTo("http://127.0.0.1:8001");
    assertThat(Values.peerUrls("http://a:1, http://b:2")).containsExactly("http://a:1", "http://b:2");
    assertThat(Values.peerUrls("https://10.0.0.1:8443,http://b:2")).containsExactly("https://10.0.0.1:8443", "http://b:2");
    for (String bad : new String[] {"127.0.0.1:8001", "http://127.0.0.1:8001/", "http://127.0.0.1",
        "https://a", "http://a:1/x", "http://a:1?q", "ftp://a:1", ""}) {
      assertThatThrownBy(() -> Values.peerUrl(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://HOST:PORT");
    }
    assertThatThrownBy(() -> Values.peerUrls("http://a:1,http://a:1")).hasMessageContaining("listed twice");
    assertThat(Values.peerUrl("http://127.0.0.1:65535")).isEqualTo("http://127.0.0.1:65535");
    assertThatThrownBy(() -> Values.peerUrl("http://127.0.0.1:70000"))
        .hasMessage("'http://127.0.0.1:70000' has port 70000; use a port 0..65535, e.g. http://10.0.0.1:8001");
  }
}
