package org.groupcache4j.bench.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts in Linux network namespaces, for faults a loopback cannot show: hosts {@code 1..n}
 * (namespaces {@code PREFIX-h1..}) and this process's own namespace, joined by a bridge in a
 * namespace of its own ({@code PREFIX-sw}), on a random {@code 10.x.y.0/24}. This process is
 * {@code .254}, host {@code i} is {@code .i}.
 *
 * <ul>
 *   <li>{@link #unplug}: host {@code i}'s cable is pulled (its bridge port goes down): its packets
 *       vanish, connections to it hang as to a dead machine, and nothing refuses them.</li>
 *   <li>{@link #dropFrom}: nftables in host {@code to} silently drops every packet from host
 *       {@code from}: a one-way partition.</li>
 * </ul>
 * Needs root, {@code ip} (iproute2) and {@code nft} (nftables); no {@code tc}/netem. Every name
 * has a random prefix, and {@link #close} deletes all of it (also from a shutdown hook, should
 * the JVM end first).
 */
public final class NetworkLab implements AutoCloseable {
  private final String prefix;
  private final String subnet; // "10.x.y."
  private final int hosts;
  private final Thread cleanup = new Thread(this::deleteAll, "network-lab-cleanup");
  private boolean closed;

  private NetworkLab(String prefix, String subnet, int hosts) {
    this.prefix = prefix;
    this.subnet = subnet;
    this.hosts = hosts;
  }

  /** Why this machine cannot make a lab (not root, a tool missing), or null if it can. */
  public static String missingTools() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "network namespaces need root (user is " + System.getProperty("user.name") + ")";
    }
    for (String tool : new String[] {"/usr/sbin/ip", "/usr/sbin/nft"}) {
      if (!Files.isExecutable(Path.of(tool)) && !Files.isExecutable(Path.of(tool.replace("/usr/sbin", "/sbin")))) {
        return tool + " is missing (apt-get install iproute2 nftables)";
      }
    }
    return null;
  }

  /** Makes {@code hosts} hosts on one bridge, reachable from this process. */
  public static NetworkLab create(int hosts) throws IOException, InterruptedException {
    String used = run(List.of("ip", "-4", "route", "show"), true);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String subnet;
    do {
      subnet = "10." + r.nextInt(200, 250) + "." + r.nextInt(1, 255) + ".";
    } while (used.contains(subnet));
    NetworkLab lab = new NetworkLab("g4" + Integer.toHexString(r.nextInt(0x1000, 0x10000)), subnet, hosts);
    Runtime.getRuntime().addShutdownHook(lab.cleanup);
    try {
      lab.build();
    } catch (IOException | InterruptedException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  private void build() throws IOException, InterruptedException {
    String sw = ns("sw");
    ip("netns", "add", sw);
    ip("-n", sw, "link", "add", "br0", "type", "bridge");
    ip("-n", sw, "link", "set", "br0", "up");
    for (int i = 1; i <= hosts; i++) {
      String h = ns("h" + i);
      String veth = prefix + "h" + i;
      ip("netns", "add", h);
      ip("link", "add", veth, "type", "veth", "peer", "name", veth + "s");
      ip("link", "set", veth, "netns", h);
      ip("link", "set", veth + "s", "netns", sw);
      ip("-n", h, "link", "set", veth, "name", "eth0");
      ip("-n", h, "addr", "add", address(i) + "/24", "dev", "eth0");
      ip("-n", h, "link", "set", "eth0", "up");
      ip("-n", h, "link", "set", "lo", "up");
      ip("-n", sw, "link", "set", veth + "s", "master", "br0");
      ip("-n", sw, "link", "set", veth + "s", "up");
    }
    String root = prefix + "r";
    ip("link", "add", root, "type", "veth", "peer", "name", root + "s");
    ip("link", "set", root + "s", "netns", sw);
    ip("-n", sw, "link", "set", root + "s", "master", "br0");
    ip("-n", sw, "link", "set", root + "s", "up");
    ip("addr", "add", subnet + "254/24", "dev", root);
    ip("link", "set", root, "up");
  }

  /** Host {@code i}'s address. */
  public String address(int host) {
    return subnet + host;
  }

  /** This process's address in the lab, where the hosts reach it (a harness's origin, for example). */
  public String harnessAddress() {
    return subnet + "254";
  }

  /** {@code command} run inside host {@code i}'s namespace. */
  public List<String> inHost(int host, List<String> command) {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns("h" + host)));
    c.addAll(command);
    return c;
  }

  /** Pulls host {@code i}'s cable: its bridge port goes down. */
  public void unplug(int host) throws IOException, InterruptedException {
    ip("-n", ns("sw"), "link", "set", prefix + "h" + host + "s", "down");
  }

  /** Plugs host {@code i}'s cable back in. */
  public void plugIn(int host) throws IOException, InterruptedException {
    ip("-n", ns("sw"), "link", "set", prefix + "h" + host + "s", "up");
  }

  /** Host {@code to} drops every packet from host {@code from}, silently; the other way still works. */
  public void dropFrom(int from, int to) throws IOException, InterruptedException {
    nft(to, "add table inet gc4jlab");
    nft(to, "add chain inet gc4jlab in { type filter hook input priority 0 ; policy accept ; }");
    nft(to, "add rule inet gc4jlab in ip saddr " + address(from) + " drop");
  }

  /** Removes host {@code to}'s drop rules. */
  public void heal(int to) throws IOException, InterruptedException {
    nft(to, "delete table inet gc4jlab");
  }

  private void nft(int host, String rule) throws IOException, InterruptedException {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns("h" + host), "nft"));
    c.addAll(List.of(rule.split(" ")));
    run(c, false);
  }

  private String ns(String what) {
    return prefix + "-" + what;
  }

  private void ip(String... args) throws IOException, InterruptedException {
    List<String> c = new ArrayList<>(List.of("ip"));
    c.addAll(List.of(args));
    run(c, false);
  }

  private static String run(List<String> command, boolean quiet) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not end within 30 s");
    }
    if (p.exitValue() != 0 && !quiet) {
      throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.trim());
    }
    return out;
  }

  /** Deletes every namespace and link of this lab; processes still in its namespaces are killed. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    deleteAll();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs anyway
    }
  }

  private void deleteAll() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= hosts; i++) {
      names.add(ns("h" + i));
    }
    names.add(ns("sw"));
    for (String n : names) {
      try {
        for (String pid : run(List.of("ip", "netns", "pids", n), true).split("\\s+")) {
          if (!pid.isBlank()) {
            run(List.of("kill", "-KILL", pid.trim()), true);
          }
        }
        run(List.of("ip", "netns", "del", n), true);
      } catch (IOException | InterruptedException e) {
        // best effort: go on with the others
      }
    }
    try {
      run(List.of("ip", "link", "del", prefix + "r"), true); // gone with its peer already, normally
    } catch (IOException | InterruptedException e) {
      // best effort
    }
  }

  @Override
  public String toString() {
    return "NetworkLab[" + prefix + ", " + subnet + "0/24, " + hosts + " hosts]";
  }
}
