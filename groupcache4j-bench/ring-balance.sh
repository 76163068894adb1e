#!/usr/bin/env bash
# Simulates every ring mode (golang, mailgun, groupcache-go, balanced) at 3, 10, 100 and 1,000
# peers and rewrites the "Ring balance" section of BENCHMARKS.md (between <!-- ring-balance:begin -->
# and <!-- ring-balance:end -->; other sections are left alone): each peer's share of the hash
# space, the busiest peer's share of the keys key0, key1, ..., and the keys that move when one peer
# joins or leaves, against the ideal 1/N; then the placements considered for the balanced ring.
# The simulation is deterministic (seeded, no clock): it may run on a busy machine, and a rerun
# writes the same section. It takes a few minutes on 2 idle cores.
#
# Usage: groupcache4j-bench/ring-balance.sh [options]
#   --lookups       also run the JMH lookup benchmark (RingLookupBenchmark, about 5 minutes; needs a
#                   quiet machine) and add its table: lookups per second of each mode against the
#                   golang ring at the same size
#   --quick         fewer keys and trials, writes groupcache4j-bench/target/BENCHMARKS.quick.md
#                   unless --out is given (with --lookups: JMH in seconds)
#   --out FILE      report to update (default: BENCHMARKS.md at the repository root)
#   --skip-build    use the existing groupcache4j-bench/target/benchmarks.jar
#   -h, --help      this text
# Environment: JAVA_HOME selects the JDK (default: java on the PATH); MVN the Maven command.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=""
quick=0
build=1
lookups=0
args=("$@")

while [[ $# -gt 0 ]]; do
  case "$1" in
    --lookups) lookups=1; shift ;;
    --quick) quick=1; shift ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --skip-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "ring-balance.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z "$out" ]]; then
  if [[ $quick == 1 ]]; then out="$here/target/BENCHMARKS.quick.md"; else out="$root/BENCHMARKS.md"; fi
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn="${MVN:-mvn}"
jar="$here/target/benchmarks.jar"
if [[ $build == 1 ]]; then
  echo "== building groupcache4j-bench (and the core it needs)"
  (cd "$root" && $mvn -B -q -pl groupcache4j-bench -am -DskipTests package)
fi
if [[ ! -f "$jar" ]]; then
  echo "ring-balance.sh: $jar is missing; run without --skip-build" >&2
  exit 2
fi

sim=()
if [[ $quick == 1 ]]; then sim=(--keys 100000 --trials 2); fi
extra=()
if [[ $lookups == 1 ]]; then
  results="$here/target/ring-results"
  mkdir -p "$results"
  if [[ $quick == 1 ]]; then
    jmh=(-f 1 -wi 1 -w 200ms -i 2 -r 200ms)
  else
    jmh=(-f 2 -wi 3 -w 1s -i 5 -r 1s)
  fi
  read -r l1 l5 l15 _ < /proc/loadavg
  echo "== lookups (JMH RingLookupBenchmark ${jmh[*]}), load average $l1"
  "$java" -jar "$jar" RingLookupBenchmark "${jmh[@]}" -jvmArgs "-Xms512m -Xmx512m" \
    -rf csv -rff "$results/lookups.csv" > "$results/jmh.log" 2>&1 \
    || { tail -40 "$results/jmh.log" >&2; echo "ring-balance.sh: JMH failed, log: $results/jmh.log" >&2; exit 1; }
  read -r a1 a5 a15 _ < /proc/loadavg
  cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
  note="Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) × $cpu, $("$java" -version 2>&1 | head -1), JMH ${jmh[*]}; load average before $l1, $l5, $l15, after $a1, $a5, $a15."
  extra=(--lookups "$results/lookups.csv" --lookups-note "$note")
fi

# The section quotes the options that change what it says (not --skip-build or --out FILE).
quoted=()
skip=0
for a in "${args[@]}"; do
  if [[ $skip == 1 ]]; then skip=0; continue; fi
  case "$a" in
    --skip-build) ;;
    --out) skip=1 ;;
    *) quoted+=("$a") ;;
  esac
done
echo "== simulating the rings"
"$java" -Xmx2g -cp "$jar" org.groupcache4j.bench.RingBalance "${sim[@]}" "${extra[@]}" --out "$out" \
  --command "groupcache4j-bench/ring-balance.sh${quoted[*]:+ ${quoted[*]}}"
