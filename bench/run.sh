#!/usr/bin/env bash
# Load benchmark: the demo portal under gunicorn (2 workers) against a bare Flask
# app serving the same HTML, each measured with wrk at 32 connections.
# Only loopback addresses are used; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-8765}
BASE_PORT=${BASE_PORT:-8766}
OUT=bench/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is needed (apt-get install wrk)" >&2
    exit 1
  fi
fi

INSTANCE=$(mktemp -d)
export CMS_INSTANCE_DIR=$INSTANCE
$BIN/cms init >/dev/null
$BIN/cms demo >/dev/null
cleanup() {
  for pidfile in "$INSTANCE/cms.pid" "$INSTANCE/base.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$INSTANCE"
}
trap cleanup EXIT

$BIN/gunicorn -w 2 -b 127.0.0.1:$PORT --daemon --pid "$INSTANCE/cms.pid" wsgi:app
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

ARTICLE=$(curl -fs "http://127.0.0.1:$PORT/feed.xml" | grep -o "<id>http://127.0.0.1:$PORT/news/[^<]*" | head -1 | sed 's/<id>//')
curl -fs "$ARTICLE" > "$INSTANCE/article.html"
BASELINE_TEMPLATE="$INSTANCE/article.html" $BIN/gunicorn -w 2 -b 127.0.0.1:$BASE_PORT \
  --daemon --pid "$INSTANCE/base.pid" --chdir bench baseline_app:app
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$BASE_PORT/hello" >/dev/null && break; sleep 0.2; done

run() {
  local name=$1 url=$2
  echo "== $name $url" | tee -a "$OUT/summary.txt"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url" > "$OUT/$name.txt"
  grep -E "Requests/sec|99%|Non-2xx" "$OUT/$name.txt" | tee -a "$OUT/summary.txt"
}
run baseline-article "http://127.0.0.1:$BASE_PORT/"
run baseline-hello "http://127.0.0.1:$BASE_PORT/hello"
run cms-article "$ARTICLE"
run cms-home "http://127.0.0.1:$PORT/"
run cms-healthz "http://127.0.0.1:$PORT/healthz"
echo "Results in $OUT"
