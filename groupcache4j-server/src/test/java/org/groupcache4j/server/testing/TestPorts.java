package org.groupcache4j.server.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports for the tests of this module (the one helper: every test picks its ports here). */
public final class TestPorts {
  private TestPorts() {
  }

  /**
   * A loopback port that was free a moment ago. Another process may take it before the caller binds
   * it: a test that names the port before binding (a peer URL) retries on other ports, as
   * {@link LocalCluster} does.
   */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
