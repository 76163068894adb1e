#!/usr/bin/env bash
# History check: three groupcache4j nodes (separate JVMs, each on a host of its own in a network
# namespace), clients getting, setting and removing a small set of keys on all three APIs, and
# faults one after the other: a node frozen (SIGSTOP), killed (kill -9) and started again, its host
# off the network, a one-way partition (nftables), a node left out of the peers file and put back.
# Every operation, source load and fault step is recorded and the history is checked against the
# cluster's promises: no stale read, each key loaded once per owner change, no failed read.
#
#   groupcache4j-bench/history.sh [--seed N] [--faults-per-kind 50] [--min-operations 100000]
#                                 [--faults FREEZE,KILL,ISOLATE,ONE_WAY,MEMBERSHIP] [--clients 8] [--keys 24]
#                                 [--not-told-bound 10] [--read-deadline 5] [--owner-change-window 2]
#   groupcache4j-bench/history.sh --check FILE     # check a history a run wrote, again
#   (every option: groupcache4j-bench/history.sh --help)
#
# Prints the seed (a seed gives the same fault schedule and the same client choices; timing
# varies), the operations, the faults of each kind and the violations, each shrunk to the part of
# the history that explains it; exits 3 if there is one. The history (JSON lines) and the nodes'
# logs stay in .bench/history/. ISOLATE and ONE_WAY need root, iproute2 and nftables
# (apt-get install -y iproute2 nftables); without them use --faults FREEZE,KILL,MEMBERSHIP.
# The defaults (50 faults of each kind, at least 100,000 operations) take about 30 minutes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/.bench/history
JAR=$ROOT/groupcache4j-bench/target/benchmarks.jar
ARGS=()
CHECK=0
while (($#)); do
  case $1 in
    -h|--help)
      # this header, then the runner's options if the benchmarks are built: nothing is built or deleted
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      echo
      if [ -f "$JAR" ]; then
        java -cp "$JAR" org.groupcache4j.bench.fault.history.HistoryBench --help
      else
        echo "(the runner's options follow here once $JAR is built: by a run of this script, or mvn -B -q -DskipTests package -pl groupcache4j-bench -am)"
      fi
      exit 0 ;;
    --check) CHECK=1; ARGS+=("$1"); shift ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if [ "$CHECK" = 0 ]; then
  rm -rf "$WORK/logs"
  mkdir -p "$WORK/logs"
fi
echo "== building the groupcache4j server and the benchmarks (mvn -q -DskipTests package)"
(cd "$ROOT" && mvn -B -q -o -DskipTests package -pl groupcache4j-server,groupcache4j-bench -am \
  || mvn -B -q -DskipTests package -pl groupcache4j-server,groupcache4j-bench -am)

java -cp "$JAR" org.groupcache4j.bench.fault.history.HistoryBench \
  --launcher "$ROOT/groupcache4j" --jar "$ROOT/groupcache4j-server/target/groupcache4j-server.jar" \
  --logs "$WORK/logs" ${ARGS[@]+"${ARGS[@]}"}
