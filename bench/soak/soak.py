"""Mixed load against a running registry: uploads, downloads, listings, validations.

Python 3 standard library only. Each of --threads workers picks an operation by weight, rate
limits keep uploads and validation requests to what one validation worker can follow, and every
answer is checked (status, and the SHA-256 of every download). Every 10 s the resident memory of
the service and its children (the validation JVMs) is sampled. At the end a table is printed.
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import sys
import threading
import time

KINDS = ["upload", "download", "range", "list_models", "list_versions", "get_version", "validate", "report"]
WEIGHTS = [1, 6, 3, 3, 4, 4, 1, 2]


def parse_duration(text):
    units = {"s": 1, "m": 60, "h": 3600}
    if text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_of(pid):
    """Every descendant of pid, found through /proc/*/stat."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    stat = f.read()
                ppid = int(stat[stat.rindex(")") + 2:].split()[1])
                parents.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def heap_mb(host, port):
    """(heap used, live data after the last GC) in MB from /actuator/prometheus, or (0, 0)."""
    try:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("GET", "/actuator/prometheus")
        text = conn.getresponse().read().decode()
        conn.close()
    except (OSError, http.client.HTTPException):
        return 0.0, 0.0
    used = live = 0.0
    for line in text.splitlines():
        if line.startswith("jvm_memory_used_bytes{") and 'area="heap"' in line:
            used += float(line.rsplit(" ", 1)[1])
        elif line.startswith("jvm_gc_live_data_size_bytes"):
            live = float(line.rsplit(" ", 1)[1])
    return used / 2 ** 20, live / 2 ** 20


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]


def slope(points):
    """Least-squares slope of (t, y)."""
    n = len(points)
    if n < 2:
        return 0.0
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((t - mt) ** 2 for t, _ in points)
    return 0.0 if den == 0 else sum((t - mt) * (y - my) for t, y in points) / den


class Load:
    def __init__(self, args):
        self.args = args
        self.host, self.port = args.host, args.port
        self.models = []
        for name in sorted(os.listdir(args.models)):
            with open(os.path.join(args.models, name), "rb") as f:
                data = f.read()
            self.models.append((name, data, hashlib.sha256(data).hexdigest()))
        self.names = ["soak-%d" % i for i in range(args.model_names)]
        self.lock = threading.Lock()
        self.versions = {}            # (model, version) -> sha256
        self.latency = {k: [] for k in KINDS}
        self.errors = {k: 0 for k in KINDS}
        self.error_samples = []
        self.next_upload = 0.0
        self.next_validate = 0.0
        self.stop = False

    def request(self, conn, method, path, body=None, headers=None):
        h = {"Authorization": "Bearer " + self.args.token}
        if headers:
            h.update(headers)
        conn.request(method, path, body=body, headers=h)
        response = conn.getresponse()
        return response.status, response.read(), response

    def error(self, kind, what):
        with self.lock:
            self.errors[kind] += 1
            if len(self.error_samples) < 20:
                self.error_samples.append("%s: %s" % (kind, what))

    def pick(self, rnd):
        now = time.monotonic()
        while True:
            kind = rnd.choices(KINDS, WEIGHTS)[0]
            with self.lock:
                if kind == "upload":
                    if now < self.next_upload and self.versions:
                        continue
                    self.next_upload = now + self.args.upload_interval
                elif kind == "validate":
                    if now < self.next_validate:
                        continue
                    self.next_validate = now + self.args.validate_interval
                if kind not in ("upload", "list_models") and not self.versions:
                    kind = "upload"
                return kind

    def known(self, rnd):
        with self.lock:
            return rnd.choice(list(self.versions.items()))

    def one(self, conn, rnd, kind):
        api = "/api/v1"
        if kind == "upload":
            name, data, sha = rnd.choice(self.models)
            model = rnd.choice(self.names)
            status, body, _ = self.request(conn, "POST", "%s/models/%s/versions?filename=%s" % (api, model, name), data,
                                           {"Content-Type": "application/octet-stream"})
            if status != 201:
                return "status %d %s" % (status, body[:200])
            version = json.loads(body)
            if version["sha256"] != sha:
                return "sha256 %s != %s" % (version["sha256"], sha)
            with self.lock:
                self.versions[(model, version["version"])] = sha
            return None
        if kind == "list_models":
            status, body, _ = self.request(conn, "GET", api + "/models?limit=50")
            return None if status == 200 else "status %d" % status
        (model, version), sha = self.known(rnd)
        base = "%s/models/%s/versions/%d" % (api, model, version)
        if kind == "download":
            status, body, _ = self.request(conn, "GET", base + "/content")
            if status != 200:
                return "status %d" % status
            return None if hashlib.sha256(body).hexdigest() == sha else "downloaded bytes do not match"
        if kind == "range":
            status, body, response = self.request(conn, "GET", base + "/content", headers={"Range": "bytes=100-4195"})
            if status != 206 or len(body) != 4096:
                return "status %d, %d bytes" % (status, len(body))
            return None
        if kind == "list_versions":
            status, body, _ = self.request(conn, "GET", "%s/models/%s/versions?limit=20" % (api, model))
            return None if status == 200 else "status %d" % status
        if kind == "get_version":
            status, body, _ = self.request(conn, "GET", base)
            if status != 200:
                return "status %d" % status
            return None if json.loads(body)["sha256"] == sha else "metadata sha256 differs"
        if kind == "validate":
            status, body, _ = self.request(conn, "POST", base + "/validate")
            return None if status in (200, 202) else "status %d %s" % (status, body[:200])
        if kind == "report":
            status, body, _ = self.request(conn, "GET", base + "/validations/latest")
            # 404 until a first report exists
            return None if status in (200, 404) else "status %d" % status
        raise AssertionError(kind)

    def worker(self, seed):
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        while not self.stop:
            kind = self.pick(rnd)
            started = time.perf_counter()
            try:
                problem = self.one(conn, rnd, kind)
            except (OSError, http.client.HTTPException, ValueError, KeyError) as e:
                problem = repr(e)
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latency[kind].append(elapsed)
            if problem:
                self.error(kind, problem)
            time.sleep(self.args.think)
        conn.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--pid", type=int, required=True, help="the service's pid, for memory samples")
    p.add_argument("--models", required=True, help="folder of .h5 files to upload")
    p.add_argument("--duration", default="10m")
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--model-names", type=int, default=5)
    p.add_argument("--upload-interval", type=float, default=3.0, help="seconds between uploads (all threads)")
    p.add_argument("--validate-interval", type=float, default=15.0, help="seconds between validation requests")
    p.add_argument("--think", type=float, default=0.02, help="pause of a thread between operations")
    p.add_argument("--sample", type=float, default=10.0, help="seconds between memory samples")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    duration = parse_duration(args.duration)
    load = Load(args)
    threads = [threading.Thread(target=load.worker, args=(args.seed * 1000 + i,), daemon=True)
               for i in range(args.threads)]
    start = time.monotonic()
    for t in threads:
        t.start()
    samples = []
    print("%8s %10s %10s %10s %10s %10s %8s %8s" % ("t (s)", "api MB", "workers MB", "total MB", "heap MB",
                                                  "live MB", "ops", "errors"), flush=True)
    while True:
        now = time.monotonic() - start
        api = rss_kb(args.pid)
        kids = sum(rss_kb(c) for c in children_of(args.pid))
        with load.lock:
            ops = sum(len(v) for v in load.latency.values())
            errs = sum(load.errors.values())
        heap, live = heap_mb(args.host, args.port)
        samples.append((now, api / 1024.0, kids / 1024.0, live))
        print("%8.0f %10.1f %10.1f %10.1f %10.1f %10.1f %8d %8d" % (now, api / 1024.0, kids / 1024.0,
                                                                  (api + kids) / 1024.0, heap, live, ops, errs),
              flush=True)
        if api == 0:
            load.error("upload", "the service is gone")
            break
        if now >= duration:
            break
        time.sleep(min(args.sample, max(0.1, duration - now)))
    load.stop = True
    for t in threads:
        t.join(timeout=150)
    elapsed = time.monotonic() - start

    print()
    print("## Operations (%.0f s, %d threads)" % (elapsed, args.threads))
    print()
    print("| kind | ops | errors | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    total_ops = total_errors = 0
    for kind in KINDS:
        values = load.latency[kind]
        total_ops += len(values)
        total_errors += load.errors[kind]
        print("| %s | %d | %d | %.1f | %.1f | %.1f |" % (kind, len(values), load.errors[kind],
                                                        percentile(values, 50) * 1000, percentile(values, 99) * 1000,
                                                        (max(values) if values else float("nan")) * 1000))
    everything = [v for values in load.latency.values() for v in values]
    print("| **all** | %d | %d | %.1f | %.1f | %.1f |" % (total_ops, total_errors, percentile(everything, 50) * 1000,
                                                          percentile(everything, 99) * 1000,
                                                          max(everything) * 1000 if everything else float("nan")))
    print()
    api_mb = [a for _, a, _, _ in samples if a > 0]
    second_half = [(t, a) for t, a, _, _ in samples if t >= elapsed / 2 and a > 0]
    live_mb = [l for _, _, _, l in samples if l > 0]
    live_half = [(t, l) for t, _, _, l in samples if t >= elapsed / 2 and l > 0]
    live_per_minute = slope(live_half) * 60
    per_minute = slope(second_half) * 60
    print("## Memory (resident, sampled every %.0f s)" % args.sample)
    print()
    print("| process | first MB | last MB | max MB | slope over 2nd half (MB/min) |")
    print("|---|---:|---:|---:|---:|")
    print("| API (pid %d) | %.1f | %.1f | %.1f | %+.2f |" % (args.pid, api_mb[0], api_mb[-1], max(api_mb), per_minute))
    if live_mb:
        print("| API heap live after GC | %.1f | %.1f | %.1f | %+.2f |" % (live_mb[0], live_mb[-1], max(live_mb),
                                                                       live_per_minute))
    kids = [k for _, _, k, _ in samples]
    print("| validation workers | %.1f | %.1f | %.1f | (one child JVM per job) |" % (kids[0], kids[-1], max(kids)))
    print()
    # A JVM's resident size grows in steps as it commits more heap, whether or not anything leaks;
    # what a leak changes is the heap still live after collections. So the verdict looks at the live
    # data after GC when the service publishes it, and at the resident size only otherwise: growth
    # over the second half by more than 1% of its size per minute is what a leak looks like.
    if len(live_half) >= 3:
        growing = live_per_minute > max(1.0, 0.01 * max(live_mb))
    else:
        growing = per_minute > 0.01 * max(api_mb)
    ok = total_errors == 0 and not growing
    print("Uploads acknowledged: %d; versions downloaded and checked: %d" % (len(load.latency["upload"]) - load.errors["upload"],
                                                                         len(load.latency["download"])))
    if load.error_samples:
        print("First errors:")
        for sample in load.error_samples:
            print("  - " + sample)
    print("Verdict: %s (errors %d, memory %s)" % ("PASS" if ok else "FAIL", total_errors,
                                                 "growing" if growing else "flat"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
