package org.groupcache4j.bench.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.groupcache4j.bench.fault.TestCluster.Impl;
import org.groupcache4j.bench.roll.RollRun.Figures;
import org.groupcache4j.bench.roll.RollRun.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restart benchmark on real node processes: three nodes load 300 keys from the benchmark's
 * origin, clients ask for them through the {@link Balancer} on all three APIs, and node 1 is
 * stopped with SIGTERM and started again. Its clients' requests go elsewhere while it drains and
 * while it is away, and none fails; node 1 answers again once ready.
 */
@Timeout(180)
class RollIT {
  @TempDir
  Path logs;

  @Test
  void aNodeStoppedWithSigtermAndStartedAgainUnderLoadFailsNoRequest() throws Exception {
    Path jar = Path.of(System.getProperty("groupcache4j.jar", ""));
    Path launcher = Path.of(System.getProperty("groupcache4j.launcher", "")).toAbsolutePath().normalize();
    assertThat(jar).as("the server's runnable jar (system property groupcache4j.jar)").isRegularFile();
    assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
    RollCluster.Programs programs = new RollCluster.Programs(launcher, jar, null, logs);
    RollCluster.Jvm jvm = new RollCluster.Jvm("it", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        Map.of("GROUPCACHE4J_CDS", "off"), List.of("--warm-up", "0", "--log-level", "WARN"));
    RollRun.Settings s = new RollRun.Settings(300, 100, 6, 300, Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(90), 1, null);
    try (CountingOrigin origin = CountingOrigin.start(100);
        RollCluster cluster = RollCluster.create(Impl.GROUPCACHE4J, programs, jvm, 3, origin.prefix())) {
      Figures f = RollRun.run(cluster, origin, Scenario.ROLL, s, RollRun.Logger.STDOUT);
      String context = f + "\nnode 1's log:\n" + cluster.tail(1);
      assertThat(f.fillLoads()).as("the fill loads every key; %s", context).isGreaterThanOrEqualTo(300);
      assertThat(f.failed()).as("failed requests; %s", context).isZero();
      assertThat(f.reReadFailed()).as("keys not answered when read again; %s", context).isZero();
      assertThat(f.requests()).as("requests; %s", context).isGreaterThan(1_000);
      assertThat(f.steps()).hasSize(1);
      assertThat(f.steps().get(0).requestsAtNodeAfterReady()).as("node 1 answers again once ready; %s", context)
          .isPositive();
      assertThat(f.loadsAgain()).as("node 1's share of the keys, loaded twice at most (away and back), with room "
          + "to spare; %s", context).isLessThanOrEqualTo(300);
      System.out.println("roll figures: " + f);
    }
  }
}
