package org.groupcache4j.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which numbers of an example are this machine's ports, replaced by free ones. */
class PortsTest {
  @Test
  void localPortsAreReplacedEverywhereOnThePageAndOtherHostsPortsStay() {
    Ports ports = new Ports();
    ports.collect("./groupcache4j serve --self http://127.0.0.1:8001 --api :9001\n");
    String out = ports.rewrite("curl http://localhost:9001/x; for p in 9001 8001; do :; done\n"
        + "ring --peers http://10.0.0.1:8001,http://backend:8001 Tom\n--cache-bytes 8001MiB 18001");
    String p8001 = ports.map("8001");
    String p9001 = ports.map("9001");
    assertThat(p8001).isNotEqualTo("8001");
    assertThat(out).isEqualTo("curl http://localhost:" + p9001 + "/x; for p in " + p9001 + " " + p8001 + "; do :; done\n"
        + "ring --peers http://10.0.0.1:8001,http://backend:8001 Tom\n--cache-bytes 8001MiB 18001");
  }

  @Test
  void theDemosPortListsArePorts() {
    Ports ports = new Ports();
    ports.collect("demo --peer-ports 18001,18002,18003 --api-ports=19001,19002,19003");
    assertThat(ports.all()).containsOnlyKeys("18001", "18002", "18003", "19001", "19002", "19003");
  }
}
