"""The reading does not depend on the rendering: the six real plans as Word, as a PDF's text layer and
as a web page that doubled a hard break in every paragraph.

The renderings are bench/parse_forms.py's (one paragraph a line; re-wrapped at 70 columns with page
numbers; a blank line after each paragraph's first line); the floors sit just below what it prints,
and spans still point into the rendered text.
"""

from pathlib import Path

import pytest
import yaml

from bench.parse_forms import FORMS
from bench.plan_score import score
from workflows.agencies.registry import load_registry
from workflows.plans.parser import parse_plan

REAL = Path(__file__).parents[3] / "seed_plans" / "real"
STEMS = sorted(p.stem for p in REAL.glob("*.txt"))
FLOOR = {"word": 0.93, "pdf": 0.92, "gaps": 0.93}  # every document, each rendering


@pytest.mark.parametrize("form", sorted(FLOOR))
@pytest.mark.parametrize("stem", STEMS)
def test_each_real_plan_reads_the_same_in_each_rendering(stem, form):
    text = FORMS[form]((REAL / f"{stem}.txt").read_text(encoding="utf-8").split("\n", 1)[1])
    parsed = parse_plan(text, load_registry())
    assert all(text[t.span[0] : t.span[1]] == t.text for t in parsed.tasks)
    figures = score(
        parsed.to_dict(), yaml.safe_load((REAL / f"{stem}.gold.yaml").read_text(encoding="utf-8"))
    )
    assert figures["f1"] >= FLOOR[form], figures
    assert (figures["deadline_acc"] or 1) >= 0.90 and figures["support_recall"] >= 0.80, figures


def test_the_renderings_really_differ_from_the_web_text():
    text = (REAL / f"{STEMS[0]}.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    word, pdf = FORMS["word"](text), FORMS["pdf"](text)
    assert "**" in text and "**" not in word and "\n\n" not in word and "\n\n" not in pdf
    assert max(len(line) for line in pdf.splitlines() if "|" not in line) <= 70
    assert len(word.splitlines()) < len(pdf.splitlines()) and pdf != text
