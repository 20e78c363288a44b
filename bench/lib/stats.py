#!/usr/bin/python3
"""Table rows for the bench scripts: medians, min-max spread and the ratio to the baseline.

  stats.py header
  stats.py row FIGURE KIND TARGET "REGISTRY SAMPLES" "BASELINE SAMPLES" [UNIT]

KIND time: ratio = registry/baseline medians, met when <= TARGET (both samples are seconds).
KIND thru: ratio = baseline/registry medians of times, i.e. registry throughput over the baseline's,
           met when >= TARGET.
KIND value: an absolute bound, registry median and max <= TARGET (e.g. MB of RSS); no baseline.
"""
import statistics
import sys


def fmt(x, unit):
    if unit == "s":
        if x < 0.1:
            return f"{x * 1000:.2f} ms"
        return f"{x:.3f} s" if x < 100 else f"{x:.0f} s"
    if unit == "ms":
        return f"{x:.2f} ms"
    return f"{x:.0f} {unit}"


def main(argv):
    if argv[1] == "header":
        print("| figure | ratio | target | met? | registry median | baseline median | spread (min–max) registry / baseline | runs |")
        print("|---|---|---|---|---|---|---|---|")
        return
    _, _, figure, kind, target, reg, base = argv[:7]
    unit = argv[7] if len(argv) > 7 else "s"
    r = [float(x) for x in reg.split()]
    t = float(target)
    rm = statistics.median(r)
    if kind == "value":
        met = max(r) <= t
        print(f"| {figure} | {rm:.0f} {unit} (max {max(r):.0f}) | ≤ {target} {unit} | {'yes' if met else 'NO'} | "
              f"{fmt(rm, unit)} | – | {fmt(min(r), unit)}–{fmt(max(r), unit)} / – | {len(r)} |")
        return
    b = [float(x) for x in base.split()]
    bm = statistics.median(b)
    if kind == "time":
        ratio = rm / bm
        met = ratio <= t
        tgt = f"≤ {target}×"
    else:
        ratio = bm / rm
        met = ratio >= t
        tgt = f"≥ {target}×"
    print(f"| {figure} | {ratio:.2f}× | {tgt} | {'yes' if met else 'NO'} | {fmt(rm, unit)} | {fmt(bm, unit)} | "
          f"{fmt(min(r), unit)}–{fmt(max(r), unit)} / {fmt(min(b), unit)}–{fmt(max(b), unit)} | {len(r)} |")


if __name__ == "__main__":
    main(sys.argv)
