package org.groupcache4j.docs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ports a page's examples name (8001, 9001, ...), each standing for a free port of this
 * machine while the test runs them, so that the examples run beside a demo or a node on the
 * ports a reader uses, and beside each other.
 *
 * <p>A number is a port where it follows a colon after a host or alone ({@code 127.0.0.1:9001},
 * {@code :9999}, {@code http://localhost:8002}), or is in the list of {@code demo --peer-ports} or
 * {@code --api-ports}. Once a page has named a port so, every whole-word occurrence of that
 * number in its examples is replaced, also where it stands alone ({@code for p in 9001 9002}).
 * Ports of other hosts ({@code 10.0.0.2:8001}, and {@code backend:8080}, which stands for the
 * reader's HTTP service: see {@link ShellSession}) are neither learnt nor replaced.
 */
final class Ports {
  private static final Pattern AFTER_COLON =
      Pattern.compile("(?<![\\w.:-])((?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:]+\\])?):(\\d{4,5})(?![\\w.])");
  private static final Pattern PORT_LIST = Pattern.compile("--(?:peer|api)-ports[ =]([0-9,]+)");

  private static final Random RANDOM = new Random();
  /** Ports handed out in this JVM: pages run side by side, each with ports of its own. */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private final Map<String, String> ports = new LinkedHashMap<>();

  /** Learns the ports that {@code text} names. */
  void collect(String text) {
    Matcher m = AFTER_COLON.matcher(text);
    while (m.find()) {
      if (local(m.group(1)) && isPort(m.group(2))) {
        ports.computeIfAbsent(m.group(2), p -> freePort());
      }
    }
    Matcher l = PORT_LIST.matcher(text);
    while (l.find()) {
      for (String p : l.group(1).split(",")) {
        if (isPort(p)) {
          ports.computeIfAbsent(p, x -> freePort());
        }
      }
    }
  }

  /**
   * Whether a port after {@code host:} is one of this machine's: loopback, any address, or no
   * host. Ports of other hosts ({@code 10.0.0.2:8001}, {@code backend:8080}) are names in an
   * illustration or the ring's input, never replaced.
   */
  private static boolean local(String host) {
    return host.isEmpty() || host.equals("localhost") || host.startsWith("127.") || host.equals("0.0.0.0")
        || host.equals("[::1]") || host.equals("[::]");
  }

  /** The free port that stands for {@code port}, picked now if the page has not named it yet. */
  String map(String port) {
    return ports.computeIfAbsent(port, p -> freePort());
  }

  /** {@code text} with every port it names replaced. */
  String rewrite(String text) {
    if (ports.isEmpty()) {
      return text;
    }
    // One pass, so that a free port that happens to equal another port of the page is not replaced
    // again; a port after another host's name stays.
    Matcher m = Pattern.compile("(?<![\\w.])(?:((?:[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:]+\\])?):)?("
        + String.join("|", ports.keySet()) + ")(?![\\w])").matcher(text);
    return m.replaceAll(r -> {
      String host = r.group(1);
      String prefix = host == null ? "" : host + ":";
      String port = host == null || local(host) ? ports.get(r.group(2)) : r.group(2);
      return Matcher.quoteReplacement(prefix + port);
    });
  }

  /** Port of the page, as replaced (for messages). */
  Map<String, String> all() {
    return Map.copyOf(ports);
  }

  private static boolean isPort(String s) {
    int p = Integer.parseInt(s);
    return p >= 1024 && p <= 65535;
  }

  /**
   * A loopback port that nothing listens on right now, below the range the system takes ports for
   * outgoing connections from (ip_local_port_range): an example names its ports long before its
   * node binds them, and a port of that range could meanwhile be the local end of any connection
   * (a peer's, curl's). Never the same port twice in this JVM.
   */
  static String freePort() {
    int below = ephemeralStart();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 10000 + RANDOM.nextInt(Math.max(1000, below - 10000));
      if (!GIVEN.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return Integer.toString(s.getLocalPort());
      } catch (IOException e) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port on the loopback interface between 10000 and " + below);
  }

  /** The first port of the system's range for outgoing connections (32768 where it cannot be read). */
  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      return Integer.parseInt(range.strip().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }
}
