package org.groupcache4j.node.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.groupcache4j.GroupCache;

/**
 * The ring changes of a warm-up (the server's and the Spring starter's): a third throw-away node
 * joins the ring of the warm-up's two and leaves it, over and over, as nodes do in a scale-up and
 * a rolling restart. Each round it starts, lists the three and takes its keys back (the pair does
 * not list it yet: it is asked again in the background, as a scale-up's new node is); then the
 * pair lists it (a ring change on both: a miss of a key that moved asks its previous owner before
 * it loads, and the take-back asked again gives). Every other round it then restarts, as in a
 * rolling restart: it closes, handing its entries to the pair (its handoff time: {@link #HANDOFF}),
 * while the pair still lists it (they see it draining, then down, and own its keys meanwhile), and
 * starts again at the same address (a new incarnation, which takes its keys back). Each round ends
 * with it closing, and the pair listing the two again. So the
 * code of a change of owner is compiled before the node serves, and a ring change after it serves,
 * in this node or in its peers when it joins them, runs compiled code rather than holding up the
 * event loops it passes through while it is compiled.
 *
 * <p>Runs on a thread of its own until {@code running} is false; a round that fails (a port taken
 * between its choice and its bind, say) is logged at DEBUG, and {@value #MAX_FAILED_IN_A_ROW} in a
 * row end the changes.
 */
public final class RingChanges implements Runnable {
  /** The third node's handoff time: the bound of its take-back and of its handoff as it leaves. */
  public static final Duration HANDOFF = Duration.ofSeconds(2);
  static final long MEMBER_MILLIS = 1_000;
  static final long AWAY_MILLIS = 300;
  /** How long a restart of the third node keeps it away: the pair's probes find it draining, then down. */
  static final long RESTART_MILLIS = 1_500;
  static final int MAX_FAILED_IN_A_ROW = 3;
  private static final System.Logger LOG = System.getLogger("org.groupcache4j.warmup");

  /** The third node: how to build it at a URL, and how to give it the pair's groups. */
  public interface ThirdNode {
    /** A node at {@code url}, shaped as the pair's, with a handoff time of {@link #HANDOFF}. */
    GroupCache build(String url);

    /** Adds the pair's groups to {@code node}. */
    void addGroups(GroupCache node);
  }

  private final GroupCache a;
  private final String urlA;
  private final GroupCache b;
  private final String urlB;
  private final ThirdNode third;
  private final AtomicBoolean running;
  private volatile long rounds;

  /** The ring changes of the pair {@code a} (at {@code urlA}) and {@code b}, while {@code running}. */
  public RingChanges(GroupCache a, String urlA, GroupCache b, String urlB, ThirdNode third, AtomicBoolean running) {
    this.a = a;
    this.urlA = urlA;
    this.b = b;
    this.urlB = urlB;
    this.third = third;
    this.running = running;
  }

  /** Times the third node joined the pair's ring and left it again. */
  public long rounds() {
    return rounds;
  }

  @Override
  public void run() {
    int failedInARow = 0;
    try {
      while (running.get()) {
        try {
          round(rounds % 2 == 1);
          rounds++;
          failedInARow = 0;
        } catch (IOException | RuntimeException e) {
          LOG.log(System.Logger.Level.DEBUG, "warm-up: a ring change of the third node failed: {0}", e.toString());
          if (++failedInARow == MAX_FAILED_IN_A_ROW) {
            LOG.log(System.Logger.Level.DEBUG, "warm-up: no more ring changes after {0} failed in a row",
                MAX_FAILED_IN_A_ROW);
            return;
          }
        }
        pause(AWAY_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The third node at {@code url} with the pair's groups; closed again if adding them fails. */
  private GroupCache start(String url) {
    GroupCache c = third.build(url);
    try {
      third.addGroups(c);
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private void round(boolean restart) throws IOException, InterruptedException {
    String urlC = "http://127.0.0.1:" + freePort();
    GroupCache c = start(urlC);
    try {
      c.setPeers(urlA, urlB, urlC);
      c.takeBack();
      a.setPeers(urlA, urlB, urlC);
      b.setPeers(urlA, urlB, urlC);
      pause(MEMBER_MILLIS);
      if (restart && running.get()) {
        c.close();
        pause(RESTART_MILLIS);
        if (running.get()) {
          c = start(urlC);
          c.setPeers(urlA, urlB, urlC);
          c.takeBack();
          pause(MEMBER_MILLIS);
        }
      }
    } finally {
      c.close();
      a.setPeers(urlA, urlB);
      b.setPeers(urlA, urlB);
    }
  }

  private void pause(long millis) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    for (long left = millis; left > 0 && running.get(); left = (end - System.nanoTime()) / 1_000_000) {
      Thread.sleep(Math.min(left, 50));
    }
  }

  /** A port free on loopback now, for a throw-away node of a warm-up (bound moments later). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
