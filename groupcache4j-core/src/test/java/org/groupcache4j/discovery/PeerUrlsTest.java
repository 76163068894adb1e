package org.groupcache4j.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PeerUrlsTest {
  @Test
  void ipv6AddressesAreWrittenInTheirRfc5952ShortForm() throws Exception {
    assertThat(v6("fd00:0:0:0:0:0:0:1")).isEqualTo("fd00::1");
    assertThat(v6("0:0:0:0:0:0:0:1")).isEqualTo("::1");
    assertThat(v6("0:0:0:0:0:0:0:0")).isEqualTo("::");
    assertThat(v6("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1"); // the first of equal runs
    assertThat(v6("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1"); // one zero group stays
    assertThat(v6("fe80:0:0:0:abcd:0:0:0")).isEqualTo("fe80::abcd:0:0:0");
    assertThat(PeerUrls.of("http", InetAddress.getByName("fd00::0a"), 8001)).isEqualTo("http://[fd00::a]:8001");
    assertThat(PeerUrls.of("http", InetAddress.getByName("10.0.0.1"), 8001)).isEqualTo("http://10.0.0.1:8001");
  }

  private static String v6(String literal) throws Exception {
    return PeerUrls.shortV6(InetAddress.getByName(literal).getAddress());
  }
}
