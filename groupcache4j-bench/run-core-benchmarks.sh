#!/usr/bin/env bash
# Runs the core benchmarks and rewrites the "Core" section of BENCHMARKS.md (between
# <!-- core:begin --> and <!-- core:end -->; other sections are left alone):
#   1. local hit path (JMH): Group.get with W-TinyLFU and with LRU vs Caffeine's getIfPresent
#   2. memory: heap held by a full 256 MiB cache of 1 KiB values, per byte of budget
#   3. hit ratio: the web12 and orm-busy traces through LRU, W-TinyLFU and Belady's optimum
# A full run takes about 6 minutes on 2 cores. Run it on a quiet machine: every figure is a ratio
# to a peer measured in the same run, but a busy machine still widens the spread.
#
# Usage: groupcache4j-bench/run-core-benchmarks.sh [options]
#   --traces DIR    trace files (default: ../shared/traces relative to the repository root)
#   --out FILE      report to update (default: BENCHMARKS.md at the repository root)
#   --quick         seconds instead of minutes, for trying the script; writes
#                   groupcache4j-bench/target/BENCHMARKS.quick.md unless --out is given
#   --skip-build    use the existing groupcache4j-bench/target/benchmarks.jar
#   -h, --help      this text
# Environment: JAVA_HOME selects the JDK (default: java on the PATH); MVN the Maven command.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
traces="$root/../shared/traces"
out=""
quick=0
build=1
args=("$@")

while [[ $# -gt 0 ]]; do
  case "$1" in
    --traces) traces="${2:?--traces needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --quick) quick=1; shift ;;
    --skip-build) build=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-core-benchmarks.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [[ -z "$out" ]]; then
  if [[ $quick == 1 ]]; then out="$here/target/BENCHMARKS.quick.md"; else out="$root/BENCHMARKS.md"; fi
fi
for t in web12.trace.xz orm-busy.trace.xz; do
  if [[ ! -f "$traces/$t" ]]; then
    echo "run-core-benchmarks.sh: trace $traces/$t not found; pass the directory of the cache2k traces with --traces DIR" >&2
    exit 2
  fi
done

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn="${MVN:-mvn}"
jar="$here/target/benchmarks.jar"
results="$here/target/core-results"

if [[ $build == 1 ]]; then
  echo "== building groupcache4j-bench (and the core it needs)"
  (cd "$root" && $mvn -B -q -pl groupcache4j-bench -am -DskipTests package)
fi
if [[ ! -f "$jar" ]]; then
  echo "run-core-benchmarks.sh: $jar is missing; run without --skip-build" >&2
  exit 2
fi

read -r l1 l5 l15 _ < /proc/loadavg
load_before="$l1, $l5, $l15"
if awk -v l="$l1" 'BEGIN { exit !(l >= 1.5) }'; then
  echo "warning: load average is $l1; other work on this machine will widen the spread" >&2
fi
start=$(date +%s)
rm -rf "$results"
mkdir -p "$results"

if [[ $quick == 1 ]]; then
  jmh_opts=(--rounds 1 --warmup-iterations 1 --warmup-time 200ms --iterations 2 --time 200ms)
  mem_runs=1; mem_budget=32
  web12_caps=500,4000; orm_caps=1000,20000; tiny_runs=2
else
  jmh_opts=(--rounds 5 --warmup-iterations 3 --warmup-time 1s --iterations 5 --time 1s)
  mem_runs=3; mem_budget=256
  web12_caps=500,1000,2000,4000; orm_caps=1000,2000,5000,10000,20000,50000; tiny_runs=5
fi
jmh_forks="-Xms1g -Xmx1g"
mem_jvm=(-Xms1g -Xmx1g -XX:+UseG1GC)

echo "== 1/3 local hit path (JMH)"
"$java" -cp "$jar" org.groupcache4j.bench.LocalHitRunner "${jmh_opts[@]}" --jvm-args "$jmh_forks" \
  --out "$results/local-hit.tsv" > "$results/jmh.log" 2>&1 \
  || { tail -40 "$results/jmh.log" >&2; echo "run-core-benchmarks.sh: JMH failed, log: $results/jmh.log" >&2; exit 1; }
grep '^# round' "$results/jmh.log"

echo "== 2/3 memory per cached byte (${mem_budget} MiB budget, fresh JVM per run)"
for run in $(seq 1 "$mem_runs"); do
  for policy in w-tinylfu lru caffeine; do
    "$java" "${mem_jvm[@]}" -cp "$jar" org.groupcache4j.bench.MemoryOverhead \
      --policy "$policy" --budget-mib "$mem_budget" --tsv | tee -a "$results/memory.tsv"
  done
done

echo "== 3/3 hit ratio on traces"
replay_rc=0
"$java" -Xmx2g -cp "$jar" org.groupcache4j.bench.TraceReplay --trace "$traces/web12.trace.xz" \
  --capacity "$web12_caps" --policy all --runs "$tiny_runs" --tsv > "$results/hit-ratio.tsv" || replay_rc=$?
"$java" -Xmx2g -cp "$jar" org.groupcache4j.bench.TraceReplay --trace "$traces/orm-busy.trace.xz" \
  --capacity "$orm_caps" --policy all --runs "$tiny_runs" --tsv >> "$results/hit-ratio.tsv" || replay_rc=$?
column -t -s $'\t' "$results/hit-ratio.tsv" 2>/dev/null | grep -v -e '^trace' -e '^$' || cat "$results/hit-ratio.tsv"

read -r l1 l5 l15 _ < /proc/loadavg
elapsed=$(( $(date +%s) - start ))
settings="${jmh_opts[*]}, forks ${jmh_forks}"
"$java" -cp "$jar" org.groupcache4j.bench.CoreReport \
  --jmh "$results/local-hit.tsv" --memory "$results/memory.tsv" --hit-ratio "$results/hit-ratio.tsv" \
  --out "$out" --command "groupcache4j-bench/run-core-benchmarks.sh${args[*]:+ ${args[*]}}" \
  --jmh-settings "$settings" --memory-jvm "${mem_jvm[*]}" \
  --load "before $load_before; after $l1, $l5, $l15" --duration "$((elapsed / 60)) min $((elapsed % 60)) s"

if [[ $replay_rc != 0 ]]; then
  echo "run-core-benchmarks.sh: trace replay failed (exit $replay_rc): LruStore and the LinkedHashMap LRU disagree?" >&2
  exit 1
fi
