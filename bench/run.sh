#!/usr/bin/env bash
# Load benchmark of the CMS against a bare Flask app serving the same HTML
# (DESIGN.md section 5), in interleaved rounds. See bench/README.md.
#
# Knobs: DURATION (10s, per target and round), ROUNDS (5), SCALE_ROUNDS (3: rounds of
# the 100,000-article part), CONNECTIONS (32), BIG (1; 0 skips the 100,000-article
# part), PORT (8765: ports PORT..PORT+6), PLUGINS ("clock": the plugins left enabled on
# the demo site, "all" for every bundled one), PLUGIN_COST ("stats": the plugin whose
# cost is measured with and without it, ports PORT+7..PORT+10; "" skips that part).
# Every server listens on 127.0.0.1 only; everything started here is stopped
# on exit and the temporary instances are removed.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PY=$BIN/python
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-5}
SCALE_ROUNDS=${SCALE_ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-32}
BIG=${BIG:-1}
PORT=${PORT:-8765}
PLUGINS=${PLUGINS:-clock}
PLUGIN_COST=${PLUGIN_COST-stats}
SMALL_ARTICLES=100
BIG_ARTICLES=100000
BIG_VIEWS=1000000
UA='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'
OUT=$PWD/bench/results/$(date +%Y%m%d-%H%M%S)
RAW=$OUT/raw
mkdir -p "$RAW"
printf 'part\tround\ttarget\tpath\tfile\tviews_before\tviews_after\n' > "$OUT/runs.tsv"
printf 'part\tserver\tpid\trss_kb\n' > "$OUT/memory.tsv"
: > "$OUT/notes.txt"

note() { echo "$*" | tee -a "$OUT/notes.txt"; }

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is needed (apt-get install wrk)" >&2
    exit 1
  fi
fi

# The site is configured here alone: SQLite in a temporary instance, no Redis.
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep '^CMS_' || true)

WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME PORT INSTANCE [VAR=value...]: the CMS under gunicorn; sets STARTED.
start() {
  local name=$1 port=$2 instance=$3
  shift 3
  if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
    echo "port $port is in use; choose another PORT" >&2
    exit 1
  fi
  env CMS_INSTANCE_DIR="$instance" "$@" "$BIN/gunicorn" --workers 2 --worker-class sync \
    --bind "127.0.0.1:$port" --error-logfile "$OUT/$name.log" wsgi:app &
  STARTED=$!
  PIDS+=("$STARTED")
}

wait_up() {
  local url=$1
  for _ in $(seq 150); do
    curl -fs -o /dev/null --max-time 2 "$url" && return 0
    sleep 0.2
  done
  echo "no answer from $url" >&2
  exit 1
}

# stop PID...: stop servers started here and forget them.
stop() {
  local pid keep=()
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    [[ " $* " == *" $pid "* ]] || keep+=("$pid")
  done
  PIDS=("${keep[@]}")
}

# memory PART SERVER MASTER_PID: VmRSS of each worker of a gunicorn master.
memory() {
  local worker
  for worker in $(pgrep -P "$3"); do
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$worker" \
      "$(awk '/^VmRSS:/ {print $2}' "/proc/$worker/status")" >> "$OUT/memory.tsv"
  done
}

# Wait until a server has answered what wrk left queued when it stopped.
drain() {
  curl -s -o /dev/null --max-time 120 -H 'User-Agent:' "$1/healthz" || true
  sleep 1
}

# Parts whose site counts views (the stats plugin enabled): their cached article's
# views are read before and after each run. Views are a plugin's feature, not the core's.
declare -A COUNTS_VIEWS=()

# counts_views INSTANCE: whether the stats plugin, which counts views, is enabled there.
counts_views() {
  CMS_INSTANCE_DIR=$1 $BIN/cms plugins list | awk '$1 == "stats" && $3 == "enabled" {f = 1} END {exit !f}'
}

# measure PART ROUND TARGET BASE PATH CHOSEN_JSON: one wrk run, one line in runs.tsv.
measure() {
  local part=$1 round=$2 target=$3 base=$4 path=$5 chosen=$6
  local file=raw/$part-r$round-$target.txt before=- after=-
  local counted=${COUNTS_VIEWS[$part]:-}
  if [ "$target" = article-cached ] && [ -z "$counted" ]; then
    before=off after=off # no plugin counts views on this site
  elif [ "$target" = article-cached ]; then
    before=$($PY bench/targets.py views "$base" "$chosen")
  fi
  # --timeout 30s (gunicorn's worker timeout): slow answers stay in the latency figures.
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 30s -s bench/sent.lua \
    -H "User-Agent: $UA" "$base$path" > "$OUT/$file" 2>&1 || echo "wrk failed: $base$path" >&2
  drain "$base"
  if [ "$target" = article-cached ] && [ -n "$counted" ]; then
    sleep 3 # the store writes buffered counters every second
    after=$($PY bench/targets.py views "$base" "$chosen")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$part" "$round" "$target" "$path" "$file" \
    "$before" "$after" >> "$OUT/runs.tsv"
  printf '%-6s round %s  %-16s %s\n' "$part" "$round" "$target" \
    "$(grep -h '^Requests/sec' "$OUT/$file" || echo 'no result')"
}

warm_up() {
  curl -s -o /dev/null --max-time 120 -A "$UA" "$1" || true
}

# check BASE PATH: say loudly when a page does not answer 200 (the run goes on).
check() {
  $PY bench/targets.py check "$1" "$2" || note "!!! $1$2 does not answer 200: see above"
}

echo "Building the demo portal in $WORK/demo"
for step in init demo; do
  if ! CMS_INSTANCE_DIR=$WORK/demo $BIN/cms $step >> "$OUT/setup.log" 2>&1; then
    tail -5 "$OUT/setup.log" >&2
    echo "cms $step failed (whole output in $OUT/setup.log)" >&2
    exit 1
  fi
done

# DESIGN.md section 5 sets the budgets for the article page with the clock widget: the
# other plugins (and their widgets) are disabled unless PLUGINS names them.
if [ "$PLUGINS" != all ]; then
  while read -r name _rest; do
    if [[ " $PLUGINS " != *" $name "* ]]; then
      CMS_INSTANCE_DIR=$WORK/demo $BIN/cms plugins disable "$name" >> "$OUT/setup.log" 2>&1
    fi
  done < <(CMS_INSTANCE_DIR=$WORK/demo $BIN/cms plugins list)
fi
note "Plugins enabled: $(CMS_INSTANCE_DIR=$WORK/demo $BIN/cms plugins list | awk '$3 == "enabled" {print $1}' | xargs)"

if counts_views "$WORK/demo"; then
  COUNTS_VIEWS[main]=1 COUNTS_VIEWS[small]=1 COUNTS_VIEWS[big]=1
fi

if [ -n "$PLUGIN_COST" ]; then
  if CMS_INSTANCE_DIR=$WORK/demo $BIN/cms plugins list | awk -v p="$PLUGIN_COST" '$1 == p {f = 1} END {exit !f}'; then
    cp -a "$WORK/demo" "$WORK/without"
    cp -a "$WORK/demo" "$WORK/with"
    CMS_INSTANCE_DIR=$WORK/without $BIN/cms plugins disable "$PLUGIN_COST" >> "$OUT/setup.log" 2>&1
    CMS_INSTANCE_DIR=$WORK/with $BIN/cms plugins enable "$PLUGIN_COST" >> "$OUT/setup.log" 2>&1
    counts_views "$WORK/without" && COUNTS_VIEWS[without]=1
    counts_views "$WORK/with" && COUNTS_VIEWS[with]=1
  else
    note "Skipped the plugin-cost part: there is no plugin named '$PLUGIN_COST'."
    PLUGIN_COST=
  fi
fi

if [ "$BIG" = 1 ]; then
  if $BIN/cms bench-data --help >/dev/null 2>&1; then
    cp -a "$WORK/demo" "$WORK/small"
    cp -a "$WORK/demo" "$WORK/big"
  else
    note "Skipped the 100,000-article part: the command 'cms bench-data' does not exist yet."
    BIG=0
  fi
fi

# Part 1: the CMS with and without the page cache, and the yardstick.
CACHE=http://127.0.0.1:$PORT
NOCACHE=http://127.0.0.1:$((PORT + 1))
BASE=http://127.0.0.1:$((PORT + 2))
start cms-cache "$PORT" "$WORK/demo"
CACHE_PID=$STARTED
start cms-nocache $((PORT + 1)) "$WORK/demo" CMS_PAGE_CACHE=0
NOCACHE_PID=$STARTED
wait_up "$CACHE/healthz"
wait_up "$NOCACHE/healthz"

mapfile -t MAIN < <($PY bench/targets.py discover "$NOCACHE" --out "$OUT/targets-main.json")
[ "${#MAIN[@]}" -gt 0 ] || { echo "could not choose the pages to measure" >&2; exit 1; }
ARTICLE=$(printf '%s\n' "${MAIN[@]}" | awk -F'\t' '$1 == "article" {print $2}')
mkdir -p "$WORK/baseline"
{
  echo '{% raw %}'
  curl -fs -H 'User-Agent:' "$NOCACHE$ARTICLE"
  echo '{% endraw %}'
} > "$WORK/baseline/article.html"
if curl -s -o /dev/null --max-time 2 "$BASE/"; then
  echo "port $((PORT + 2)) is in use; choose another PORT" >&2
  exit 1
fi
BASELINE_TEMPLATE=$WORK/baseline/article.html $BIN/gunicorn --workers 2 --worker-class sync \
  --bind "127.0.0.1:$((PORT + 2))" --error-logfile "$OUT/baseline.log" \
  --chdir bench baseline_app:app &
BASELINE_PID=$!
PIDS+=("$BASELINE_PID")
wait_up "$BASE/hello"
MAIN+=($'baseline-article\t/' $'hello\t/hello')

# server TARGET [CACHE NOCACHE BASELINE]: the base URL a target is measured on.
server() {
  case $1 in
    article-cached) echo "$2" ;;
    baseline-article | hello) echo "$4" ;;
    *) echo "$3" ;;
  esac
}

for line in "${MAIN[@]}"; do
  IFS=$'\t' read -r target path <<< "$line"
  check "$(server "$target" "$CACHE" "$NOCACHE" "$BASE")" "$path"
done

# round_order ROUND: the main targets in the order of that round. The two budgeted
# targets sit on either side of the yardstick, and swap sides every round, so that
# each ratio compares runs a few seconds apart and a drift of the machine's speed
# during a round favours neither side.
round_order() {
  local first=article-cached last=article line target
  if [ $(($1 % 2)) = 0 ]; then first=article last=article-cached; fi
  for target in "$first" baseline-article "$last"; do
    printf '%s\n' "${MAIN[@]}" | awk -F'\t' -v t="$target" '$1 == t'
  done
  for line in "${MAIN[@]}"; do
    target=${line%%$'\t'*}
    case $target in article-cached | baseline-article | article) ;; *) echo "$line" ;; esac
  done
}

echo "Main part: ${#MAIN[@]} targets, $ROUNDS rounds of $DURATION each"
for round in $(seq "$ROUNDS"); do
  note "load average before main round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
  for line in "${MAIN[@]}"; do
    IFS=$'\t' read -r target path <<< "$line"
    warm_up "$(server "$target" "$CACHE" "$NOCACHE" "$BASE")$path"
  done
  sleep 3 # views of the warm-up written, the servers idle
  mapfile -t ORDER < <(round_order "$round")
  for line in "${ORDER[@]}"; do
    IFS=$'\t' read -r target path <<< "$line"
    measure main "$round" "$target" "$(server "$target" "$CACHE" "$NOCACHE" "$BASE")" "$path" \
      "$OUT/targets-main.json"
  done
done
memory main "cms (page cache on)" "$CACHE_PID"
memory main "cms (page cache off)" "$NOCACHE_PID"
stop "$CACHE_PID" "$NOCACHE_PID" "$BASELINE_PID"

# Part 2: the same pages at 100 and at 100,000 articles, interleaved.
if [ "$BIG" = 1 ]; then
  demo_articles=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["public_articles"])' \
    "$OUT/targets-main.json")
  for size in small big; do
    if [ $size = small ]; then
      articles=$((SMALL_ARTICLES - demo_articles)) views=$((SMALL_ARTICLES * 10))
    else
      articles=$((BIG_ARTICLES - demo_articles)) views=$BIG_VIEWS
    fi
    started=$(date +%s)
    if ! CMS_INSTANCE_DIR=$WORK/$size $BIN/cms bench-data --articles "$articles" \
      --views "$views" >> "$OUT/setup.log" 2>&1; then
      tail -5 "$OUT/setup.log" >&2
      echo "cms bench-data failed (whole output in $OUT/setup.log)" >&2
      exit 1
    fi
    note "cms bench-data --articles $articles --views $views ($size): $(($(date +%s) - started)) s"
  done
  SMALL_CACHE=http://127.0.0.1:$((PORT + 3))
  SMALL_NOCACHE=http://127.0.0.1:$((PORT + 4))
  BIG_CACHE=http://127.0.0.1:$((PORT + 5))
  BIG_NOCACHE=http://127.0.0.1:$((PORT + 6))
  start small-cache $((PORT + 3)) "$WORK/small"
  start small-nocache $((PORT + 4)) "$WORK/small" CMS_PAGE_CACHE=0
  start big-cache $((PORT + 5)) "$WORK/big"
  BIG_CACHE_PID=$STARTED
  start big-nocache $((PORT + 6)) "$WORK/big" CMS_PAGE_CACHE=0
  BIG_NOCACHE_PID=$STARTED
  for url in "$SMALL_CACHE" "$SMALL_NOCACHE" "$BIG_CACHE" "$BIG_NOCACHE"; do
    wait_up "$url/healthz"
  done
  mapfile -t SMALL < <($PY bench/targets.py discover "$SMALL_NOCACHE" \
    --out "$OUT/targets-small.json" --like "$OUT/targets-main.json" --fresh-word)
  mapfile -t LARGE < <($PY bench/targets.py discover "$BIG_NOCACHE" \
    --out "$OUT/targets-big.json" --like "$OUT/targets-small.json")
  if [ "${#SMALL[@]}" = 0 ] || [ "${#SMALL[@]}" != "${#LARGE[@]}" ]; then
    echo "could not choose the pages to measure at both sizes" >&2
    exit 1
  fi
  for i in "${!SMALL[@]}"; do
    IFS=$'\t' read -r target path <<< "${SMALL[$i]}"
    check "$(server "$target" "$SMALL_CACHE" "$SMALL_NOCACHE")" "$path"
    IFS=$'\t' read -r target path <<< "${LARGE[$i]}"
    check "$(server "$target" "$BIG_CACHE" "$BIG_NOCACHE")" "$path"
  done

  echo "Scale part: ${#SMALL[@]} targets at two sizes, $SCALE_ROUNDS rounds of $DURATION each"
  for round in $(seq "$SCALE_ROUNDS"); do
    note "load average before scale round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
    for i in "${!SMALL[@]}"; do
      IFS=$'\t' read -r target path <<< "${SMALL[$i]}"
      warm_up "$(server "$target" "$SMALL_CACHE" "$SMALL_NOCACHE")$path"
      IFS=$'\t' read -r target path <<< "${LARGE[$i]}"
      warm_up "$(server "$target" "$BIG_CACHE" "$BIG_NOCACHE")$path"
    done
    sleep 3
    for i in "${!SMALL[@]}"; do
      IFS=$'\t' read -r target path <<< "${SMALL[$i]}"
      measure small "$round" "$target" "$(server "$target" "$SMALL_CACHE" "$SMALL_NOCACHE")" \
        "$path" "$OUT/targets-small.json"
      IFS=$'\t' read -r target path <<< "${LARGE[$i]}"
      measure big "$round" "$target" "$(server "$target" "$BIG_CACHE" "$BIG_NOCACHE")" \
        "$path" "$OUT/targets-big.json"
    done
  done
  memory big "cms (page cache on)" "$BIG_CACHE_PID"
  memory big "cms (page cache off)" "$BIG_NOCACHE_PID"
fi

# Part 3: the article page with and without one plugin (PLUGIN_COST), interleaved: each
# round measures both sites, in an order that swaps every round.
if [ -n "$PLUGIN_COST" ]; then
  WITHOUT_CACHE=http://127.0.0.1:$((PORT + 7))
  WITHOUT_NOCACHE=http://127.0.0.1:$((PORT + 8))
  WITH_CACHE=http://127.0.0.1:$((PORT + 9))
  WITH_NOCACHE=http://127.0.0.1:$((PORT + 10))
  start without-cache $((PORT + 7)) "$WORK/without"
  WITHOUT_PIDS=("$STARTED")
  start without-nocache $((PORT + 8)) "$WORK/without" CMS_PAGE_CACHE=0
  WITHOUT_PIDS+=("$STARTED")
  start with-cache $((PORT + 9)) "$WORK/with"
  WITH_PIDS=("$STARTED")
  start with-nocache $((PORT + 10)) "$WORK/with" CMS_PAGE_CACHE=0
  WITH_PIDS+=("$STARTED")
  for url in "$WITHOUT_CACHE" "$WITHOUT_NOCACHE" "$WITH_CACHE" "$WITH_NOCACHE"; do
    wait_up "$url/healthz"
  done
  for url in "$WITHOUT_CACHE" "$WITH_CACHE" "$WITHOUT_NOCACHE" "$WITH_NOCACHE"; do
    check "$url" "$ARTICLE"
  done
  echo "Plugin part: the article page without and with $PLUGIN_COST, $ROUNDS rounds of $DURATION each"
  for round in $(seq "$ROUNDS"); do
    note "load average before plugin round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
    for url in "$WITHOUT_CACHE" "$WITH_CACHE" "$WITHOUT_NOCACHE" "$WITH_NOCACHE"; do
      warm_up "$url$ARTICLE"
    done
    sleep 3
    sides=(without with)
    if [ $((round % 2)) = 0 ]; then sides=(with without); fi
    for target in article-cached article; do
      for side in "${sides[@]}"; do
        if [ "$side" = with ]; then cached=$WITH_CACHE uncached=$WITH_NOCACHE
        else cached=$WITHOUT_CACHE uncached=$WITHOUT_NOCACHE; fi
        if [ "$target" = article-cached ]; then url=$cached; else url=$uncached; fi
        measure "$side" "$round" "$target" "$url" "$ARTICLE" "$OUT/targets-main.json"
      done
    done
  done
  memory with "cms with $PLUGIN_COST (page cache on)" "${WITH_PIDS[0]}"
  memory without "cms without $PLUGIN_COST (page cache on)" "${WITHOUT_PIDS[0]}"
  stop "${WITHOUT_PIDS[@]}" "${WITH_PIDS[@]}"
fi

$PY bench/report.py "$OUT" --plugin "$PLUGIN_COST" \
  --duration "$DURATION" --rounds "$ROUNDS, SCALE_ROUNDS=$SCALE_ROUNDS" --connections "$CONNECTIONS"
echo "Raw wrk outputs and this summary: $OUT"
