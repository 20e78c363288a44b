#!/usr/bin/env bash
# Soak test: the packaged jar on the machine's PostgreSQL, under a mixed load for a while.
#
#   bench/soak/run.sh [--duration 10m] [--threads 4] [--build] [--jar path] [--port 18080]
#
# Creates a fresh database kr_soak_<pid> on 127.0.0.1:5432 (user postgres, trust auth), starts the
# service on loopback with its blobs in a temporary folder, runs soak.py (Python 3 standard library),
# then stops the service and drops the database. Exit status 0 when the verdict is PASS: no errors,
# and no growth trend of the service's resident memory over the second half of the run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
duration=10m
threads=4
build=no
jar=""
port=18080
pg_host=127.0.0.1
pg_port=5432
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --build) build=yes; shift ;;
    --jar) jar="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$jar" ]; then
  if [ "$build" = yes ] || ! ls "$root"/target/keras-registry-*.jar >/dev/null 2>&1; then
    (cd "$root" && ./mvnw -B -ntp -q -DskipTests package)
  fi
  jar="$(ls "$root"/target/keras-registry-*.jar | grep -v -- '-plain' | head -1)"
fi

database="kr_soak_$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/kr-soak.XXXXXX")"
token="soak-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
service_pid=""

cleanup() {
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$service_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$service_pid" 2>/dev/null || true
  fi
  dropdb -h "$pg_host" -p "$pg_port" -U postgres --if-exists "$database" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

createdb -h "$pg_host" -p "$pg_port" -U postgres "$database"

# A handful of distinct models, from a few KB to about 1 MB.
python_h5=/usr/bin/python3
"$python_h5" "$here/make_models.py" "$work/models" 28

cd "$root"
java @src/main/docker/jvm.options -Xmx512m -Djava.io.tmpdir="$work" -jar "$jar" \
  --server.port="$port" --server.address=127.0.0.1 \
  --spring.datasource.url="jdbc:postgresql://$pg_host:$pg_port/$database" \
  --spring.datasource.username=postgres --spring.datasource.password= \
  --keras-registry.storage.path="$work/blobs" \
  --keras-registry.security.admin-token="$token" \
  --keras-registry.validation.timeout=60s \
  > "$work/service.log" 2>&1 &
service_pid=$!

for _ in $(seq 1 240); do
  if curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$service_pid" 2>/dev/null; then echo "the service exited:" >&2; tail -50 "$work/service.log" >&2; exit 1; fi
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "the service did not become ready" >&2; exit 1; }

echo "# Soak: $(date -u +%Y-%m-%dT%H:%M:%SZ), duration $duration, $threads threads, jar $(basename "$jar"), database $database"
echo
status=0
python3 "$here/soak.py" --port "$port" --token "$token" --pid "$service_pid" --models "$work/models" \
  --duration "$duration" --threads "$threads" || status=$?

integrity="$(curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/admin/integrity" || echo '{}')"
echo
echo "Integrity scrub after the run: $integrity"
errors_in_log="$(grep -c ' ERROR ' "$work/service.log" || true)"
echo "ERROR lines in the service log: $errors_in_log"
grep ' ERROR ' "$work/service.log" | head -10 | cut -c1-400 || true
exit "$status"
