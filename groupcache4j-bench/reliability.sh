#!/usr/bin/env bash
# Reliability benchmark: a peer that hangs or drops off the network, groupcache4j and
# golang/groupcache (the anchor's node.go, ../shared/anchors/go-groupcache) under the same fault,
# the same clients and keys, one after the other. Writes the "Reliability" section of BENCHMARKS.md.
#
#   groupcache4j-bench/reliability.sh [--faults FROZEN,DARK,ONE_WAY] [--fault-seconds 12] [--no-write]
#                                     [--impl java|both]   (other options go to ReliabilityBench, see --help)
#
# FROZEN: node 1 stopped with SIGSTOP (loopback). DARK: node 1's host off the network (its link
# down). ONE_WAY: host 2 drops every packet of host 1 (nftables). The last two put each node in a
# network namespace of its own on a bridge: they need root, iproute2 and nftables, and are left out
# (and said so in the report) without them. No fixed ports: loopback runs take free ports.
# Needs go + golang/groupcache from Debian for the Go side:
#   apt-get install -y golang-go golang-github-golang-groupcache-dev golang-github-golang-protobuf-1-3-dev iproute2 nftables
# About 3 minutes for the three faults on both sides.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ANCHOR=${ANCHOR_DIR:-$ROOT/../shared/anchors/go-groupcache}
WORK=$ROOT/.bench/reliability
WRITE=1
IMPL=both
ARGS=()
while (($#)); do
  case $1 in
    --no-write) WRITE=0; shift ;;
    --impl) IMPL=$2; shift 2 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
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
  [ -f "$ANCHOR/node.go" ] || { echo "Go anchor not found at $ANCHOR (set ANCHOR_DIR)" >&2; exit 1; }
  echo "== building golang/groupcache's node.go (offline GOPATH mode)"
  mkdir -p "$WORK/go"
  cp "$ANCHOR/node.go" "$WORK/go/node.go"
  (cd "$WORK/go" && GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH=/usr/share/gocode GOCACHE="$WORK/go/.cache" \
    go build -o "$WORK/go/node" node.go)
  GO_ARGS=(--go-node "$WORK/go/node")
fi

OUT_ARGS=()
[ "$WRITE" = 1 ] && OUT_ARGS=(--out "$ROOT/BENCHMARKS.md")
CMD="groupcache4j-bench/reliability.sh${ARGS[*]:+ ${ARGS[*]}}"
java -cp "$ROOT/groupcache4j-bench/target/benchmarks.jar" org.groupcache4j.bench.fault.ReliabilityBench \
  --launcher "$ROOT/groupcache4j" --jar "$ROOT/groupcache4j-server/target/groupcache4j-server.jar" \
  --logs "$WORK/logs" --command "$CMD" ${GO_ARGS[@]+"${GO_ARGS[@]}"} ${OUT_ARGS[@]+"${OUT_ARGS[@]}"} \
  ${ARGS[@]+"${ARGS[@]}"}
