#!/usr/bin/env bash
# The example Spring Boot application (examples/spring-boot) under load on three cache providers,
# side by side in every round: groupcache4j (its starter), Spring's Caffeine provider (each
# instance a cache of its own) and Spring Data Redis (one redis-server, started here). Each time
# three instances of the application, a slow repository (--delay per read), and wrk driving the
# three instances at once (one wrk per instance, each -t1 -c$CONNECTIONS). Per provider:
#   cold  new books, walked in the same order by every connection of every instance (book 0, 1,
#         2, ... of --books): the stampede that @Cacheable(sync = true) is for; req/s, latency,
#         and repository reads per distinct book (how often the cached method ran for each book:
#         1.0 is the ideal, 3.0 is every instance on its own);
#   warm  the books the cold walk reached, again, in random order (hits): req/s, latency, and
#         repository reads (none, unless a value expired or was evicted);
#   again the same once more: the steady state. groupcache4j keeps a copy of another instance's
#         book once it was answered twice (its hot store), so its first warm pass still asks the
#         owners for most books; Caffeine's and Redis's are steady from the start.
# Writes the section "Spring cache providers" of BENCHMARKS.md (between <!-- spring:begin --> and
# <!-- spring:end -->) unless --no-write or --smoke.
#
#   groupcache4j-bench/spring-vs.sh [--rounds N] [--duration 20s] [--books 5000] [--delay 20ms]
#                                   [--connections 16] [--only groupcache4j,caffeine,redis] [--no-write] [--smoke]
#                                   [--check]
#
# --check: checks the options, the tools, the ports and the jar (building it if need be), then
# exits without starting anything.
# --smoke: one round of 3 s with 300 books, nothing written: checks that the script and the three
# setups work, measures nothing worth keeping.
# Needs: wrk, redis-server, curl, python3, Java 17+, and the example's jar, built here unless
# EXAMPLE_JAR names one (mvn -B -pl examples/spring-boot -am package -DskipTests):
#   apt-get install -y wrk redis-server curl python3
# Uses 127.0.0.1 ports 18081-18083 (the instances' HTTP), 18001-18003 (their peer ports) and 16379
# (Redis); they must be free. JVM options of the instances: $JAVA_OPTS (default below), the same
# for the three providers.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/.bench/spring-vs
ROUNDS=3
DURATION=20s
BOOKS=5000
DELAY=20ms
CONNECTIONS=16
ONLY=groupcache4j,caffeine,redis
WRITE=1
CHECK=0
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --books) BOOKS=$2; shift 2 ;;
    --delay) DELAY=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    --smoke) ROUNDS=1; DURATION=3s; BOOKS=300; WRITE=0; shift ;;
    --check) CHECK=1; shift ;;
    -h|--help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
DEFAULT_JAVA_OPTS="-Xms256m -Xmx512m -XX:+UseParallelGC"
JAVA=${JAVA:-java}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "--rounds takes a whole number of 1 or more, not '$ROUNDS'" >&2; exit 2; }
[[ $BOOKS =~ ^[1-9][0-9]*$ ]] || { echo "--books takes a whole number of 1 or more, not '$BOOKS'" >&2; exit 2; }
[[ $CONNECTIONS =~ ^[1-9][0-9]*$ ]] || { echo "--connections takes a whole number of 1 or more, not '$CONNECTIONS'" >&2; exit 2; }
[[ $DURATION =~ ^[1-9][0-9]*[smh]$ ]] || { echo "--duration takes wrk's form, e.g. 20s or 2m, not '$DURATION'" >&2; exit 2; }
[[ $DELAY =~ ^[0-9]+(ms|s)$ ]] || { echo "--delay takes e.g. 20ms or 1s, not '$DELAY'" >&2; exit 2; }
for p in ${ONLY//,/ }; do
  case $p in groupcache4j|caffeine|redis) ;; *) echo "--only takes groupcache4j, caffeine and redis, not '$p'" >&2; exit 2 ;; esac
done

for tool in wrk redis-server redis-cli curl python3 "$JAVA"; do
  command -v "$tool" >/dev/null || { echo "missing $tool; install: apt-get install -y wrk redis-server curl python3" >&2; exit 1; }
done
for p in 18081 18082 18083 18001 18002 18003 16379; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p on 127.0.0.1 is in use; stop what listens there first" >&2; exit 1; fi
done

JAR=${EXAMPLE_JAR:-}
if [ -z "$JAR" ]; then
  echo "== building the example application"
  # the repackaged jar of an earlier build is kept as it is when the example's own classes did not
  # change, with the groupcache4j jars of that build inside: remove it, so that the jar is this tree's
  rm -f "$ROOT"/examples/spring-boot/target/groupcache4j-example-spring-boot-*.jar*
  ( cd "$ROOT" && mvn -B -q -pl examples/spring-boot -am package -DskipTests )
  JAR=$(ls "$ROOT"/examples/spring-boot/target/groupcache4j-example-spring-boot-*.jar | grep -v original | head -1)
fi
[ -f "$JAR" ] || { echo "no application jar at '$JAR'" >&2; exit 1; }
echo "== application jar: $JAR"
if [ "$CHECK" = 1 ]; then
  echo "== ready: tools, ports 18001-18003, 18081-18083 and 16379, and the jar; nothing started (--check)"
  exit 0
fi

mkdir -p "$WORK/logs"
RESULTS=$WORK/results.tsv
: > "$RESULTS"

PIDS=()
REDIS_PID=
stop_all() {
  for pid in "${PIDS[@]}" $REDIS_PID; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}" $REDIS_PID; do
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  PIDS=()
  REDIS_PID=
}
trap stop_all EXIT

start_redis() {
  redis-server --port 16379 --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    > "$WORK/logs/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 100); do redis-cli -p 16379 ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis-server did not start; see $WORK/logs/redis.log" >&2; exit 1
}

# start PROVIDER: three instances of the application on the provider, waits until each answers
start_instances() {
  local provider=$1 peers=http://127.0.0.1:18001,http://127.0.0.1:18002,http://127.0.0.1:18003
  stop_all
  local args=()
  case $provider in
    groupcache4j) ;;
    caffeine) args+=(--spring.profiles.active=caffeine) ;;
    redis) start_redis; args+=(--spring.profiles.active=redis --spring.data.redis.port=16379) ;;
  esac
  for i in 1 2 3; do
    local node=()
    [ "$provider" = groupcache4j ] && node=(--groupcache4j.self=http://127.0.0.1:1800$i --groupcache4j.peers=$peers)
    # shellcheck disable=SC2086
    "$JAVA" ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} -jar "$JAR" --server.port=1808$i --server.address=127.0.0.1 \
      --books.repository-delay="$DELAY" --spring.main.banner-mode=off --logging.level.root=WARN \
      "${node[@]}" "${args[@]}" > "$WORK/logs/$provider-instance$i.log" 2>&1 &
    PIDS+=($!)
  done
  for i in 1 2 3; do
    for _ in $(seq 1800); do
      curl -sf -o /dev/null "http://127.0.0.1:1808$i/actuator/health" && break
      kill -0 "${PIDS[$((i - 1))]}" 2>/dev/null || { echo "instance $i of $provider exited; see $WORK/logs" >&2; exit 1; }
      sleep 0.1
    done
  done
  if [ "$provider" = groupcache4j ]; then  # every instance has heard from its two peers
    for i in 1 2 3; do
      for _ in $(seq 300); do
        [ "$(curl -s "http://127.0.0.1:1808$i/actuator/health/groupcache" | grep -o '"status":"UP"' | wc -l)" -ge 3 ] && break
        sleep 0.1
      done
    done
  fi
}

# the wrk scripts: cold walks the books in order (every connection the same order: collisions), warm picks at random
cat > "$WORK/cold.lua" <<LUA
local n = 0
request = function()
  local k = n % $BOOKS
  n = n + 1
  return wrk.format("GET", "/books/" .. PREFIX .. k)
end
init = function(args) PREFIX = args[1] end
LUA
cat > "$WORK/warm.lua" <<'LUA'
request = function() return wrk.format("GET", "/books/" .. PREFIX .. math.random(0, RANGE - 1)) end
init = function(args) PREFIX = args[1]; RANGE = tonumber(args[2]); math.randomseed(os.time() + math.random(1000)) end
LUA

reads() {  # "total distinct": repository reads over the three instances, and distinct books read
  python3 - <<'PY'
import json, urllib.request
total, keys = 0, set()
for p in (18081, 18082, 18083):
    with urllib.request.urlopen(f"http://127.0.0.1:{p}/repository/reads", timeout=10) as r:
        d = json.load(r)
    total += d["total"]
    keys.update(d["perKey"])
print(total, len(keys))
PY
}

# load PROVIDER ROUND PHASE SCRIPT PREFIX [RANGE]: one wrk per instance at once; appends a result row
load() {
  local provider=$1 round=$2 phase=$3 script=$4 prefix=$5 range=${6:-$BOOKS}
  local before; before=$(reads)
  local wrks=()
  for i in 1 2 3; do
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "http://127.0.0.1:1808$i" -- "$prefix" "$range" \
      > "$WORK/logs/$provider-$phase-$round-wrk$i.txt" 2>&1 &
    wrks+=($!)
  done
  for w in "${wrks[@]}"; do wait "$w"; done
  local after; after=$(reads)
  python3 - "$provider" "$round" "$phase" "$before" "$after" "$WORK/logs/$provider-$phase-$round-wrk"{1,2,3}.txt >> "$RESULTS" <<'PY'
import re, sys
provider, rnd, phase = sys.argv[1:4]
b_total, _ = map(int, sys.argv[4].split())
a_total, a_distinct = map(int, sys.argv[5].split())
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
rps, p50s, p99s, bad = 0.0, [], [], 0
for f in sys.argv[6:]:
    out = open(f).read()
    rps += float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50s.append(ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)))
    p99s.append(ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    bad += int(m.group(1)) if m else 0
reads = a_total - b_total
per_book = a_total / a_distinct if phase == "cold" and a_distinct else float("nan")
print(f"{provider}\t{rnd}\t{phase}\t{rps:.0f}\t{max(p50s):.2f}\t{max(p99s):.2f}\t{reads}\t{a_distinct}\t{per_book:.2f}\t{bad}")
PY
  tail -1 "$RESULTS" | awk -F'\t' '{printf "  %-12s round %s %-4s %8s req/s  p50 %7.2f ms  p99 %7.2f ms  repository reads %6s  books read %5s  reads per book %5s  non-2xx %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}'
}

for round in $(seq "$ROUNDS"); do
  for provider in ${ONLY//,/ }; do
    echo "== $provider, round $round"
    start_instances "$provider"
    prefix="r$round-$provider-"
    load "$provider" "$round" cold "$WORK/cold.lua" "$prefix"
    # warm: the books the cold walk reached (every connection walks them in the same order)
    covered=$(reads | cut -d' ' -f2)
    load "$provider" "$round" warm "$WORK/warm.lua" "$prefix" "$((covered > 0 ? covered : 1))"
    load "$provider" "$round" again "$WORK/warm.lua" "$prefix" "$((covered > 0 ? covered : 1))"
    stop_all
  done
done

echo "== results ($RESULTS)"
REPORT=$(python3 - "$RESULTS" "$DURATION" "$BOOKS" "$DELAY" "$CONNECTIONS" "$ROUNDS" <<'PY'
import collections, statistics, sys, datetime, platform, os, subprocess
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
duration, books, delay, conns, rounds = sys.argv[2:7]
by = collections.defaultdict(list)
for p, r, phase, rps, p50, p99, reads, distinct, per, bad in rows:
    by[(p, phase)].append((float(rps), float(p50), float(p99), int(reads), float(per), int(bad)))
providers = [p for p in ("groupcache4j", "caffeine", "redis") if (p, "cold") in by]
def med(xs): return statistics.median(xs)
cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
out = []
out.append(f"Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
           f"`groupcache4j-bench/spring-vs.sh --rounds {rounds} --duration {duration} --books {books} --delay {delay} --connections {conns}`. "
           f"Three instances of examples/spring-boot per provider, one wrk per instance (-t1 -c{conns}), medians of {rounds} round(s).")
out.append("")
def span(xs): return f"{med(xs):.0f} [{min(xs):.0f}–{max(xs):.0f}]"
out.append("| provider | cold req/s [min–max] | cold p99 ms | repository reads per book (cold) | warm req/s, first pass | warm req/s, second pass | warm p99 ms (second) | reads while warm |")
out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
for p in providers:
    c, w, a = by[(p, "cold")], by[(p, "warm")], by[(p, "again")]
    out.append(f"| {p} | {span([x[0] for x in c])} | {med([x[2] for x in c]):.1f} | {med([x[4] for x in c]):.2f} | "
               f"{span([x[0] for x in w])} | {span([x[0] for x in a])} | {med([x[2] for x in a]):.1f} | "
               f"{med([x[3] + y[3] for x, y in zip(w, a)]):.0f} |")
if "groupcache4j" in providers:
    out.append("")
    for p in providers:
        if p == "groupcache4j":
            continue
        ratio = lambda phase: med([x[0] for x in by[("groupcache4j", phase)]]) / med([x[0] for x in by[(p, phase)]])
        out.append(f"- groupcache4j ÷ {p}: cold req/s {ratio('cold'):.2f}, warm req/s {ratio('warm'):.2f} (first pass), "
                   f"{ratio('again'):.2f} (second pass)")
bad = sum(x[5] for v in by.values() for x in v)
if bad:
    out.append(f"\nNon-2xx answers in all: {bad}.")
print("\n".join(out))
PY
)
echo "$REPORT"
if [ "$WRITE" = 1 ]; then
  python3 - "$ROOT/BENCHMARKS.md" "$REPORT" <<'PY'
import re, sys
path, report = sys.argv[1], sys.argv[2]
text = open(path).read()
section = "<!-- spring:begin -->\n## Spring cache providers\n\n" + report + "\n<!-- spring:end -->"
if "<!-- spring:begin -->" in text:
    text = re.sub(r"<!-- spring:begin -->.*?<!-- spring:end -->", lambda m: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
print(f"wrote {path}")
PY
fi
