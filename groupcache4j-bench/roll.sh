#!/usr/bin/env bash
# Restarts and scaling under load: a rolling restart (SIGTERM), scale 3 -> 4 and 4 -> 3, kill -9 and
# restart, on a groupcache4j cluster and on a golang/groupcache cluster (go/rollnode, built here
# from Debian's golang/groupcache), in one run, with one origin that counts every load. Writes the
# "roll" section of BENCHMARKS.md (keys loaded again, failed requests, p99 steady / during / after
# a node is ready, time to ready).
#
#   groupcache4j-bench/roll.sh [--quick] [--no-write] [--impl java|both] [--repeat 3]
#                              [--scenarios ROLL,SCALE_UP,SCALE_DOWN,KILL] [--jvm default,...]
#                              (other options go to RollBench, see --help)
#
# --quick: short windows, one run of each (about 6 minutes with both sides); it writes
# groupcache4j-bench/target/BENCHMARKS.roll-quick.md, never BENCHMARKS.md. The full run (3 runs of
# each, about an hour) needs a quiet machine: every node, the clients and the origin share its
# cores. Loopback only, ports 20000-32000 picked free.
# Needs go + golang/groupcache from Debian for the Go side:
#   apt-get install -y golang-go golang-github-golang-groupcache-dev golang-github-golang-protobuf-1-3-dev
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$ROOT/.bench/roll
WRITE=1
QUICK=0
IMPL=both
ARGS=()
while (($#)); do
  case $1 in
    --no-write) WRITE=0; shift ;;
    --quick) QUICK=1; ARGS+=("$1"); shift ;;
    --impl) IMPL=$2; shift 2 ;;
    -h|--help) sed -n 2,20p "$0"; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

mkdir -p "$WORK/logs"
echo "== building the groupcache4j server and the benchmarks (mvn -q -DskipTests package)"
(cd "$ROOT" && mvn -B -q -o -DskipTests package -pl groupcache4j-server,groupcache4j-bench -am \
  || mvn -B -q -DskipTests package -pl groupcache4j-server,groupcache4j-bench -am)

GO_ARGS=()
if [ "$IMPL" = both ]; then
  command -v go >/dev/null || { echo "missing go; install: apt-get install -y golang-go golang-github-golang-groupcache-dev golang-github-golang-protobuf-1-3-dev (or --impl java)" >&2; exit 1; }
  echo "== building go/rollnode against golang/groupcache (offline GOPATH mode)"
  mkdir -p "$WORK/go"
  (cd "$ROOT/groupcache4j-bench/go/rollnode" && GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH=/usr/share/gocode \
    GOCACHE="$WORK/go/.cache" go build -o "$WORK/go/rollnode" rollnode.go)
  GO_ARGS=(--go-node "$WORK/go/rollnode")
fi

OUT_ARGS=()
if [ "$QUICK" = 1 ]; then
  OUT_ARGS=(--out "$ROOT/groupcache4j-bench/target/BENCHMARKS.roll-quick.md")
elif [ "$WRITE" = 1 ]; then
  OUT_ARGS=(--out "$ROOT/BENCHMARKS.md")
fi
CMD="groupcache4j-bench/roll.sh${ARGS[*]:+ ${ARGS[*]}}"
java -cp "$ROOT/groupcache4j-bench/target/benchmarks.jar" org.groupcache4j.bench.roll.RollBench \
  --launcher "$ROOT/groupcache4j" --jar "$ROOT/groupcache4j-server/target/groupcache4j-server.jar" \
  --logs "$WORK/logs" --command "$CMD" ${GO_ARGS[@]+"${GO_ARGS[@]}"} ${OUT_ARGS[@]+"${OUT_ARGS[@]}"} \
  ${ARGS[@]+"${ARGS[@]}"}
