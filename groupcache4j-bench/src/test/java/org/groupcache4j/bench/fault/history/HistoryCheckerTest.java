package org.groupcache4j.bench.fault.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.groupcache4j.bench.fault.history.Violation.Kind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HistoryCheckerTest {
  /** A node not told may serve the old value for 1 s; a read may take 5 s; nodes agree on owners 50 ms after a fault step. */
  private static final HistoryChecker.Bounds BOUNDS = new HistoryChecker.Bounds(Duration.ofSeconds(1), Duration.ofSeconds(5),
      Duration.ofMillis(50));

  private static Report check(Histories h) {
    return HistoryChecker.check(h.build(), BOUNDS);
  }

  private static List<Violation> of(Report r, Kind kind) {
    return r.violations().stream().filter(v -> v.kind() == kind).toList();
  }

  @Nested
  class ReadsThatKeepThePromise {
    @Test
    void aReadAfterASetSeesItsValue() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.get(2, "k", 10, 11, v0);
      h.set("k", "v1", 100, 200);
      h.get(2, "k", 300, 310, "v1");
      h.get(3, "k", 320, 330, "v1");

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void aReadThatOverlapsASetMaySeeTheOldValueOrTheNew() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.set("k", "v1", 100, 200);
      h.get(2, "k", 150, 250, v0);
      h.get(3, "k", 150, 250, "v1");
      h.get(1, "k", 199, 201, v0);

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void afterTwoConcurrentSetsEitherValueMayWin() {
      Histories h = new Histories();
      h.set("k", "a", 100, 200);
      h.set("k", "b", 150, 250);
      h.get(2, "k", 300, 310, "a");
      h.get(3, "k", 300, 310, "b");

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void afterARemoveAValueLoadedOnceTheRemoveBeganIsNew() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.remove("k", 100, 200);
      String during = h.load(3, "k", 150, 151); // the remove had begun: the source's data is the new one
      h.get(2, "k", 300, 310, during);

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void aRemoveAfterASetLetsTheSourceValueBack() {
      Histories h = new Histories();
      h.set("k", "v1", 100, 200);
      h.remove("k", 300, 400);
      String reloaded = h.load(3, "k", 500, 501);
      h.get(1, "k", 600, 610, reloaded);

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void aRemoveConcurrentWithASetMayWinOverIt() {
      Histories h = new Histories();
      h.remove("k", 100, 300);
      h.set("k", "v1", 200, 250);
      String reloaded = h.load(3, "k", 260, 261); // after the remove began, which ended after the set began
      h.get(1, "k", 400, 410, reloaded);

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void aNodeNamedNotToldMayServeTheOldValueWithinTheBound() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.set("k", "v1", 100, 200, Map.of(3, "judged down"));
      h.get(3, "k", 1_100, 1_110, v0); // 900 ms after the set returned: within 1 s

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void aWriteWithoutA200PromisesNothingButItsValueMayAppear() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.write(Op.Kind.SET, 1, "k", "v1", 100, 200, 502, Map.of());
      h.write(Op.Kind.SET, 1, "k", "v2", 300, 400, 0, Map.of());
      h.get(2, "k", 500, 510, v0);
      h.get(2, "k", 520, 530, "v1"); // the owner may apply it late
      h.get(2, "k", 540, 550, "v2");

      assertThat(check(h).violations()).isEmpty();
    }
  }

  @Nested
  class StaleReads {
    @Test
    void aToldNodeServingTheValueFromBeforeASet() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      Op set = h.set("k", "v1", 100, 200, Map.of(3, "judged down"));
      Op read = h.get(2, "k", 300, 310, v0);

      List<Violation> v = of(check(h), Kind.STALE_READ);

      assertThat(v).singleElement().satisfies(x -> {
        assertThat(x.subject()).isEqualTo(read.id());
        assertThat(x.headline()).contains("n2 read k = src:k:1", "op#" + set.id(), "n2 was told",
            "loaded by n3 at 0.000 s");
      });
    }

    @Test
    void aValueLoadedFromTheSourceAfterASetWithNoRemoveIsOlderThanTheSet() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.set("k", "v1", 100, 200);
      String reloaded = h.load(2, "k", 250, 251); // a restarted owner that forgot the set
      h.get(2, "k", 300, 310, reloaded);

      assertThat(of(check(h), Kind.STALE_READ)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("no remove of k that began before that load"));
    }

    @Test
    void theValueOfASetThatEndedBeforeALaterSetBegan() {
      Histories h = new Histories();
      Op a = h.set("k", "a", 100, 200);
      h.set("k", "b", 300, 400);
      h.get(2, "k", 500, 510, "a");

      assertThat(of(check(h), Kind.STALE_READ)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("written by op#" + a.id()));
    }

    @Test
    void aValueLoadedBeforeARemoveBegan() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.remove("k", 100, 200);
      h.get(1, "k", 300, 310, v0);

      assertThat(of(check(h), Kind.STALE_READ)).hasSize(1);
    }

    @Test
    void aNodeNamedNotToldPastTheBound() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.set("k", "v1", 100, 200, Map.of(3, "judged down"));
      h.get(3, "k", 1_100, 1_110, v0);
      Op late = h.get(3, "k", 1_300, 1_310, v0); // 1.1 s after the set returned

      assertThat(of(check(h), Kind.STALE_READ)).singleElement().satisfies(x -> {
        assertThat(x.subject()).isEqualTo(late.id());
        assertThat(x.headline()).contains("n3 was named not told, but the read began 1.100 s after");
      });
    }

    @Test
    void aNodeTheWriteDidNotNameIsNotExcused() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.setTelling("k", "v1", 100, 200, List.of(2)); // n3 was out of the writer's peer list
      h.get(3, "k", 300, 310, v0);

      assertThat(of(check(h), Kind.STALE_READ)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("n3 is not named in the write's answer"));
    }

    @Test
    void manyReadsOfOneStaleValueAtOneNodeAreOneCase() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.set("k", "v1", 100, 200);
      for (int i = 0; i < 5; i++) {
        h.get(2, "k", 300 + 20 * i, 310 + 20 * i, v0);
      }
      h.get(3, "k", 300, 310, v0);

      Report r = check(h);

      assertThat(r.counts()).containsEntry(Kind.STALE_READ, 6);
      assertThat(r.cases().get(Kind.STALE_READ)).hasSize(2);
      assertThat(r.summary(1)).startsWith("6 violations: STALE_READ 6 (2 cases)").contains("1 more STALE_READ cases not shown");
    }
  }

  @Nested
  class UnexplainedValues {
    @Test
    void aValueNobodyWroteOrLoaded() {
      Histories h = new Histories();
      h.get(1, "k", 0, 10, "garbage");

      assertThat(of(check(h), Kind.UNEXPLAINED_VALUE)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("no set of k wrote it and no source load of k made it"));
    }

    @Test
    void aValueOfAnotherKey() {
      Histories h = new Histories();
      String other = h.load(3, "j", 0, 1);
      h.get(1, "k", 10, 20, other);

      assertThat(of(check(h), Kind.UNEXPLAINED_VALUE)).hasSize(1);
    }

    @Test
    void aValueMadeOnlyAfterTheReadEnded() {
      Histories h = new Histories();
      h.get(1, "k", 0, 10, "v1");
      h.set("k", "v1", 20, 30);

      assertThat(of(check(h), Kind.UNEXPLAINED_VALUE)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("after the read ended"));
    }
  }

  @Nested
  class FillOnce {
    @Test
    void onceBetweenOwnerChanges() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.load(3, "j", 2, 3);
      h.freeze(1, 3, 100, 200);
      h.load(1, "k", 150, 151);
      h.load(3, "k", 250, 251);

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void twiceBetweenOwnerChanges() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.freeze(1, 3, 100, 200);
      h.load(1, "k", 150, 151);
      h.load(2, "k", 160, 161);

      assertThat(of(check(h), Kind.EXTRA_LOAD)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("n2 loaded k at 0.160 s, and k was loaded already since the "
              + "owner change at 0.100 s (fault#1 FREEZE: SIGSTOP n3"));
    }

    @Test
    void aRemoveCallsForOneReload() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.remove("k", 100, 200);
      h.load(3, "k", 250, 251);
      h.load(3, "k", 300, 301);

      assertThat(of(check(h), Kind.EXTRA_LOAD)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("n3 loaded k at 0.300 s, and k was loaded already since the run "
              + "began (last by n3 at 0.250 s, load#3), with no remove of k since that load to call for another"));
    }

    @Test
    void aLoadARemoveOverlappedIsThrownAwayAndLoadedAgain() {
      Histories h = new Histories();
      h.remove("k", 100, 200);
      h.load(3, "k", 150, 160);
      h.load(3, "k", 250, 251);

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void aRemoveThatEndedBeforeThePreviousLoadCallsForNothing() {
      Histories h = new Histories();
      h.remove("k", 0, 10);
      h.load(3, "k", 20, 21);
      h.load(3, "k", 30, 31);

      assertThat(of(check(h), Kind.EXTRA_LOAD)).hasSize(1);
    }

    @Test
    void aRemoveThatEndedWithinTheLoadTransitBeforeTheLoadReachedTheOriginMayHaveOverlappedIt() {
      Histories h = new Histories();
      h.remove("k", 0, 10);
      h.load(3, "k", 20, 21); // the node may have begun it before 10, its request waiting for a CPU
      h.load(3, "k", 30, 31);

      HistoryChecker.Bounds transit = new HistoryChecker.Bounds(BOUNDS.notToldBound(), BOUNDS.readDeadline(),
          BOUNDS.ownerChangeWindow(), java.time.Duration.ofMillis(15));
      assertThat(HistoryChecker.check(h.build(), transit).violations()).as("15 ms of transit").isEmpty();
      HistoryChecker.Bounds shorter = new HistoryChecker.Bounds(BOUNDS.notToldBound(), BOUNDS.readDeadline(),
          BOUNDS.ownerChangeWindow(), java.time.Duration.ofMillis(5));
      assertThat(HistoryChecker.check(h.build(), shorter).violations()).as("5 ms of transit").hasSize(1);
    }

    @Test
    void aSetCallsForNoReload() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.set("k", "v1", 100, 200);
      h.load(3, "k", 300, 301);

      assertThat(of(check(h), Kind.EXTRA_LOAD)).hasSize(1);
    }

    @Test
    void aLoadWithinTheWindowOfAnOwnerChangeMayCountToTheOwnersBeforeIt() {
      Histories h = new Histories();
      h.freeze(1, 3, 100, 500);
      h.load(3, "k", 120, 121); // asked of n3 as it froze: the nodes did not know yet
      h.load(1, "k", 300, 301); // the owner while n3 is away

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void whileTheNodesDisagreeAboutAnOwnerChangeARemoveCallsForOneLoadOnEachSide() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.freeze(1, 3, 100, 500); // the SIGSTOP's window: 100 to 160
      h.remove("k", 112, 114);
      h.load(3, "k", 120, 121); // n3, the owner by the old ring (its node had not frozen yet)
      h.load(1, "k", 125, 126); // n1, the owner by the new one
      h.remove("k", 130, 132);
      h.load(3, "k", 140, 141);
      h.load(1, "k", 145, 146);

      assertThat(check(h).violations()).isEmpty();
    }

    @Test
    void aRemoveCallsForOneLoadOnEachSideOfAChangeOnly() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.freeze(1, 3, 100, 500);
      h.remove("k", 112, 114);
      h.load(3, "k", 120, 121);
      h.load(1, "k", 125, 126);
      h.load(2, "k", 130, 131); // a third load after one remove: no side is left to count it to

      assertThat(of(check(h), Kind.EXTRA_LOAD)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("n2 loaded k at 0.130 s"));
    }

    @Test
    void aLoadAfterTheWindowOfAnOwnerChangeCountsToTheNewOwnersOnly() {
      Histories h = new Histories();
      h.freeze(1, 3, 100, 500);
      h.load(3, "k", 200, 201);
      h.load(1, "k", 300, 301);

      assertThat(of(check(h), Kind.EXTRA_LOAD)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("n1 loaded k at 0.300 s"));
    }

    @Test
    void aRestartedNodeMayLoadBeforeItIsReady() {
      Histories h = new Histories();
      h.step(1, FaultKind.KILL, "SIGKILL n3", 100, 110, true, List.of(3), List.of());
      h.load(1, "k", 200, 201);
      h.step(1, FaultKind.KILL, "n3 started again", 1_000, 3_000, true, List.of(), List.of(3));
      h.load(3, "k", 2_500, 2_501); // taken back by the others before its API said ready
      h.load(1, "k", 2_600, 2_601);

      assertThat(of(check(h), Kind.EXTRA_LOAD)).singleElement().satisfies(x -> {
        assertThat(x.headline()).contains("n1 loaded k at 2.600 s", "nor before the owner change it came within 0.050 s of");
        assertThat(x.explanation().loads()).extracting(SourceLoad::node).containsExactly(1, 3, 1);
      });
    }

    @Test
    void aStepThatChangesNoOwnerStartsNoNewCount() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.step(1, FaultKind.KILL, "a step that moves no key", 100, 100, false, List.of(), List.of());
      h.load(3, "k", 150, 151);

      assertThat(of(check(h), Kind.EXTRA_LOAD)).hasSize(1);
    }
  }

  @Nested
  class FailedReads {
    @Test
    void aReadANodeThatWasUpDidNotAnswer200() {
      Histories h = new Histories();
      h.failedGet(1, "k", 0, 10, 504, "origin timed out");
      h.failedGet(2, "k", 20, 30, 0, "java.net.http.HttpTimeoutException: request timed out");

      assertThat(of(check(h), Kind.FAILED_READ)).hasSize(2)
          .first().satisfies(x -> assertThat(x.headline()).contains("answered 504: origin timed out"));
    }

    @Test
    void aReadSentToANodeTheClientsHadLeftIsExcused() {
      Histories h = new Histories();
      h.freeze(1, 3, 100, 4_000);
      h.failedGet(3, "k", 50, 150, 0, "timed out"); // under way when n3 froze
      h.failedGet(3, "k", 3_900, 4_100, 0, "timed out");
      h.failedGet(2, "k", 200, 300, 0, "timed out"); // n2 was up

      assertThat(of(check(h), Kind.FAILED_READ)).singleElement().satisfies(x -> assertThat(x.headline()).contains("n2"));
    }

    @Test
    void aReadAnsweredAfterTheDeadline() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.get(1, "k", 10, 5_011, v0);
      h.get(1, "k", 10, 5_010, v0);

      assertThat(of(check(h), Kind.LATE_READ)).singleElement()
          .satisfies(x -> assertThat(x.headline()).contains("answered 200 only after 5.001 s (deadline 5.000 s)"));
    }

    @Test
    void aLateReadAtAFrozenNodeIsExcused() {
      Histories h = new Histories();
      String v0 = h.load(3, "k", 0, 1);
      h.freeze(1, 1, 100, 3_000);
      h.get(1, "k", 90, 6_000, v0);

      assertThat(check(h).violations()).isEmpty();
    }
  }

  @Nested
  class Shrinking {
    /** The issue's scenario, inside a busier history. */
    private Histories busy() {
      Histories h = new Histories();
      String v0 = h.load(3, "k7", 1_000, 1_002);
      String other = h.load(1, "k1", 1_010, 1_011);
      h.freeze(1, 1, 2_000, 3_000); // over before the write: not in the explanation
      h.get(2, "k7", 5_000, 5_005, v0);
      h.get(1, "k1", 5_000, 5_005, other);
      h.set("k1", "x1", 5_100, 5_200);
      h.freeze(2, 3, 10_000, 13_000);
      h.set("k7", "v1", 11_000, 11_900, Map.of(3, "judged down"));
      h.get(2, "k7", 12_000, 12_010, "v1");
      h.get(1, "k7", 12_100, 12_110, "v1");
      h.set("k1", "x2", 12_200, 12_300);
      h.get(2, "k7", 14_000, 14_010, v0);
      return h;
    }

    @Test
    void aStaleReadIsShownWithTheWriteItContradictsTheValuesProducerAndTheFaultBetween() {
      History full = busy().build();

      Violation v = HistoryChecker.check(full, BOUNDS).violations().get(0);

      assertThat(v.kind()).isEqualTo(Kind.STALE_READ);
      assertThat(v.explanation().ops()).extracting(HistoryText::describe).containsExactly(
          "op#10 c2 SET k7 = v1 at n1 → 200, told n2, not told n3 (judged down)",
          "op#14 c1 GET k7 at n2 → 200 src:k7:1");
      assertThat(v.explanation().loads()).extracting(SourceLoad::value).containsExactly("src:k7:1");
      assertThat(v.explanation().steps()).extracting(FaultStep::what).containsExactly("SIGSTOP n3", "SIGCONT n3");
      assertThat(v.leftOut()).isEqualTo("left out: 2 other reads of k7 in this stretch (1 at n1, 1 at n2); a read "
          + "cannot change another read's verdict");
      assertThat(v.render()).isEqualTo("""
          STALE_READ: n2 read k7 = src:k7:1 (op#14, from 14.000 s), but op#10 set k7 = v1 at n1 and returned at 11.900 s, \
          before the read began; n2 was told; src:k7:1 was loaded by n3 at 1.000 s (load#1), and no remove of k7 that \
          began before that load was still under way when op#10 began
                  1.000–1.002     load#1 n3 loaded k7 → src:k7:1
                 10.000–10.010    fault#2 FREEZE: SIGSTOP n3 (owner change; clients leave n3)
                 11.000–11.900    op#10 c2 SET k7 = v1 at n1 → 200, told n2, not told n3 (judged down)
                 13.000–13.010    fault#2 FREEZE: SIGCONT n3 (owner change; clients back to n3)
                 14.000–14.010    op#14 c1 GET k7 at n2 → 200 src:k7:1   ◀
              (left out: 2 other reads of k7 in this stretch (1 at n1, 1 at n2); a read cannot change another read's verdict)
          """);
    }

    @Test
    void theShrunkHistoryShowsTheSameViolationOnItsOwn() {
      Violation v = HistoryChecker.check(busy().build(), BOUNDS).violations().get(0);

      Report again = HistoryChecker.check(v.explanation(), BOUNDS);

      assertThat(again.violations()).extracting(Violation::subject).containsExactly(v.subject());
      assertThat(again.violations().get(0).explanation()).isEqualTo(v.explanation());
    }

    @Test
    void theSameHistoryGivesTheSameReport() {
      History h = busy().build();

      assertThat(HistoryChecker.check(h, BOUNDS)).isEqualTo(HistoryChecker.check(h, BOUNDS));
    }

    @Test
    void anExtraLoadIsShownWithTheLoadsSinceTheOwnerChangeAndTheWritesAmongThem() {
      Histories h = new Histories();
      h.load(3, "k", 0, 1);
      h.freeze(1, 3, 100, 200);
      h.load(1, "k", 110, 111);
      h.remove("j", 115, 116);
      h.set("k", "v1", 120, 130);
      h.get(2, "k", 125, 135, "v1");
      h.load(2, "k", 140, 141);
      h.freeze(2, 1, 500, 600);

      Violation v = of(check(h), Kind.EXTRA_LOAD).get(0);

      // the load before the freeze is in: the one at 110 ms might have counted before the owner change
      assertThat(v.explanation().loads()).extracting(SourceLoad::start)
          .containsExactly(Histories.ms(0), Histories.ms(110), Histories.ms(140));
      assertThat(v.explanation().ops()).extracting(Op::kind).containsExactly(Op.Kind.SET);
      assertThat(v.explanation().steps()).extracting(FaultStep::what).containsExactly("SIGSTOP n3", "SIGCONT n3");
      assertThat(v.leftOut()).contains("1 other read of k");
    }
  }
}
