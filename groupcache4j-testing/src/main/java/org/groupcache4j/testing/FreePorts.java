package org.groupcache4j.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports of 127.0.0.1 for tests that must name a port before something binds it: a node's peer
 * URL is its address, so a cluster's ports are chosen before its nodes listen.
 *
 * <p>A port "free a moment ago" can be taken before it is bound. The usual way to find one (bind
 * port 0, read it, close) hands out a port of the kernel's ephemeral range, the range the kernel
 * also gives any program's outgoing connections and port-0 listeners: on a busy machine one of
 * them can take it in between. {@link #port()} picks ports below that range instead, in turn from
 * a random start (so that two test JVMs rarely try the same ones), each checked by binding it:
 * only a program that binds that very number can take it. {@link #startOnFreePorts} starts
 * something again on other ports if that happens. A port where nothing must answer is
 * {@link #refusing()}: held, so that nothing can take it.
 */
public final class FreePorts {
  /** How many times {@link #startOnFreePorts} tries, each time on other ports. */
  public static final int ATTEMPTS = 5;
  /** Below this, well-known services listen (and the demo's defaults, 8001 and 9001). */
  private static final int LOWEST = 10_000;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int[] RANGE = range();
  private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

  private FreePorts() {}

  /**
   * A port of 127.0.0.1 that nothing was bound to a moment ago and that the kernel hands to no
   * other program unasked: outside its ephemeral range when there is room, and never the same
   * port twice in this JVM until the others of that range were handed out.
   *
   * @throws IllegalStateException if no port of the range can be bound
   */
  public static int port() {
    int size = RANGE[1] - RANGE[0];
    if (size <= 0) {
      return ephemeralPort();
    }
    for (int tried = 0; tried < size; tried++) {
      int p = RANGE[0] + Math.floorMod(NEXT.getAndIncrement(), size);
      if (bindable(p)) {
        return p;
      }
    }
    throw new IllegalStateException("no port of 127.0.0.1 between " + RANGE[0] + " and " + (RANGE[1] - 1) + " can be bound");
  }

  /** {@code n} different {@linkplain #port() free ports}. */
  public static int[] ports(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = port();
    }
    return p;
  }

  /**
   * A port of 127.0.0.1 where connections are refused, held until the returned port is closed:
   * a socket is bound to it and does not listen, so a connection gets a reset at once and no
   * other program can bind the port meanwhile. For a peer that is down (its process gone), where
   * a port that was merely free could be taken by another process and answer.
   */
  public static RefusingPort refusing() {
    return RefusingPort.open(LOOPBACK);
  }

  /** Starts something on {@code ports} free ports; see {@link #startOnFreePorts}. */
  @FunctionalInterface
  public interface OnPorts<T> {
    /**
     * Starts what uses {@code ports}; on failure, closes what it started before throwing. A
     * {@link BindException} (or a failure whose message says the address is in use) means a port
     * was taken: it is started again on other ports.
     */
    T start(int[] ports) throws Exception;
  }

  /**
   * {@code start} on {@code count} {@linkplain #port() free ports}, and again on other ports
   * (up to {@value #ATTEMPTS} times in all) while it fails because one of them was taken meanwhile.
   *
   * @throws Exception what {@code start} threw the last time, or at once if it failed otherwise
   */
  public static <T> T startOnFreePorts(int count, OnPorts<T> start) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.start(ports(count));
      } catch (Exception e) {
        if (attempt == ATTEMPTS || !isPortTaken(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * Whether {@code failure} says a port was taken: a {@link BindException} among its causes, or a
   * message that says "address already in use" (Netty's native transports say it without one).
   */
  public static boolean isPortTaken(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("address already in use")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean bindable(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false); // a port with connections still in TIME_WAIT is skipped, not handed out
      s.bind(new InetSocketAddress(LOOPBACK, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralPort() {
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot bind a port of 127.0.0.1: " + e.getMessage(), e);
    }
  }

  /**
   * [first, end) of the ports to hand out: the larger room outside the kernel's ephemeral range
   * (Linux's {@code ip_local_port_range}; 32768-60999 unless set otherwise), empty when both are
   * too small and ports then come from the kernel.
   */
  private static int[] range() {
    int low = 32768;
    int high = 60999;
    try { // (read by lines: Files.readString reads a /proc file as one byte, its size being 0)
      String[] r = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+");
      low = Integer.parseInt(r[0]);
      high = Integer.parseInt(r[1]);
    } catch (IOException | RuntimeException e) {
      // not Linux: its usual range
    }
    int below = low - LOWEST;
    int above = 65535 - high;
    if (Math.max(below, above) < 1000) {
      return new int[] {0, 0};
    }
    return below >= above ? new int[] {LOWEST, low} : new int[] {high + 1, 65536};
  }
}
