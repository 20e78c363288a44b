# Shared helpers of the bench scripts: sourced, never run. Starts what a figure needs (the packaged
# jar on a fresh database, nginx), times commands, samples the service's RSS and prints the table.
# Everything started here is stopped, and everything written removed, when the script exits.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}      # needs h5py and numpy
RUNS=${RUNS:-3}
PGHOST_ADDR=${PGHOST_ADDR:-127.0.0.1}
PGPORT_NUM=${PGPORT_NUM:-5432}
BENCH_BASE=${BENCH_DIR:-${TMPDIR:-/tmp}/keras-registry-bench}
mkdir -p "$BENCH_BASE"
WORK=$(mktemp -d "$BENCH_BASE/run.XXXXXX")
DATA=${BENCH_DATA:-$WORK/data}      # generated models; kept across scripts when run-all sets BENCH_DATA
mkdir -p "$DATA"
RESULTS=${BENCH_RESULTS:-$WORK/results.md}

_pids=()
_dbs=()
bench_cleanup() {
  local p
  for p in "${_pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${_pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  for p in "${_dbs[@]}"; do
    psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -qc "DROP DATABASE IF EXISTS $p" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "# $*" >&2; }

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The packaged jar, built once if missing.
bench_jar() {
  local jar
  if [ -n "${BENCH_JAR:-}" ]; then echo "$BENCH_JAR"; return; fi
  jar=$(ls "$BENCH_ROOT"/target/keras-registry-*.jar 2>/dev/null | grep -v plugin-api | head -1 || true)
  if [ -z "$jar" ]; then
    log "building the jar (./mvnw -DskipTests package)"
    (cd "$BENCH_ROOT" && ./mvnw -B -ntp -q -DskipTests package >&2)
    jar=$(ls "$BENCH_ROOT"/target/keras-registry-*.jar | grep -v plugin-api | head -1)
  fi
  echo "$jar"
}

# Runs a main class from the jar through Spring Boot's loader: java_main CLASS [java options --] ARGS
java_main() {
  local cls=$1; shift
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ "${1:-}" = -- ] && shift
  java "${opts[@]}" -cp "$(bench_jar)" -Dloader.main="$cls" org.springframework.boot.loader.launch.PropertiesLauncher "$@"
}

# Starts the packaged jar (API role: no validation child JVMs competing for the CPU) on a fresh
# database kr_bench_<pid>_<n>, dropped at exit. Sets SVC_PID, BASE, API, AUTH. Extra JVM options
# in SERVICE_JAVA_OPTS (e.g. -XX:StartFlightRecording=filename=x.jfr).
start_service() {
  local jar port db
  jar=$(bench_jar)
  if ! pg_isready -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -q; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  db=kr_bench_$$_${#_dbs[@]}
  psql -h "$PGHOST_ADDR" -p "$PGPORT_NUM" -U postgres -qc "CREATE DATABASE $db"
  _dbs+=("$db")
  SVC_DB=$db
  port=$(free_port)
  TOKEN=bench-$RANDOM$RANDOM
  mkdir -p "$WORK/service"
  # shellcheck disable=SC2086
  SPRING_DATASOURCE_URL=jdbc:postgresql://$PGHOST_ADDR:$PGPORT_NUM/$db SPRING_DATASOURCE_USERNAME=postgres \
  KERAS_REGISTRY_ADMIN_TOKEN=$TOKEN KERAS_REGISTRY_STORAGE_PATH=$WORK/service/blobs KERAS_REGISTRY_ROLE=api PORT=$port \
    java @"$BENCH_ROOT"/src/main/docker/jvm.options -Dorg.bytedeco.javacpp.cachedir="$WORK/service/javacpp" \
      -Djava.io.tmpdir="$WORK/service" ${SERVICE_JAVA_OPTS:-} -jar "$jar" > "$WORK/service.log" 2>&1 &
  SVC_PID=$!
  _pids+=("$SVC_PID")
  BASE=http://127.0.0.1:$port
  API=$BASE/api/v1
  AUTH="Authorization: Bearer $TOKEN"
  local i
  for i in $(seq 1 240); do
    curl -fsS "$BASE/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$SVC_PID" 2>/dev/null || { tail -40 "$WORK/service.log" >&2; echo "the service exited" >&2; return 1; }
    sleep 0.5
  done
  echo "the service did not become ready" >&2
  return 1
}

stop_service() {
  kill "$SVC_PID" 2>/dev/null || true
  wait "$SVC_PID" 2>/dev/null || true
}

# nginx from the distribution, not a daemon, on a free port, serving DIR with sendfile. Sets NGINX_BASE.
start_nginx() {
  local root=$1 port conf
  port=$(free_port)
  conf=$WORK/nginx
  mkdir -p "$conf"
  cat > "$conf/nginx.conf" <<NGINX
daemon off;
user root;
worker_processes 1;
pid $conf/nginx.pid;
error_log $conf/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $conf/body;
  proxy_temp_path $conf/proxy;
  fastcgi_temp_path $conf/fastcgi;
  uwsgi_temp_path $conf/uwsgi;
  scgi_temp_path $conf/scgi;
  sendfile on;
  tcp_nopush on;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $root;
  }
}
NGINX
  /usr/sbin/nginx -c "$conf/nginx.conf" -p "$conf" 2>"$conf/stderr" &
  _pids+=($!)
  NGINX_BASE=http://127.0.0.1:$port
  local i
  for i in $(seq 1 50); do
    curl -fsS -o /dev/null -r 0-0 "$NGINX_BASE/" 2>/dev/null && return 0
    curl -s -o /dev/null "$NGINX_BASE/" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$conf/stderr" >&2
  return 1
}

# Wall-clock seconds of a command (its output discarded unless redirected by the caller).
seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" || { echo "failed: $*" >&2; return 1; }
  t1=$(date +%s.%N)
  "$PY" -c "print(f'{$t1 - $t0:.4f}')"
}

# Peak RSS (MB) of a pid while a command runs: rss_during PID OUTFILE command...
rss_during() {
  local pid=$1 out=$2; shift 2
  ( peak=0
    while kill -0 "$pid" 2>/dev/null; do
      kb=$(awk '/^VmRSS/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
      [ "${kb:-0}" -gt "$peak" ] && peak=$kb && echo $((peak / 1024)) > "$out"
      sleep 0.05
    done ) &
  local sampler=$!
  "$@"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
}

# Makes the Keras .h5 of SIZE (10MB, 100MB, 1GiB, or bytes) under $DATA unless it exists; prints its path.
model_file() {
  local size=$1 path=$DATA/dense_$1.h5
  if [ ! -f "$path" ]; then
    "$PY" "$BENCH_ROOT"/bench/make_keras_h5.py "$path" "$size" >&2
  fi
  echo "$path"
}

# Appends a table row. row FIGURE KIND TARGET REGISTRY_SAMPLES BASELINE_SAMPLES
#   KIND: time  -> ratio = median(registry) / median(baseline), met when ratio <= TARGET
#         thru  -> ratio = median(baseline) / median(registry) (samples are times), met when ratio >= TARGET
#         value -> registry samples compared with TARGET as an absolute bound (<=), baseline unused
# samples are space-separated numbers (seconds, or MB for value).
row() {
  "$PY" "$BENCH_ROOT"/bench/lib/stats.py row "$@" | tee -a "$RESULTS"
}

table_header() {
  "$PY" "$BENCH_ROOT"/bench/lib/stats.py header | tee -a "$RESULTS"
}

# Sizes of the run: --quick (QUICK=1) uses smaller files for a fast sanity run.
if [ "${QUICK:-0}" = 1 ]; then
  BIG=${BIG:-100MB}; SIZES=${SIZES:-"10MB 100MB"}
else
  BIG=${BIG:-1GiB}; SIZES=${SIZES:-"10MB 100MB 1GiB"}
fi
for a in "$@"; do
  if [ "$a" = --quick ]; then QUICK=1; BIG=100MB; SIZES="10MB 100MB"; fi
done
