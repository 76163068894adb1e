package org.groupcache4j.bench.roll;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The way clients reach the nodes, as a load balancer in front of the cluster (a Kubernetes
 * Service with a readiness probe, an nginx or Envoy upstream) would take them there:
 *
 * <ul>
 *   <li><b>Health checks.</b> A node is in rotation while it answers {@code GET /healthz} with 200;
 *       every node is asked every {@code checkInterval} on a connection of its own. A node that
 *       refuses a connection is taken out at once, until its next good check.</li>
 *   <li><b>Where a request goes.</b> To the client's home node if it is in rotation, else to the
 *       next node in rotation (then the one after, ...); if none is in rotation, to each node
 *       in turn anyway.</li>
 *   <li><b>What is sent elsewhere, and what is retried.</b> A {@code 503} (a node that drains or
 *       starts), a refused connection (a node that is down) and a new connection closed or reset
 *       before any answer (a node that closed its listener with the connection in its backlog)
 *       make the request go to the next node, as nginx's {@code proxy_next_upstream error} and
 *       Envoy's {@code connect-failure,reset} retries do for a GET. A kept-alive connection that
 *       the node closed before it answered anything (it stopped, or closed idle connections while
 *       draining) is retried once, on a new connection. A timeout, a reset in the middle of an
 *       answer, a wrong answer or any other status is a failed request.</li>
 * </ul>
 *
 * Each client thread has a {@link Session} with its own kept-alive connection per node.
 */
public final class Balancer implements AutoCloseable {
  /**
   * The result of one GET: whether it got the key's value, from which node, and what it took:
   * the nodes passed over after a 503, after a refused connection (or a new one closed before any
   * answer), and whether a closed kept-alive connection was retried.
   */
  public record Result(boolean ok, int node, int movedOn503, int movedOnRefused, boolean retriedClosed,
      String failure) {}

  private final List<InetSocketAddress> apis;
  private final AtomicIntegerArray inRotation;
  private final Duration checkInterval;
  private final Thread checker;
  private volatile boolean running = true;

  /** Balances over {@code apis} (node {@code i} is {@code apis.get(i - 1)}), all out of rotation until checked. */
  public Balancer(List<InetSocketAddress> apis, Duration checkInterval) {
    this.apis = List.copyOf(apis);
    this.inRotation = new AtomicIntegerArray(apis.size());
    this.checkInterval = checkInterval;
    checkAll();
    this.checker = new Thread(this::checkLoop, "balancer-health");
    checker.setDaemon(true);
    checker.start();
  }

  private void checkLoop() {
    while (running) {
      try {
        Thread.sleep(checkInterval.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      checkAll();
    }
  }

  private void checkAll() {
    for (int i = 0; i < apis.size(); i++) {
      inRotation.set(i, RollCluster.healthy(apis.get(i), Duration.ofSeconds(1)) ? 1 : 0);
    }
  }

  /** How many nodes it balances over. */
  public int nodes() {
    return apis.size();
  }

  /** Whether node {@code i} is in rotation now. */
  public boolean inRotation(int node) {
    return inRotation.get(node - 1) == 1;
  }

  /** A client's session: its home node and its connections. */
  public Session session(int home) {
    return new Session(home);
  }

  /** One client thread's connections (not thread-safe). */
  public final class Session implements AutoCloseable {
    private final int home;
    private final HttpConnection[] conns = new HttpConnection[apis.size()];
    private final int[] order = new int[apis.size()];

    private Session(int home) {
      this.home = home;
    }

    /** Asks for {@code key} at {@code /api?key=KEY} and checks the answer is its value. */
    public Result get(String key, Duration timeout) {
      int candidates = route();
      int moved503 = 0;
      int movedRefused = 0;
      boolean retried = false;
      String last = "no node to ask";
      for (int c = 0; c < candidates; c++) {
        int b = order[c];
        HttpConnection conn = conns[b];
        boolean fresh = conn == null;
        try {
          if (fresh) {
            conn = conns[b] = HttpConnection.open(apis.get(b), 1000);
          }
          HttpConnection.Response r = conn.get("/api?key=" + key, (int) timeout.toMillis());
          if (r.close()) {
            drop(b);
          }
          if (r.status() == 503) {
            moved503++;
            last = "node " + (b + 1) + " answered 503 " + text(r.body());
            continue;
          }
          boolean ok = r.status() == 200 && startsWith(r.body(), "value-of-" + key);
          return new Result(ok, b + 1, moved503, movedRefused, retried,
              ok ? null : "node " + (b + 1) + " answered " + r.status() + " " + text(r.body()));
        } catch (ConnectException e) {
          drop(b);
          inRotation.set(b, 0); // passive health check: out until a check finds it ready
          movedRefused++;
          last = "node " + (b + 1) + " refused: " + e.getMessage();
        } catch (HttpConnection.NoAnswer e) {
          drop(b);
          if (fresh) { // accepted, then closed unanswered (a listener closing with connections in its backlog)
            movedRefused++;
            last = "node " + (b + 1) + ": " + e.getMessage() + " (a new connection)";
            continue;
          }
          if (retried) {
            return new Result(false, b + 1, moved503, movedRefused, true, "node " + (b + 1) + ": " + e.getMessage()
                + " (after a retry)");
          }
          retried = true;
          c--; // once more, on a new connection to the same node
        } catch (SocketTimeoutException e) {
          drop(b);
          return new Result(false, b + 1, moved503, movedRefused, retried, "node " + (b + 1) + ": no answer within "
              + timeout.toMillis() + " ms");
        } catch (IOException | RuntimeException e) {
          drop(b);
          return new Result(false, b + 1, moved503, movedRefused, retried, "node " + (b + 1) + ": " + e);
        }
      }
      return new Result(false, 0, moved503, movedRefused, retried, "every node refused or answered 503; last: " + last);
    }

    /** Fills {@code order} with the nodes to try, home first; returns how many. */
    private int route() {
      int n = apis.size();
      int count = 0;
      for (int k = 0; k < n; k++) {
        int b = (home - 1 + k) % n;
        if (inRotation.get(b) == 1) {
          order[count++] = b;
        }
      }
      if (count == 0) { // nothing in rotation: try them all (a balancer's panic mode)
        for (int k = 0; k < n; k++) {
          order[count++] = (home - 1 + k) % n;
        }
      }
      return count;
    }

    private void drop(int b) {
      if (conns[b] != null) {
        conns[b].close();
        conns[b] = null;
      }
    }

    @Override
    public void close() {
      for (int b = 0; b < conns.length; b++) {
        drop(b);
      }
    }
  }

  private static boolean startsWith(byte[] body, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
    if (body.length < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (body[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
    return s.isEmpty() ? "" : "(" + s + ")";
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    checker.interrupt();
    checker.join(5_000);
  }
}
