#!/usr/bin/env bash
# Runs the core benchmarks and rewrites the "Core" section of BENCHMARKS.md (between
# <!-- core:begin --> and <!-- core:end -->; other sections are left alone). The compact store
# is measured side by side with the W-TinyLFU and LRU stores and Caffeine:
#   1. local hit path (JMH): Group.get with each store vs Caffeine's getIfPresent, 1 and 2 threads
#   2. memory: heap held by a full 256 MiB cache, per byte of key and value held and per byte of
#      budget, and objects per entry: 100-byte values under 8-16-byte keys, and 1 KiB values
#   3. memory of a server (groupcache4j-server.jar, its own JVM) filled through its API with
#      1,070,000 keys of 8-16 bytes and 100-byte values
#   4. collection pauses: one JVM (G1, heap touched at start) holding 20,000,000 entries of 100
#      bytes under a read/write mix, compact and W-TinyLFU, with G1's default pause goal and 10 ms
#   5. hit ratio: the web12 and orm-busy traces through LRU, W-TinyLFU, compact and Belady's optimum
# A full run takes about 55 minutes on 2 cores and needs about 14 GB of free memory (the pause
# runs' 12 GB heap). Run it on a quiet machine: every figure is a ratio to a peer measured in the
# same run, but a busy machine still widens the spread.
#
# Usage: groupcache4j-bench/run-core-benchmarks.sh [options]
#   --traces DIR    trace files (default: ../shared/traces relative to the repository root)
#   --out FILE      report to update (default: BENCHMARKS.md at the repository root)
#   --quick         seconds instead of minutes, for trying the script; writes
#                   groupcache4j-bench/target/BENCHMARKS.quick.md unless --out is given
#   --skip-build    use the existing groupcache4j-bench/target/benchmarks.jar and server jar
#   --untimed       only what a busy machine does not change (memory, the server's memory, hit
#                   ratio): steps 1 and 4 are left out, and the report says so
#   --pauses-only   step 4 alone (about 12 minutes, 14 GB free): prints each run's row and its
#                   pauses; BENCHMARKS.md is not changed
#   -h, --help      this text
# Environment: JAVA_HOME selects the JDK (default: java on the PATH); MVN the Maven command.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
traces="$root/../shared/traces"
out=""
quick=0
build=1
timed=1
pauses_only=0
args=("$@")

while [[ $# -gt 0 ]]; do
  case "$1" in
    --traces) traces="${2:?--traces needs a directory}"; shift 2 ;;
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --quick) quick=1; shift ;;
    --skip-build) build=0; shift ;;
    --untimed) timed=0; shift ;;
    --pauses-only) pauses_only=1; shift ;;
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
  (cd "$root" && $mvn -B -q -pl groupcache4j-bench,groupcache4j-server -am -DskipTests package)
fi
server_jar="$root/groupcache4j-server/target/groupcache4j-server.jar"
for f in "$jar" "$server_jar"; do
  if [[ ! -f "$f" ]]; then
    echo "run-core-benchmarks.sh: $f is missing; run without --skip-build" >&2
    exit 2
  fi
done

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
  fill_entries=20000; fill_cache=64MiB; fill_jvm="-Xms256m -Xmx256m -XX:+UseParallelGC"
  gc_entries=200000; gc_seconds=5; gc_jvm=(-Xms1g -Xmx1g -XX:+UseG1GC -XX:+AlwaysPreTouch)
  web12_caps=500,4000; orm_caps=1000,20000; tiny_runs=2
else
  jmh_opts=(--rounds 5 --warmup-iterations 3 --warmup-time 1s --iterations 5 --time 1s)
  mem_runs=3; mem_budget=256
  fill_entries=1070000; fill_cache=512MiB; fill_jvm="-Xms1g -Xmx1g -XX:+UseParallelGC"
  gc_entries=20000000; gc_seconds=60; gc_jvm=(-Xms12g -Xmx12g -XX:+UseG1GC -XX:+AlwaysPreTouch)
  web12_caps=500,1000,2000,4000; orm_caps=1000,2000,5000,10000,20000,50000; tiny_runs=5
fi
jmh_forks="-Xms1g -Xmx1g"
# G1's pause-time goal (-XX:MaxGCPauseMillis) of each collection-pause run: its default (200 ms), and
# 10 ms, what docs/operations.md advises for a large cache whose pauses matter
gc_goals=(200 10)
gc_goal_option() { [[ $1 == 200 ]] || echo "-XX:MaxGCPauseMillis=$1"; }
# Step 4: each store at each pause goal, one JVM a run. Appends each run's TSV row, its log's pauses
# and its goal to gc-pauses.tsv (what CoreReport reads), and prints them with the pauses in words.
gc_pause_runs() {
  local goal policy log row pauses f
  for goal in "${gc_goals[@]}"; do
    for policy in compact w-tinylfu; do
      log="$results/gc-$policy-$goal.log"
      # shellcheck disable=SC2046 # the goal's option is one word, or none
      row=$("$java" "${gc_jvm[@]}" $(gc_goal_option "$goal") "-Xlog:gc:file=$log" -cp "$jar" org.groupcache4j.bench.GcPauses \
        --policy "$policy" --entries "$gc_entries" --seconds "$gc_seconds" --tsv)
      IFS=$'\t' read -r -a f <<< "$row"
      pauses=$("$java" -cp "$jar" org.groupcache4j.bench.GcPauses --log "$log" --from "${f[5]}" --to "${f[6]}" --tsv)
      printf '%s\t%s\t%s\n' "$row" "$pauses" "$goal" | tee -a "$results/gc-pauses.tsv"
      echo "  $policy, pause goal $goal ms: $("$java" -cp "$jar" org.groupcache4j.bench.GcPauses --log "$log" \
        --from "${f[5]}" --to "${f[6]}")"
    done
  done
}
mem_jvm=(-Xms1g -Xmx1g -XX:+UseG1GC)

if [[ $pauses_only == 1 ]]; then
  echo "== collection pauses only (${gc_entries} entries, ${gc_seconds} s of reads and writes, ${gc_jvm[*]}), load average $load_before"
  gc_pause_runs
  read -r l1 l5 l15 _ < /proc/loadavg
  echo "load average after: $l1, $l5, $l15; $(( $(date +%s) - start )) s"
  exit 0
fi

timed_results=()
if [[ $timed == 1 ]]; then
  echo "== 1/5 local hit path (JMH, 1 and 2 threads)"
  "$java" -cp "$jar" org.groupcache4j.bench.LocalHitRunner "${jmh_opts[@]}" --threads 1,2 --jvm-args "$jmh_forks" \
    --out "$results/local-hit.tsv" > "$results/jmh.log" 2>&1 \
    || { tail -40 "$results/jmh.log" >&2; echo "run-core-benchmarks.sh: JMH failed, log: $results/jmh.log" >&2; exit 1; }
  grep '^# round' "$results/jmh.log"
  timed_results+=(--jmh "$results/local-hit.tsv")
else
  echo "== 1/5 local hit path: left out (--untimed)"
fi

echo "== 2/5 memory per cached byte (${mem_budget} MiB budget, fresh JVM per run)"
for run in $(seq 1 "$mem_runs"); do
  for size in "--value-bytes 100 --key-bytes 8-16" "--value-bytes 1024 --key-bytes 14"; do
    for policy in compact w-tinylfu lru caffeine; do
      # shellcheck disable=SC2086 # $size is two options
      "$java" "${mem_jvm[@]}" -cp "$jar" org.groupcache4j.bench.MemoryOverhead \
        --policy "$policy" --budget-mib "$mem_budget" $size --tsv | tee -a "$results/memory.tsv"
    done
  done
done

echo "== 3/5 memory of a server filled through its API (${fill_entries} keys, node: ${fill_jvm})"
for policy in compact w-tinylfu; do
  "$java" -cp "$jar" org.groupcache4j.bench.ServerFill --jar "$server_jar" --policy "$policy" \
    --entries "$fill_entries" --cache-bytes "$fill_cache" --java-opts "$fill_jvm" --tsv | tee -a "$results/server-fill.tsv"
done

if [[ $timed == 1 ]]; then
  echo "== 4/5 collection pauses (${gc_entries} entries, ${gc_seconds} s of reads and writes, ${gc_jvm[*]})"
  gc_pause_runs
  timed_results+=(--gc-pauses "$results/gc-pauses.tsv")
else
  echo "== 4/5 collection pauses: left out (--untimed)"
fi

echo "== 5/5 hit ratio on traces"
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
  "${timed_results[@]}" --memory "$results/memory.tsv" --hit-ratio "$results/hit-ratio.tsv" \
  --server-fill "$results/server-fill.tsv" --gc-jvm "${gc_jvm[*]}" \
  --out "$out" --command "groupcache4j-bench/run-core-benchmarks.sh${args[*]:+ ${args[*]}}" \
  --jmh-settings "$settings" --memory-jvm "${mem_jvm[*]}" \
  --load "before $load_before; after $l1, $l5, $l15" --duration "$((elapsed / 60)) min $((elapsed % 60)) s"

if [[ $replay_rc != 0 ]]; then
  echo "run-core-benchmarks.sh: trace replay failed (exit $replay_rc): LruStore and the LinkedHashMap LRU disagree?" >&2
  exit 1
fi
