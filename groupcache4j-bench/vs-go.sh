#!/usr/bin/env bash
# Side-by-side benchmark of a groupcache4j cluster against the golang/groupcache anchor cluster
# (../shared/anchors/go-groupcache), with the anchor's workloads and the same wrk flags,
# alternating Go and ours in every round. Writes the "Cluster" and "Peer endpoint" sections of
# BENCHMARKS.md.
#
#   groupcache4j-bench/vs-go.sh [--rounds N] [--duration 10s] [--only a,c,b,b3,d,e] [--impl go,java] [--no-write] [--tls] [--jit-settle on|off] [--eviction POLICY]
#   groupcache4j-bench/vs-go.sh --lib mailgun|groupcache-go [--rounds N] [--duration 10s] [--only a,c,b] [--impl go,mixed] [--no-write]
#
# --lib mailgun / --lib groupcache-go: the other groupcache lineages instead (their interop anchors,
# ../shared/anchors/mailgun-groupcache and ../shared/anchors/groupcache-go, built offline from
# their vendor-src; LIB_ANCHOR_DIR overrides). Each round runs an all-Go cluster of that library
# (impl go: its node.go on 8001-8003) and a mixed one (impl mixed: its nodes on 8001 and 8002, one
# of ours with --ring LIB on 8003), with the same wrk flags, and measures the API node (node 3,
# :9999) and its raw peer endpoint: a1 (a hot key node 3 owns on that library's ring), c
# (GET :8003/_groupcache/scores/that key) and b1 (the 10k random keys, cold). It writes the
# section "Mixed clusters with LIB nodes" of BENCHMARKS.md; --tls, b2, b3, d and e do not apply.
#
# --tls: every round runs each implementation twice, with http:// peers and with https:// peers
# (TLS on the peer port with a throw-away CA and node certificate made by openssl; wrk speaks
# https to the raw peer endpoint, so no client certificates: mutual TLS is not in this measure),
# and writes the section "Over TLS" of BENCHMARKS.md instead (default --only a,c,b there).
# --only picks workload groups (a = a1+a2, c = raw peer endpoint, b = b1+b2, b3, d = d1,
# e = e1+e2: writes, ours only, as golang/groupcache has no remove or set; --e-keys N keys for e1);
# --impl runs one side only (for quick checks while tuning; the report then has no ratios).
# --eviction gives our nodes that --eviction (compact, w-tiny-lfu or lru; default: the server's
# default): one store against another is two runs, each a ratio to Go in its own run.
#
# Besides wrk's req/s and latencies, every measured run records the CPU time (user + system, from
# /proc) of the three node processes over the run, per answered request: what a request costs the
# nodes, without wrk's own share of the cores (which over TLS includes wrk's TLS); and wrk's own
# CPU time per answered request, so that share is measured too.
#
# Needs: wrk, go + golang/groupcache (Debian), curl, python3:
#   apt-get install -y wrk golang-go golang-github-golang-groupcache-dev golang-github-golang-protobuf-1-3-dev curl
# Uses 127.0.0.1 ports 8001-8003, 9001-9003 and 9999 (as the anchor does); they must be free.
#
# JVM options of our nodes: $JAVA_OPTS, default "$DEFAULT_JAVA_OPTS" below (the JVM's own
# tiered compilation, C1 then C2, as a production node runs). A node is measured in its steady
# state: after each cluster start, its warm-up load runs in 2 s steps until the JIT compiler
# threads of all three nodes are idle (at most 10 ticks, 0.1 s of CPU, in a step, twice in a
# row; at most 60 s), so no measurement shares the 2 cores with C2 compiling. The warm-up length
# per cluster start is logged. golang/groupcache has no JIT; its nodes get the fixed warm-up
# alone. --jit-settle off skips the wait (the old fixed 3 s warm-up for both).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ANCHOR=${ANCHOR_DIR:-$ROOT/../shared/anchors/go-groupcache}
WORK=$ROOT/.bench/vs-go
ROUNDS=3
DURATION=10s
WRITE=1
ONLY=a,c,b,b3,d,e
IMPLS=go,java
TLS=0
ONLY_GIVEN=0
for a in "$@"; do [ "$a" = --only ] && ONLY_GIVEN=1; done
E_KEYS=200
JIT_SETTLE=on
LIB=golang
EVICTION=
IMPLS_GIVEN=0
for a in "$@"; do [ "$a" = --impl ] && IMPLS_GIVEN=1; done
while (($#)); do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --no-write) WRITE=0; shift ;;
    --only) ONLY=$2; shift 2 ;;
    --impl) IMPLS=$2; shift 2 ;;
    --tls) TLS=1; shift ;;
    --lib) LIB=$2; shift 2 ;;
    --e-keys) E_KEYS=$2; shift 2 ;;
    --jit-settle) JIT_SETTLE=$2; shift 2 ;;
    --eviction) EVICTION=$2; shift 2 ;;
    -h|--help) sed -n 2,40p "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
WRK_FLAGS="-t2 -c32 -d$DURATION"
if [ "$TLS" = 1 ] && [ "$ONLY_GIVEN" = 0 ]; then ONLY=a,c,b; fi
case $LIB in
  golang) ;;
  mailgun|groupcache-go)
    [ "$TLS" = 0 ] || { echo "--tls does not go with --lib $LIB" >&2; exit 2; }
    [ "$ONLY_GIVEN" = 1 ] || ONLY=a,c,b
    [ "$IMPLS_GIVEN" = 1 ] || IMPLS=go,mixed
    for w in ${ONLY//,/ }; do
      [[ $w == a || $w == c || $w == b ]] || { echo "--only $w does not apply with --lib $LIB (a, c, b do)" >&2; exit 2; }
    done ;;
  *) echo "--lib must be golang, mailgun or groupcache-go (was $LIB)" >&2; exit 2 ;;
esac
LIB_ANCHOR=${LIB_ANCHOR_DIR:-$ROOT/../shared/anchors/${LIB/mailgun/mailgun-groupcache}}
DEFAULT_JAVA_OPTS="-Xms256m -Xmx512m -XX:+UseParallelGC"

for tool in wrk go curl python3 openssl; do
  command -v $tool >/dev/null || { echo "missing $tool; install: apt-get install -y wrk golang-go golang-github-golang-groupcache-dev golang-github-golang-protobuf-1-3-dev curl" >&2; exit 1; }
done
[ -f "$ANCHOR/node.go" ] || { echo "Go anchor not found at $ANCHOR (set ANCHOR_DIR)" >&2; exit 1; }
if [ "$LIB" != golang ]; then
  [ -f "$LIB_ANCHOR/node.go" ] && [ -d "$LIB_ANCHOR/vendor-src" ] ||
    { echo "$LIB anchor not found at $LIB_ANCHOR (set LIB_ANCHOR_DIR)" >&2; exit 1; }
fi
for p in 8001 8002 8003 9001 9002 9003 9999; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p on 127.0.0.1 is in use; stop what listens there first" >&2; exit 1; fi
done

mkdir -p "$WORK/go" "$WORK/logs"
RESULTS=$WORK/results.tsv
: > "$RESULTS"

if [ "$LIB" = golang ]; then
  echo "== building the Go anchor (offline GOPATH mode) and the groupcache4j server"
  cp "$ANCHOR"/{node.go,burst.go,keyowners.go,keys.lua} "$WORK/go/"
  ( cd "$WORK/go" && export GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH=/usr/share/gocode GOCACHE="$WORK/go/.cache" &&
    for f in node burst keyowners; do go build -o "$f" "$f.go"; done )
else
  echo "== building the $LIB anchor (offline GOPATH mode, its vendor-src) and the groupcache4j server"
  cp "$ANCHOR/keys.lua" "$WORK/go/"
  mkdir -p "$WORK/$LIB"
  cp "$LIB_ANCHOR/node.go" "$WORK/$LIB/"
  ( cd "$WORK/$LIB" && export GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH="$LIB_ANCHOR/vendor-src" GOCACHE="$WORK/go/.cache" &&
    go build -o node node.go )
fi
"$ROOT/groupcache4j" ring --peers http://127.0.0.1:8001 warmup-build >/dev/null
JAR=$(ls "$ROOT"/groupcache4j-server/target/groupcache4j-server.jar)
JAVA=${JAVA:-java}
# Warm-up keys are disjoint from the measured key0..key9999.
sed 's|"/api?key=key"|"/api?key=warm"|' "$WORK/go/keys.lua" > "$WORK/go/warm.lua"
# The a workloads' warm-up: their two keys in turn.
cat > "$WORK/go/hot.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", (n % 2 == 0) and "/api?key=Jack" or "/api?key=Tom")
end
LUA

PEERS=http://127.0.0.1:8001,http://127.0.0.1:8002,http://127.0.0.1:8003
PEER_BASE=http://127.0.0.1
if [ "$LIB" != golang ]; then
  # a1's key: one that node 3 (the API node) owns on the library's ring, as our ring command computes it
  A1_KEY=$("$ROOT/groupcache4j" ring --ring "$LIB" --peers "$PEERS" $(printf 'hot-%s-key ' $(seq 0 99)) |
    awk -F'\t' '$2 == "http://127.0.0.1:8003" { print $1; exit }')
  [ -n "$A1_KEY" ] || { echo "no candidate key is owned by node 3 on the $LIB ring" >&2; exit 1; }
  echo "  a1 and c ask key $A1_KEY (owned by node 3 on the $LIB ring)"
  printf 'request = function() return wrk.format("GET", "/api?key=%s") end\n' "$A1_KEY" > "$WORK/go/hot.lua"
fi
if [ "$TLS" = 1 ]; then  # a throw-away CA and one certificate for 127.0.0.1, shared by the nodes
  CERTS=$WORK/tls; mkdir -p "$CERTS"
  ( cd "$CERTS" &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
      -subj "/CN=vs-go bench CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null &&
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout node.key -out node.csr -subj /CN=node 2>/dev/null &&
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > node.ext &&
    openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 2 -extfile node.ext -out node.pem 2>/dev/null )
fi
PIDS=()
stop_cluster() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap stop_cluster EXIT

wait_up() {  # every peer and API port answers
  for _ in $(seq 300); do
    local ok=1
    for u in "$@"; do curl -sk -o /dev/null "$u" || ok=0; done
    [ $ok = 1 ] && return 0
    sleep 0.1
  done
  echo "cluster did not come up; logs in $WORK/logs" >&2; exit 1
}

# start IMPL CACHE_BYTES DELAY_MS [ORIGIN (ours)]; IMPL go-tls / java-tls: https:// peers
start_cluster() {
  local impl=$1 cache=$2 delay=$3 origin_spec=${4:-}
  local scheme=http go_tls=() java_tls=()
  if [[ $impl == *-tls ]]; then
    scheme=https
    go_tls=(-tlsCert "$CERTS/node.pem" -tlsKey "$CERTS/node.key" -tlsCA "$CERTS/ca.pem")
    java_tls=(--tls-cert "$CERTS/node.pem" --tls-key "$CERTS/node.key" --tls-ca "$CERTS/ca.pem")
  fi
  PEERS=$scheme://127.0.0.1:8001,$scheme://127.0.0.1:8002,$scheme://127.0.0.1:8003
  PEER_BASE=$scheme://127.0.0.1
  stop_cluster
  for i in 1 2 3; do
    if [ "$LIB" != golang ] && { [ "$impl" = go ] || ((i < 3)); }; then  # a node of the library
      local api="127.0.0.1:900$i"; [ $i = 3 ] && api="127.0.0.1:9999,127.0.0.1:9003"
      "$WORK/$LIB/node" -addr "http://127.0.0.1:800$i" -peers "$PEERS" -api "$api" -cache "$cache" -loadDelayMs "$delay" \
        > "$WORK/logs/$LIB-$impl-node$i.log" 2>&1 &
    elif [ "$LIB" != golang ]; then  # ours, in the library's ring
      "$JAVA" ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} -jar "$JAR" serve --self "http://127.0.0.1:800$i" --peers "$PEERS" \
        --ring "$LIB" --api 127.0.0.1:9999 --cache-bytes "$cache" --origin synthetic:100 ${EVICTION:+--eviction "$EVICTION"} > "$WORK/logs/$LIB-$impl-node$i.log" 2>&1 &
    elif [[ $impl == go* ]]; then
      local api="127.0.0.1:900$i"; [ $i = 3 ] && api="127.0.0.1:9999,127.0.0.1:9003"
      "$WORK/go/node" -addr "$scheme://127.0.0.1:800$i" -peers "$PEERS" -api "$api" -cache "$cache" -loadDelayMs "$delay" \
        "${go_tls[@]}" > "$WORK/logs/$impl-node$i.log" 2>&1 &
    else
      local api="127.0.0.1:900$i"; [ $i = 3 ] && api="127.0.0.1:9999"
      local origin="synthetic:100"; [ "$delay" != 0 ] && origin="synthetic:100,delay=${delay}ms"
      [ -n "$origin_spec" ] && origin=$origin_spec
      "$JAVA" ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} -jar "$JAR" serve --self "$scheme://127.0.0.1:800$i" --peers "$PEERS" \
        --api "$api" --cache-bytes "$cache" --origin "$origin" ${EVICTION:+--eviction "$EVICTION"} "${java_tls[@]}" > "$WORK/logs/$impl-node$i.log" 2>&1 &
    fi
    PIDS+=($!)
  done
  wait_up $PEER_BASE:8001/ $PEER_BASE:8002/ $PEER_BASE:8003/ "http://127.0.0.1:9999/api?key=up" \
    "http://127.0.0.1:9001/api?key=up" "http://127.0.0.1:9002/api?key=up"
}

CUR_IMPL=
jit_ticks() {  # CPU ticks so far of the JIT compiler threads of the running nodes
  local t=0 f l r
  for pid in "${PIDS[@]}"; do
    for f in /proc/"$pid"/task/*/stat; do
      read -r l < "$f" 2>/dev/null || continue
      case $l in
        *"(C2 CompilerThre"*|*"(C1 CompilerThre"*) r=${l##*) }; set -- $r; t=$((t + ${12} + ${13})) ;;
      esac
    done
  done
  echo $t
}

# settle wrk-args...: our nodes only: drive the warm-up load in 2 s steps until the JIT is idle
settle() {
  [[ $CUR_IMPL == java* || $CUR_IMPL == mixed ]] && [ "$JIT_SETTLE" = on ] || return 0
  local quiet=0 step t0 t1
  for step in $(seq 30); do
    t0=$(jit_ticks); wrk -t2 -c32 -d2s "$@" >/dev/null; t1=$(jit_ticks)
    if ((t1 - t0 <= 10)); then quiet=$((quiet + 1)); else quiet=0; fi
    if ((quiet >= 2)); then echo "  (warm-up: JIT idle after $((step * 2)) s more)"; return 0; fi
  done
  echo "  (warm-up: the JIT compilers were still busy after 60 s; measuring anyway)"
}

drain() {  # let loopback TIME-WAIT sockets of earlier runs expire (max 70 s), as the anchor's bench.sh
  for _ in $(seq 70); do [ "$(ss -tan state time-wait | tail -n +2 | wc -l)" -lt 2000 ] && return; sleep 1; done
}

node_cpu_ticks() {  # CPU ticks (user + system) so far of the running nodes' processes, all threads
  local t=0 pid l r
  for pid in "${PIDS[@]}"; do
    read -r l < /proc/"$pid"/stat || continue
    r=${l##*) }; set -- $r; t=$((t + ${12} + ${13}))
  done
  echo $t
}

# measure IMPL ROUND WORKLOAD wrk-args...
measure() {
  local impl=$1 round=$2 name=$3; shift 3
  drain
  local t0 t1 out
  # wrk runs under a small wrapper that also prints wrk's own CPU time (it shares the cores with the nodes)
  t0=$(node_cpu_ticks); out=$(python3 -c '
import resource, subprocess, sys
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, text=True)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(p.stdout, end="")
print(f"client cpu seconds: {u.ru_utime + u.ru_stime:.6f}")
sys.exit(p.returncode)' wrk $WRK_FLAGS --latency "$@"); t1=$(node_cpu_ticks)
  echo "$out" > "$WORK/logs/$impl-$name-$round.wrk"
  python3 - "$impl" "$round" "$name" "$WORK/logs/$impl-$name-$round.wrk" "$((t1 - t0))" "$(getconf CLK_TCK)" >> "$RESULTS" <<'PY'
import re, sys
out = open(sys.argv[4]).read()
# the three nodes' CPU time over the run (wrk's own excluded), in microseconds per answered request
reqs = int(re.search(r"(\d+) requests in", out).group(1))
cpu_us = int(sys.argv[5]) / int(sys.argv[6]) * 1e6 / max(reqs, 1)
# wrk's own CPU time over the run, per answered request
client_us = float(re.search(r"client cpu seconds: ([\d.]+)", out).group(1)) * 1e6 / max(reqs, 1)
def ms(v):
    n, u = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
# anchored: a "+/- Stdev" column such as "97.50%" must not pass for the 50% percentile
p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
err = re.search(r"Socket errors: (.*)", out)
print(f"{sys.argv[1]}\t{sys.argv[2]}\t{sys.argv[3]}\t{rps:.0f}\t{p50:.3f}\t{p99:.3f}\t{bad.group(1) if bad else 0}\t{err.group(1) if err else ''}\t{cpu_us:.2f}\t{client_us:.2f}")
PY
  tail -1 "$RESULTS" | awk -F'\t' '{printf "  %-5s round %s %-3s %8s req/s  p50 %6.3f ms  p99 %6.3f ms  nodes %5.2f us CPU/req  wrk %5.2f us CPU/req  non-2xx %s %s\n", $1, $2, $3, $4, $5, $6, $9, $10, $7, $8}'
}

origin_loads() {  # sum of loader/origin calls over the three nodes
  local impl=$1 total=0
  for p in 9001 9002 9999; do
    n=$(curl -s "http://127.0.0.1:$p/stats" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["loads"] if "loads" in d else sum(g["origin"]["loads"] for g in d["groups"].values()))')
    total=$((total + n))
  done
  echo $total
}

wants() { [[ ",$ONLY," == *",$1,"* ]]; }

# run_lib IMPL ROUND: the --lib workloads (a1, c, b1) on an all-Go (go) or mixed (mixed) cluster
run_lib() {
  local impl=$1 round=$2
  [[ ",$IMPLS," == *",$impl,"* ]] || return 0
  echo "== $LIB, $impl, round $round"
  CUR_IMPL=$impl
  if wants a || wants c; then
    start_cluster "$impl" 67108864 0
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:9999/api?key=$A1_KEY"; done
    wrk -t2 -c32 -d3s "http://127.0.0.1:9999/api?key=$A1_KEY" >/dev/null
    settle -s "$WORK/go/hot.lua" http://127.0.0.1:9999
    if wants a; then
      measure "$impl" "$round" a1 "http://127.0.0.1:9999/api?key=$A1_KEY"
    fi
    if wants c; then
      wrk -t2 -c32 -d3s "$PEER_BASE:8003/_groupcache/scores/$A1_KEY" >/dev/null
      settle "$PEER_BASE:8003/_groupcache/scores/$A1_KEY"
      measure "$impl" "$round" c "$PEER_BASE:8003/_groupcache/scores/$A1_KEY"
    fi
  fi
  if wants b; then
    start_cluster "$impl" 67108864 0
    wrk -t2 -c32 -d3s -s "$WORK/go/warm.lua" http://127.0.0.1:9999 >/dev/null
    settle -s "$WORK/go/warm.lua" http://127.0.0.1:9999
    measure "$impl" "$round" b1 -s "$WORK/go/keys.lua" http://127.0.0.1:9999
  fi
  stop_cluster
}

run_impl() {
  local impl=$1 round=$2
  [[ ",$IMPLS," == *",${impl%-tls},"* ]] || return 0
  echo "== $impl, round $round"
  CUR_IMPL=$impl
  if wants a || wants c; then
    start_cluster "$impl" 67108864 0
    for k in Jack Tom; do for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:9999/api?key=$k"; done; done
    wrk -t2 -c32 -d3s "http://127.0.0.1:9999/api?key=Jack" >/dev/null
    settle -s "$WORK/go/hot.lua" http://127.0.0.1:9999
    if wants a; then
      measure "$impl" "$round" a1 "http://127.0.0.1:9999/api?key=Jack"
      measure "$impl" "$round" a2 "http://127.0.0.1:9999/api?key=Tom"
    fi
    if wants c; then
      wrk -t2 -c32 -d3s "$PEER_BASE:8001/_groupcache/scores/Tom" >/dev/null
      settle "$PEER_BASE:8001/_groupcache/scores/Tom"
      measure "$impl" "$round" c "$PEER_BASE:8001/_groupcache/scores/Tom"
    fi
  fi
  if wants b; then
    start_cluster "$impl" 67108864 0
    wrk -t2 -c32 -d3s -s "$WORK/go/warm.lua" http://127.0.0.1:9999 >/dev/null
    settle -s "$WORK/go/warm.lua" http://127.0.0.1:9999
    measure "$impl" "$round" b1 -s "$WORK/go/keys.lua" http://127.0.0.1:9999
    measure "$impl" "$round" b2 -s "$WORK/go/keys.lua" http://127.0.0.1:9999
  fi
  if wants b3; then
    start_cluster "$impl" 0 0
    wrk -t2 -c32 -d3s -s "$WORK/go/warm.lua" http://127.0.0.1:9999 >/dev/null
    settle -s "$WORK/go/warm.lua" http://127.0.0.1:9999
    measure "$impl" "$round" b3 -s "$WORK/go/keys.lua" http://127.0.0.1:9999
  fi
  if wants d; then
    start_cluster "$impl" 67108864 200
    local before; before=$(origin_loads "$impl")
    local apis="http://127.0.0.1:9001,http://127.0.0.1:9002,http://127.0.0.1:9999"
    local burst; burst=$("$WORK/go/burst" -n 100 -key "sf-burst-$round" -apis "$apis")
    local loads=$(( $(origin_loads "$impl") - before ))
    local wall; wall=$(echo "$burst" | sed -E 's/.*wall=([^ ]+).*/\1/')
    local ok; ok=$(echo "$burst" | grep -o 'status=map\[[^]]*\]')
    printf '%s\t%s\td1\t%s\t%s\t%s\t%s\t%s\n' "$impl" "$round" "$loads" "$wall" "" "" "$ok" >> "$RESULTS"
    echo "  $impl round $round d1: $burst -> origin loads $loads"
  fi
  if wants e && [ "$impl" = java ]; then
    # e1: a value changes at the origin (a directory); DELETE at one node (each key at another);
    # the time until all three nodes serve the new value (the owner and two hot copies before).
    rm -rf "$WORK/e-origin"; mkdir -p "$WORK/e-origin"
    start_cluster java 67108864 0 "dir:$WORK/e-origin"
    python3 - "$WORK/e-origin" "$E_KEYS" "$round" >> "$RESULTS" <<'PY'
import os, statistics, sys, time, urllib.request
origin, n, rnd = sys.argv[1], int(sys.argv[2]), sys.argv[3]
apis = ["http://127.0.0.1:9001", "http://127.0.0.1:9002", "http://127.0.0.1:9999"]
def get(api, key):
    with urllib.request.urlopen(f"{api}/api?key={key}", timeout=10) as r:
        return r.read().decode()
def put_file(key, v):
    with open(os.path.join(origin, key), "w") as f:
        f.write(v)
times = []
for i in range(n):
    key = f"e{rnd}-{i}"
    put_file(key, "old")
    for _ in range(2):  # the second fetch from the owner keeps a hot copy on the other nodes
        for a in apis:
            assert get(a, key) == "old"
    put_file(key, "new")
    t0 = time.perf_counter()
    req = urllib.request.Request(f"{apis[i % 3]}/api?key={key}", method="DELETE")
    urllib.request.urlopen(req, timeout=10).read()
    pending = list(apis)
    while pending:
        pending = [a for a in pending if get(a, key) != "new"]
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
print(f"java\t{rnd}\te1\t{statistics.median(times):.3f}\t{p99:.3f}\t{len(times)}\t0\t")
PY
    tail -1 "$RESULTS" | awk -F'\t' '{printf "  java  round %s e1  DELETE until all serve the new value: median %s ms  p99 %s ms (%s keys)\n", $2, $4, $5, $6}'
    # e2: the b-workload's 10k random keys with 1% DELETEs (each a remove across the cluster)
    start_cluster java 67108864 0
    cat > "$WORK/go/writes.lua" <<'LUA'
request = function()
  local k = "/api?key=key" .. math.random(0, 9999)
  if math.random(100) == 1 then return wrk.format("DELETE", k) end
  return wrk.format("GET", k)
end
LUA
    wrk -t2 -c32 -d3s -s "$WORK/go/warm.lua" http://127.0.0.1:9999 >/dev/null
    settle -s "$WORK/go/warm.lua" http://127.0.0.1:9999
    measure java "$round" b2w -s "$WORK/go/keys.lua" http://127.0.0.1:9999
    measure java "$round" e2 -s "$WORK/go/writes.lua" http://127.0.0.1:9999
  fi
  stop_cluster
}

if [ "$LIB" != golang ]; then
  for round in $(seq "$ROUNDS"); do
    if ((round % 2)); then order="go mixed"; else order="mixed go"; fi
    for impl in $order; do run_lib "$impl" "$round"; done
  done
  JIT_SETTLE=$JIT_SETTLE NODE_JAVA_OPTS="${JAVA_OPTS:-$DEFAULT_JAVA_OPTS}" NODE_EVICTION="$EVICTION" A1_KEY=$A1_KEY python3 \
    "$ROOT/groupcache4j-bench/vs-go-report.py" "$RESULTS" "$ROOT/BENCHMARKS.md" "$WRITE" "$WRK_FLAGS" "$ROUNDS" "lib:$LIB"
  exit 0
fi

for round in $(seq "$ROUNDS"); do
  if ((round % 2)); then order="go java"; else order="java go"; fi
  for impl in $order; do
    run_impl "$impl" "$round"
    if [ "$TLS" = 1 ]; then run_impl "$impl-tls" "$round"; fi
  done
done

JIT_SETTLE=$JIT_SETTLE NODE_JAVA_OPTS="${JAVA_OPTS:-$DEFAULT_JAVA_OPTS}" NODE_EVICTION="$EVICTION" python3 "$ROOT/groupcache4j-bench/vs-go-report.py" "$RESULTS" "$ROOT/BENCHMARKS.md" "$WRITE" "$WRK_FLAGS" "$ROUNDS" "$([ "$TLS" = 1 ] && echo tls || echo plain)"
