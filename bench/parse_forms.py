"""Parse quality when the same plans arrive in other renderings: does the reading depend on the form?

  .venv/bin/python bench/parse_forms.py [DIR]      (default seed_plans/real)

Each annotated document is re-rendered the ways plans reach the tracker, then parsed and scored
like bench/parse_quality.py:
  as given   the web page's text (markdown emphasis, hard line breaks, blank lines between paragraphs)
  plain      the same without the emphasis markers
  word       Word's text: one paragraph a line, no blank lines (table rows kept as rows)
  pdf        a PDF's text layer: every paragraph re-wrapped at 70 columns, no blank lines, a page
             number line every 60 lines
  gaps       the web text where the site doubled a hard break: a blank line after the first line of
             every paragraph, mostly in the middle of a sentence
A rule that only fits the form it was written on shows here as a drop. Not part of the test run
(tests/workflows/plans/test_forms.py guards a floor on the same renderings).
"""

from __future__ import annotations

import re
import statistics
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.plan_score import score  # noqa: E402
from workflows.agencies.registry import load_registry  # noqa: E402
from workflows.plans.parser import parse_plan  # noqa: E402

DEFAULT_DIR = ROOT / "seed_plans" / "real"
EMPHASIS = re.compile(r"\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")


def _blocks(text: str) -> list[list[str]]:
    """The text's blank-line separated blocks, as lists of lines."""
    return [b.splitlines() for b in re.split(r"\n\s*\n", text) if b.strip()]


def _is_table(block: list[str]) -> bool:
    return sum(1 for line in block if line.strip().startswith("|") or " | " in line) >= 2


def plain(text: str) -> str:
    """The text without markdown emphasis markers."""
    return EMPHASIS.sub("", text)


def word(text: str) -> str:
    """One paragraph a line and no blank lines, as Word's "save as text" gives it."""
    lines: list[str] = []
    for block in _blocks(plain(text)):
        if _is_table(block):
            lines += [line for line in block if line.strip()]
        else:
            lines.append(" ".join(" ".join(block).split()))
    return "\n".join(lines) + "\n"


def pdf(text: str, width: int = 70, page: int = 60) -> str:
    """Paragraphs re-wrapped at `width` columns without blank lines, a page number every `page` lines."""
    lines: list[str] = []
    for block in _blocks(plain(text)):
        if _is_table(block):
            lines += [line for line in block if line.strip()]
        else:
            lines += textwrap.wrap(" ".join(block), width) or [""]
    out: list[str] = []
    for i, line in enumerate(lines, 1):
        out.append(line)
        if i % page == 0:
            out.append(str(i // page + 1))  # the next page's number, alone on its line
    return "\n".join(out) + "\n"


def gaps(text: str) -> str:
    """The web text where the site doubled a hard break: a blank line after each paragraph's first line."""
    out: list[str] = []
    for block in re.split(r"(\n\s*\n)", text):
        lines = block.split("\n")
        if len(lines) > 1 and block.strip() and not _is_table(lines) and not block.lstrip().startswith("|"):
            block = lines[0] + "\n\n" + "\n".join(lines[1:])
        out.append(block)
    return "".join(out)


FORMS: dict[str, Callable[[str], str]] = {
    "as given": lambda t: t,
    "plain": plain,
    "word": word,
    "pdf": pdf,
    "gaps": gaps,
}


def measure(folder: Path = DEFAULT_DIR) -> dict[str, list[tuple[str, dict]]]:
    """form → [(document stem, figures)] for every annotated document in ``folder``."""
    registry = load_registry()
    result: dict[str, list[tuple[str, dict]]] = {name: [] for name in FORMS}
    for doc in sorted(folder.glob("*.txt")):
        gold_path = doc.with_suffix(".gold.yaml")
        if not gold_path.exists():
            continue
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        text = doc.read_text(encoding="utf-8").split("\n", 1)[1]
        for name, render in FORMS.items():
            parsed = parse_plan(render(text), registry)
            result[name].append((doc.stem, score(parsed.to_dict(), gold)))
    return result


def main() -> None:
    """Print F1 per document and form, then the mean and worst per form."""
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    result = measure(folder)
    names = list(FORMS)
    print(f"F1 of (section, lead)\n| document | {' | '.join(names)} |\n|---|{'---:|' * len(names)}")
    stems = [stem for stem, _ in result[names[0]]]
    for i, stem in enumerate(stems):
        print(f"| {stem} | " + " | ".join(f"{result[n][i][1]['f1']:.3f}" for n in names) + " |")
    for column in ("f1", "deadline_acc", "support_recall"):
        for label, agg in (("mean", statistics.mean), ("worst", min)):
            vals = []
            for n in names:
                xs = [f[column] for _, f in result[n] if f[column] is not None]
                vals.append(f"{agg(xs):.3f}" if xs else "–")
            print(f"| **{label} {column}** | " + " | ".join(vals) + " |")


if __name__ == "__main__":
    main()
