package org.groupcache4j.bench.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.groupcache4j.bench.fault.FaultRun.Fault;
import org.groupcache4j.bench.fault.FaultRun.Figures;
import org.groupcache4j.bench.fault.TestCluster.Impl;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.MachineInfo;
import org.groupcache4j.bench.internal.MarkdownSection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reliability section of BENCHMARKS.md: each fault of {@link FaultRun} on a groupcache4j
 * cluster and on a golang/groupcache cluster, one after the other, with the same clients, keys
 * and timings; run by {@code reliability.sh}.
 */
@Command(name = "ReliabilityBench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Faults under load, groupcache4j and golang/groupcache side by side.")
public final class ReliabilityBench implements Callable<Integer> {
  static final String SECTION = "reliability";

  @Option(names = "--launcher", required = true, paramLabel = "PATH", description = "./groupcache4j")
  Path launcher;

  @Option(names = "--jar", required = true, paramLabel = "PATH", description = "the server's runnable jar")
  Path jar;

  @Option(names = "--go-node", paramLabel = "PATH", description = "the anchor's node.go, built; without it, groupcache4j alone")
  Path goNode;

  @Option(names = "--java-opts", defaultValue = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
      description = "JVM options of our nodes (default: ${DEFAULT-VALUE})")
  String javaOpts;

  @Option(names = "--faults", split = ",", defaultValue = "FROZEN,DARK,ONE_WAY",
      description = "FROZEN, DARK, ONE_WAY (the last two need root, iproute2 and nftables)")
  List<Fault> faults;

  @Option(names = "--fault-seconds", defaultValue = "12", description = "how long each fault lasts")
  int faultSeconds;

  @Option(names = "--before-seconds", defaultValue = "5", description = "throughput measured before the fault")
  int beforeSeconds;

  @Option(names = "--warm-seconds", defaultValue = "5")
  int warmSeconds;

  @Option(names = "--threads", defaultValue = "16", description = "client threads, half at node 2, half at node 3")
  int threads;

  @Option(names = "--keys", defaultValue = "2000")
  int keys;

  @Option(names = "--logs", required = true, paramLabel = "DIR", description = "where the nodes' output goes")
  Path logs;

  @Option(names = "--out", paramLabel = "BENCHMARKS.md", description = "write the section here; without it, print only")
  Path out;

  @Option(names = "--command", defaultValue = "groupcache4j-bench/reliability.sh", description = "the command, for the report")
  String command;

  public static void main(String[] args) {
    System.exit(Cli.run(new ReliabilityBench(), args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Files.createDirectories(logs);
    FaultRun.Settings s = new FaultRun.Settings(Duration.ofSeconds(warmSeconds), Duration.ofSeconds(beforeSeconds),
        Duration.ofSeconds(faultSeconds), Duration.ofSeconds(30), threads, keys, Duration.ofSeconds(120));
    TestCluster.Programs programs = new TestCluster.Programs(launcher.toAbsolutePath(), jar.toAbsolutePath(), javaOpts,
        goNode == null ? null : goNode.toAbsolutePath(), logs);
    List<Impl> impls = goNode == null ? List.of(Impl.GROUPCACHE4J) : List.of(Impl.GOLANG, Impl.GROUPCACHE4J);
    String missing = NetworkLab.missingTools();
    List<Figures> all = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    long start = System.nanoTime();
    for (Fault f : faults) {
      if (f.needsLab() && missing != null) {
        skipped.add(f + ": " + missing);
        System.out.println("skipping " + f + ": " + missing);
        continue;
      }
      for (Impl impl : impls) {
        System.out.println("== " + impl + ", " + f.description);
        NetworkLab lab = f.needsLab() ? NetworkLab.create(3) : null;
        try (TestCluster c = TestCluster.start(impl, programs, lab)) {
          Figures fig = FaultRun.run(c, lab, f, s);
          System.out.println(fig);
          all.add(fig);
        } finally {
          if (lab != null) {
            lab.close();
          }
        }
      }
    }
    long secs = (System.nanoTime() - start) / 1_000_000_000;
    String took = secs / 60 + " min " + secs % 60 + " s";
    String body = render(MachineInfo.current(), ZonedDateTime.now(), all, skipped, took);
    if (out != null) {
      MarkdownSection.write(out, "Benchmarks", SECTION, body);
      System.out.println("wrote the reliability section of " + out);
    } else {
      System.out.println(body);
    }
    return 0;
  }

  String render(MachineInfo m, ZonedDateTime when, List<Figures> all, List<String> skipped, String took) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Reliability: a peer that hangs or drops off the network\n\n");
    sb.append(m.reportHeader(when, took, command, load())).append('\n');
    sb.append("Three node processes on this machine, ").append(threads).append(" client threads asking nodes 2 and 3 for ")
        .append(keys).append(" keys at random (100-byte values made by the nodes; groupcache4j with `--no-hot-store`, so "
            + "every key of node 1 asked elsewhere is a fetch from node 1), node 1 failing for ").append(faultSeconds)
        .append(" s after ").append(beforeSeconds).append(" s of measured load. Faults: ");
    List<String> kinds = new ArrayList<>();
    for (Fault f : faults) {
      kinds.add("**" + f.name().toLowerCase(Locale.ROOT).replace('_', '-') + "**: " + f.description);
    }
    sb.append(String.join("; ", kinds)).append(". The namespace faults put each node on a host of its own "
        + "(a network namespace on a bridge). golang/groupcache is the anchor's `node.go` (the library's HTTPPool "
        + "defaults); our JVMs run with `").append(javaOpts).append("`.\n\n");
    sb.append("Targets: 0 failed requests; no request slower than about 2 s; throughput from 2 s after the fault "
        + "at least half of before; node 1 owns its keys again within 5 s of answering again (a key of node 1 that "
        + "nobody cached, asked at node 2 every 100 ms, is loaded by node 1).\n\n");
    sb.append("| fault | implementation | requests | failed | slowest request | throughput during ÷ before "
        + "| node 1 owns its keys again after |\n|---|---|---|---|---|---|---|\n");
    for (Figures f : all) {
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.1f s | %.2f (%.0f/s ÷ %.0f/s) | %s |%n",
          f.fault().name().toLowerCase(Locale.ROOT).replace('_', '-'), f.impl(), f.requests(), f.failed(),
          f.slowestMillis() / 1000.0, f.ratio(), f.duringPerSecond(), f.beforePerSecond(),
          Double.isNaN(f.recoverySeconds()) ? "not within 30 s" : String.format(Locale.ROOT, "%.1f s", f.recoverySeconds())));
    }
    if (!skipped.isEmpty()) {
      sb.append("\nNot run: ").append(String.join("; ", skipped)).append(".\n");
    }
    sb.append("\nThe throughput during a fault can exceed the one before: node 1 then takes no part, so nodes 2 and 3 "
        + "answer its keys without a hop. golang/groupcache has no failure detector: its requests for node 1's keys "
        + "wait until node 1 answers again, and the clients, all waiting on them, stall. The throughput is bounded by "
        + "the machine's CPUs, which clients and nodes share: clients that stall leave their CPU to those that do not "
        + "(in the one-way partition, those asking node 3), so a ratio near 1 can hide a stall that the slowest "
        + "request shows.\n");
    return sb.toString();
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2] + " (at the end)";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
