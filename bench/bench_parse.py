"""Parse the seed plan N times and print mean/min/max milliseconds (not part of the test run).

.venv/bin/python bench/bench_parse.py            # 50 runs
.venv/bin/python bench/bench_parse.py -n 200 --plan seed_plans/sonla_23_kh_ubnd_2023.txt
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workflows.agencies.registry import load_registry  # noqa: E402
from workflows.plans.parser import parse_plan  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Time parse_plan on one plan text."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=50, help="number of timed runs (default 50)")
    ap.add_argument("--plan", default=str(ROOT / "seed_plans" / "sonla_23_kh_ubnd_2023.txt"))
    ap.add_argument("--registry", default=None, help="registry YAML (default: the Sơn La registry)")
    args = ap.parse_args(argv)
    text = Path(args.plan).read_text(encoding="utf-8")
    t0 = time.perf_counter()
    registry = load_registry(args.registry)
    load_ms = (time.perf_counter() - t0) * 1000
    parsed = parse_plan(text, registry)  # warm-up
    times = []
    for _ in range(args.n):
        t0 = time.perf_counter()
        parse_plan(text, registry)
        times.append((time.perf_counter() - t0) * 1000)
    print(
        f"plan: {args.plan} ({len(text)} chars) — {len(parsed.tasks)} tasks, "
        f"{len(parsed.unresolved)} unresolved, {len(parsed.indicators)} indicators"
    )
    print(f"registry load: {load_ms:.1f} ms (once)")
    print(
        f"parse x{args.n}: mean {statistics.mean(times):.1f} ms, min {min(times):.1f} ms, "
        f"max {max(times):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
