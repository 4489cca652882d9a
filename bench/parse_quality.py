"""Parse quality on real plans: per document P, R, F1 of (section, lead), deadline accuracy,
supporting-agency recall and parse time; then the mean and the worst.

  .venv/bin/python bench/parse_quality.py [DIR]      (default seed_plans/real)

Each DIR/*.txt (line 1 is a `# source:` comment) is parsed in-process with the default registry and
scored against its .gold.yaml by bench/plan_score.py (the scorer shipped with the documents).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.plan_score import score  # noqa: E402
from workflows.agencies.registry import load_registry  # noqa: E402
from workflows.plans.parser import parse_plan  # noqa: E402

DEFAULT_DIR = ROOT / "seed_plans" / "real"


def measure(folder: Path = DEFAULT_DIR) -> list[tuple[str, dict]]:
    """(document stem, figures) for every annotated document in ``folder``."""
    registry = load_registry()
    rows = []
    for doc in sorted(folder.glob("*.txt")):
        gold = doc.with_suffix(".gold.yaml")
        if not gold.exists():
            continue
        text = doc.read_text(encoding="utf-8").split("\n", 1)[1]
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            parsed = parse_plan(text, registry)
            best = min(best, time.perf_counter() - t0)
        figures = score(parsed.to_dict(), yaml.safe_load(gold.read_text(encoding="utf-8")))
        figures["seconds"] = round(best, 3)
        rows.append((doc.stem, figures))
    return rows


def main() -> None:
    """Print the table."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    rows = measure(folder)
    cols = ("precision", "recall", "f1", "deadline_acc", "support_recall", "seconds")
    print(f"| document | {' | '.join(cols)} |\n|---|{'---:|' * len(cols)}")
    for stem, f in rows:
        print(f"| {stem} | " + " | ".join("–" if f[c] is None else f"{f[c]:.3f}" for c in cols) + " |")
    for label, agg in (("mean", statistics.mean), ("worst", min)):
        vals = []
        for c in cols:
            xs = [f[c] for _, f in rows if f[c] is not None]
            vals.append(f"{(max(xs) if label == 'worst' and c == 'seconds' else agg(xs)):.3f}" if xs else "–")
        print(f"| **{label}** | " + " | ".join(vals) + " |")


if __name__ == "__main__":
    main()
