package org.groupcache4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FreePortsTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void freePortsCanBeBoundDifferAndLieOutsideTheKernelsEphemeralRange() throws Exception {
    int[] ports = FreePorts.ports(50);
    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(50);
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (Files.isReadable(range)) { // Linux: no program gets these from the kernel unasked
      String[] r = Files.readAllLines(range).get(0).trim().split("\\s+");
      int low = Integer.parseInt(r[0]);
      int high = Integer.parseInt(r[1]);
      assertThat(Arrays.stream(ports).boxed()).allSatisfy(p -> assertThat(p < low || p > high).as("%d outside %d-%d", p, low, high).isTrue());
    }
    List<ServerSocket> bound = new ArrayList<>();
    try {
      for (int p : ports) {
        bound.add(new ServerSocket(p, 1, LOOPBACK));
      }
    } finally {
      for (ServerSocket s : bound) {
        s.close();
      }
    }
  }

  @Test
  void aRefusingPortRefusesConnectionsAndCannotBeTakenUntilClosed() throws Exception {
    int port;
    try (RefusingPort refusing = FreePorts.refusing()) {
      port = refusing.port();
      assertThat(refusing.url("http")).isEqualTo("http://127.0.0.1:" + port);
      assertThatThrownBy(() -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(LOOPBACK, port), 5_000);
        }
      }).isInstanceOf(ConnectException.class).hasMessageContaining("refused");
      assertThatThrownBy(() -> {
        try (ServerSocket s = new ServerSocket()) {
          s.setReuseAddress(true);
          s.bind(new InetSocketAddress(LOOPBACK, port));
        }
      }).as("another listener on the port").isInstanceOf(BindException.class);
    }
    try (ServerSocket s = new ServerSocket(port, 1, LOOPBACK)) {
      assertThat(s.getLocalPort()).as("free once closed").isEqualTo(port);
    }
  }

  @Test
  void startOnFreePortsStartsAgainOnOtherPortsWhileOneWasTaken() throws Exception {
    List<int[]> tried = new ArrayList<>();
    String started = FreePorts.startOnFreePorts(3, ports -> {
      tried.add(ports);
      if (tried.size() < 3) {
        throw new IOException("cannot listen for peers", new BindException("Address already in use"));
      }
      return "on " + ports.length + " ports";
    });
    assertThat(started).isEqualTo("on 3 ports");
    assertThat(tried).hasSize(3);
    assertThat(tried.get(0)).doesNotContain(tried.get(1));
  }

  @Test
  void startOnFreePortsGivesUpAfterItsAttemptsAndAtOnceOnAnyOtherFailure() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> FreePorts.startOnFreePorts(1, ports -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("bind(..) failed: Address already in use"); // as Netty's native transport says it
    })).hasMessageContaining("Address already in use");
    assertThat(attempts).hasValue(FreePorts.ATTEMPTS);

    attempts.set(0);
    assertThatThrownBy(() -> FreePorts.startOnFreePorts(1, ports -> {
      attempts.incrementAndGet();
      throw new IOException("origin not found");
    })).hasMessage("origin not found");
    assertThat(attempts).hasValue(1);
  }
}
