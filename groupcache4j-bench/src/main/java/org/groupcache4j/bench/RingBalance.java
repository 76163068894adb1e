package org.groupcache4j.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.groupcache4j.bench.internal.Cli;
import org.groupcache4j.bench.internal.MarkdownSection;
import org.groupcache4j.bench.internal.RingCandidates;
import org.groupcache4j.internal.XxHash64;
import org.groupcache4j.ring.HashRing;
import org.groupcache4j.ring.RingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Simulates every ring mode at several cluster sizes and prints, as a Markdown section of
 * BENCHMARKS.md: how evenly the keys are spread (the busiest and least busy peer's share of the
 * hash space against the mean, exact from the ring's structure, and the busiest peer's count of
 * the sequential keys {@code key0, key1, ...}), and how many keys change owner when one peer joins
 * or leaves, against the ideal {@code 1/N}. Then the placements considered for the balanced ring.
 * Everything is seeded: two runs print the same section.
 */
@Command(name = "RingBalance", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Ring balance and keys moved on join/leave, per ring mode (simulated, deterministic).")
public final class RingBalance implements Callable<Integer> {
  @Option(names = "--nodes", split = ",", description = "cluster sizes (default: ${DEFAULT-VALUE})")
  int[] nodes = {3, 10, 100, 1000};

  @Option(names = "--keys", description = "sequential keys per mode and size, and random keys per alternative placement (default: ${DEFAULT-VALUE})")
  int keys = 1_000_000;

  @Option(names = "--trials", description = "peers that join, and peers that leave, per mode and size (default: ${DEFAULT-VALUE})")
  int trials = 4;

  @Option(names = "--no-candidates", description = "skip the placements considered for the balanced ring")
  boolean noCandidates;

  @Option(names = "--command", description = "the command line to quote in the section")
  String command = "groupcache4j-bench/ring-balance.sh";

  @Option(names = "--lookups", description = "a JMH CSV result of RingLookupBenchmark (-rf csv) to add as lookup speed, each mode against golang at the same size")
  Path lookups;

  @Option(names = "--lookups-note", description = "where and when the lookups were measured (machine, date, load), quoted under their table")
  String lookupsNote = "";

  @Option(names = "--out", description = "rewrite the ring-balance section of this Markdown file (default: print it)")
  Path out;

  public static void main(String[] args) {
    System.exit(Cli.run(new RingBalance(), args));
  }

  /** Peer URLs as a cluster on a /16 would have them. */
  static List<String> peers(int n) {
    List<String> peers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      peers.add("http://10.0." + (i / 200) + "." + (10 + i % 200) + ":8001");
    }
    return peers;
  }

  /** A peer that joins: its URL sorts among the others' (only jump hashing over a sorted list cares). */
  static String joiner(int trial) {
    return "http://10.0.0." + (5 + trial % 5) + ":8001";
  }

  /** The result of one mode at one size. */
  record Row(String ring, int n, double busiest, double least, double cv, double seqBusiest, int seqEmpty,
      double joinMean, double joinWorst, double leaveMean, double leaveWorst) {}

  @Override
  public Integer call() throws Exception {
    if (keys < 1000 || trials < 1) {
      throw new IllegalArgumentException("--keys must be >= 1000 and --trials >= 1");
    }
    List<Row> rows = new ArrayList<>();
    for (RingMode mode : RingMode.values()) {
      for (int n : nodes) {
        rows.add(measure(mode, n));
        System.err.printf(Locale.ROOT, "%s at %d peers done%n", mode.id(), n);
      }
    }
    List<Row> alternatives = new ArrayList<>();
    if (!noCandidates) {
      long[] hashes = new long[keys];
      SplittableRandom rnd = new SplittableRandom(2026);
      for (int i = 0; i < keys; i++) {
        hashes[i] = XxHash64.hash(("k" + Long.toHexString(rnd.nextLong())).getBytes(java.nio.charset.StandardCharsets.UTF_8), 0);
      }
      List<RingCandidates.Kind> kinds = List.of(RingCandidates.maglev(65_537), RingCandidates.maglev(655_373),
          RingCandidates.jumpOverSortedList(), RingCandidates.rendezvous(), RingCandidates.strongRing(200),
          RingCandidates.strongRing(2000));
      for (RingCandidates.Kind kind : kinds) {
        for (int n : new int[] {100, 1000}) {
          alternatives.add(measure(kind, n, hashes));
          System.err.printf(Locale.ROOT, "%s at %d peers done%n", kind.name(), n);
        }
      }
    }
    String section = report(rows, alternatives)
        + (lookups == null ? "" : lookupSection(java.nio.file.Files.readAllLines(lookups), lookupsNote));
    if (out == null) {
      System.out.print(section);
    } else {
      MarkdownSection.write(out, "groupcache4j benchmarks", "ring-balance", section);
      System.err.println("wrote the ring-balance section of " + out);
    }
    return 0;
  }

  private Row measure(RingMode mode, int n) {
    List<String> peers = peers(n);
    HashRing ring = HashRing.of(mode, peers);
    double[] shares = ring.shares().values().stream().mapToDouble(Double::doubleValue).toArray();
    Map<String, Integer> seq = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      seq.merge(ring.owner("key" + i), 1, Integer::sum);
    }
    int seqMax = seq.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    double[] join = new double[trials];
    double[] leave = new double[trials];
    SplittableRandom pick = new SplittableRandom(n);
    for (int t = 0; t < trials; t++) {
      List<String> more = new ArrayList<>(peers);
      more.add(pick.nextInt(n + 1), joiner(t)); // anywhere in the list: only golang's ties depend on order
      join[t] = ring.changedShare(ring.withPeers(more)) * (n + 1);
      if (n > 1) {
        List<String> fewer = new ArrayList<>(peers);
        fewer.remove(pick.nextInt(n));
        leave[t] = ring.changedShare(ring.withPeers(fewer)) * n;
      }
    }
    return row(mode.id(), n, shares, seqMax * (double) n / keys, n - seq.size(), join, leave);
  }

  private Row measure(RingCandidates.Kind kind, int n, long[] hashes) {
    List<String> peers = peers(n);
    RingCandidates.Candidate c = kind.build(peers);
    double[] shares = c.shares();
    int[] owners = owners(c, hashes);
    double[] join = new double[trials];
    double[] leave = new double[trials];
    SplittableRandom pick = new SplittableRandom(n);
    for (int t = 0; t < trials; t++) {
      List<String> more = new ArrayList<>(peers);
      more.add(joiner(t));
      join[t] = moved(peers, owners, more, owners(kind.build(more), hashes)) * (n + 1);
      List<String> fewer = new ArrayList<>(peers);
      fewer.remove(pick.nextInt(n));
      leave[t] = moved(peers, owners, fewer, owners(kind.build(fewer), hashes)) * n;
    }
    return row(kind.name() + " (" + kind.lookupWork() + ")", n, shares, Double.NaN, 0, join, leave);
  }

  private static Row row(String name, int n, double[] shares, double seqBusiest, int seqEmpty, double[] join, double[] leave) {
    double busiest = Double.NaN;
    double least = Double.NaN;
    double cv = Double.NaN;
    if (shares != null) {
      double mean = 1.0 / n;
      busiest = Arrays.stream(shares).max().orElse(0) / mean;
      least = Arrays.stream(shares).min().orElse(0) / mean;
      double var = Arrays.stream(shares).map(s -> (s - mean) * (s - mean)).sum() / n;
      cv = Math.sqrt(var) / mean;
    }
    return new Row(name, n, busiest, least, cv, seqBusiest, seqEmpty, Arrays.stream(join).average().orElse(0),
        Arrays.stream(join).max().orElse(0), n > 1 ? Arrays.stream(leave).average().orElse(0) : Double.NaN,
        n > 1 ? Arrays.stream(leave).max().orElse(0) : Double.NaN);
  }

  private static int[] owners(RingCandidates.Candidate c, long[] hashes) {
    int[] owners = new int[hashes.length];
    for (int i = 0; i < hashes.length; i++) {
      owners[i] = c.owner(hashes[i]);
    }
    return owners;
  }

  private static double moved(List<String> a, int[] before, List<String> b, int[] after) {
    int moved = 0;
    for (int i = 0; i < before.length; i++) {
      if (!a.get(before[i]).equals(b.get(after[i]))) {
        moved++;
      }
    }
    return moved / (double) before.length;
  }

  private String report(List<Row> rows, List<Row> alternatives) {
    StringBuilder b = new StringBuilder();
    b.append("## Ring balance: how evenly each ring mode spreads keys, and how many move\n\n");
    b.append("Simulated (no network, no clock: every run prints this section unchanged) with\n\n```\n")
        .append(command).append("\n```\n\n");
    b.append(String.format(Locale.ROOT, "Peers are URLs `http://10.0.X.Y:8001`. *Busiest / mean* and *least / mean* are "
        + "the peer's share of the hash space against 1/N, exact from the ring's structure (what uniformly "
        + "hashed keys converge to); *spread* is the standard deviation of the shares over their mean. "
        + "*`key0`..* is the busiest peer's count of the sequential keys `key0`..`key%d` against the mean, and "
        + "how many peers own none of them (a count of keys, so it carries chance: at 1,000 peers, 1,000 keys "
        + "each, a perfectly even ring shows about 1.10). *Moved* is the share of the hash space that changes owner when one "
        + "peer joins (at a random place in the list) or one leaves (`HashRing.changedShare`, exact), against "
        + "the ideal 1/(N+1) or 1/N: mean and worst of %d trials each.%n%n", keys - 1, trials));
    b.append("| ring | peers | busiest / mean | least / mean | spread | `key0`.. busiest / mean (peers with none) "
        + "| moved on join / ideal (worst) | moved on leave / ideal (worst) |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      b.append(String.format(Locale.ROOT, "| %s | %,d | %.3f | %.3f | %.1f%% | %.2f (%d) | %s | %s |%n", r.ring, r.n,
          r.busiest, r.least, 100 * r.cv, r.seqBusiest, r.seqEmpty, ratio(r.joinMean, r.joinWorst),
          ratio(r.leaveMean, r.leaveWorst)));
    }
    b.append("\n- `golang` is golang/groupcache's ring (CRC-32, 50 points per peer); `mailgun` and `groupcache-go` "
        + "are mailgun/groupcache v2's and groupcache-go v3's (FNV-1-64 over MD5-hex points, 50 per peer; the "
        + "key's point is FNV-1-64 of the key, whose last byte is xored in last, so keys that differ only in "
        + "their last byte land next to each other: the `key0`.. column). These three must place keys as the "
        + "Go nodes of that lineage do, unevenness included.\n");
    b.append("- `balanced` is for clusters of groupcache4j nodes only: 2,000 points per peer from XXH64, read "
        + "through a table of 2^20 slots in which no peer keeps more than 1.04 × the mean; the slots a peer "
        + "over the bound gives up go to the rendezvous winner among those under it.\n");
    if (!alternatives.isEmpty()) {
      b.append("\n### Placements considered for the balanced ring\n\n");
      b.append(String.format(Locale.ROOT, "The same peers and trials as above; keys moved are counted over %,d random "
          + "keys hashed with XXH64 (so within a few percent at 1,000 peers). A share of \"—\" means the "
          + "placement picks per key, so every peer's expected share is exactly 1/N.%n%n", keys));
      b.append("| placement (work per lookup) | peers | busiest / mean | spread | moved on join / ideal (worst) "
          + "| moved on leave / ideal (worst) |\n");
      b.append("|---|---:|---:|---:|---:|---:|\n");
      for (Row r : alternatives) {
        b.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %s | %s |%n", r.ring, r.n,
            Double.isNaN(r.busiest) ? "—" : String.format(Locale.ROOT, "%.3f", r.busiest),
            Double.isNaN(r.cv) ? "—" : String.format(Locale.ROOT, "%.1f%%", 100 * r.cv), ratio(r.joinMean, r.joinWorst),
            ratio(r.leaveMean, r.leaveWorst)));
      }
      b.append("\nMaglev balances exactly but a join or leave reshuffles several times the ideal share at 1,000 "
          + "peers; jump hashing needs members numbered 0..N-1, and a sorted list renumbers every member after the "
          + "place where a peer joins or leaves, moving most keys; rendezvous is ideal on both counts but scores every peer on every lookup "
          + "(1,000 scores at 1,000 peers, where a ring does one binary search); a plain ring needs far more "
          + "than 2,000 points per peer to keep the busiest within 1.05 × the mean at 1,000 peers. The balanced "
          + "ring takes the ring's small movement and bounds its unevenness with the slot table, whose lookup "
          + "is one hash and one array read.\n");
    }
    return b.toString();
  }

  /**
   * The lookup-speed table from JMH's CSV of {@link RingLookupBenchmark}: owner lookups per second
   * of each mode at each size, and the ratio to the golang ring at the same size in the same run.
   */
  static String lookupSection(List<String> csv, String note) {
    if (csv.isEmpty()) {
      throw new IllegalArgumentException("the JMH result is empty");
    }
    List<String> head = csvFields(csv.get(0));
    int score = head.indexOf("Score");
    int error = head.indexOf("Score Error (99.9%)");
    int mode = head.indexOf("Param: mode");
    int peers = head.indexOf("Param: peers");
    if (score < 0 || mode < 0 || peers < 0) {
      throw new IllegalArgumentException("not a JMH CSV of RingLookupBenchmark (no Score, Param: mode, Param: peers columns): " + csv.get(0));
    }
    Map<String, double[]> byModeAndSize = new java.util.LinkedHashMap<>();
    java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>();
    for (String line : csv.subList(1, csv.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> f = csvFields(line);
      int n = Integer.parseInt(f.get(peers));
      sizes.add(n);
      byModeAndSize.put(f.get(mode) + "@" + n, new double[] {Double.parseDouble(f.get(score)),
          error < 0 || f.get(error).equals("NaN") ? Double.NaN : Double.parseDouble(f.get(error))});
    }
    StringBuilder b = new StringBuilder("\n### Lookup speed: `HashRing.owner(key)` per mode\n\n");
    b.append("JMH `RingLookupBenchmark`, one thread, keys like `user:123456`; million lookups per second "
        + "(± 99.9% error), and the ratio to the golang ring at the same size in the same run.");
    if (!note.isBlank()) {
      b.append(' ').append(note.strip());
    }
    b.append("\n\n| mode |");
    sizes.forEach(n -> b.append(String.format(Locale.ROOT, " %,d peers |", n)));
    b.append("\n|---|");
    sizes.forEach(n -> b.append("---:|"));
    b.append('\n');
    for (RingMode m : RingMode.values()) {
      b.append("| ").append(m.id()).append(" |");
      for (int n : sizes) {
        double[] r = byModeAndSize.get(m.id() + "@" + n);
        double[] golang = byModeAndSize.get("golang@" + n);
        if (r == null) {
          b.append(" — |");
        } else {
          b.append(String.format(Locale.ROOT, " %.1f ± %.1f M/s (%.2f×) |", r[0] / 1e6, r[1] / 1e6,
              golang == null ? Double.NaN : r[0] / golang[0]));
        }
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** The fields of one CSV line as JMH writes it: comma-separated, strings in double quotes. */
  static List<String> csvFields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  private static String ratio(double mean, double worst) {
    return Double.isNaN(mean) ? "—" : String.format(Locale.ROOT, "%.3f (%.3f)", mean, worst);
  }
}
