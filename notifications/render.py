"""Render a mail (subject, plain text, HTML) from a template name and a JSON-like context.

Each template `name` is three files under `templates/`: `name.subject.txt`, `name.txt` and
`name.html`. The HTML environment autoescapes; the text one does not (plain text has nothing to
escape). Contexts are JSON-like (dates may be `date` objects or ISO strings) so that a context
stored in an outbox row renders the same at delivery as at enqueue time.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from workflows.kernel.text import excerpt

TEMPLATES = Path(__file__).parent / "templates"
BRAND = "Sơn La – PCMT"  # subject tag: province and the plan's field (phòng, chống ma túy)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


class UnknownTemplate(ValueError):
    """No mail template of that name."""


def render(template: str, context: dict[str, Any]) -> RenderedMail:
    """Subject, text and HTML of `template` for `context` (pure: no I/O beyond the template files)."""
    ctx = {"brand": BRAND, "base_url": "", **context}
    ctx["base_url"] = str(ctx["base_url"]).rstrip("/")
    try:
        subject = _env(False).get_template(f"{template}.subject.txt").render(ctx)
        text = _env(False).get_template(f"{template}.txt").render(ctx)
        html = _env(True).get_template(f"{template}.html").render(ctx)
    except TemplateNotFound as exc:
        raise UnknownTemplate(f"no mail template {template!r} ({exc.name})") from exc
    return RenderedMail(subject=" ".join(subject.split()), text=_tidy_text(text), html=html)


def template_names() -> list[str]:
    """Every complete mail template (one with a subject file)."""
    return sorted(p.name.removesuffix(".subject.txt") for p in TEMPLATES.glob("*.subject.txt"))


def _tidy_text(text: str) -> str:
    # Conditional blocks leave runs of blank lines; mail clients show them as gaps.
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


@lru_cache(maxsize=2)
def _env(html: bool) -> Environment:
    # Compiled once per process and reused: `auto_reload=False` spares a stat() of every template
    # (and of each one it imports or extends) on every render; templates change with a deploy.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        auto_reload=False,
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(vndate=vndate, excerpt=excerpt, pct=pct, period=period, ref=ref)
    return env


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def vndate(value: Any) -> str:
    """'2023-02-14' or date(2023, 2, 14) → '14/02/2023' (empty for no date)."""
    d = _as_date(value)
    return f"{d:%d/%m/%Y}" if d else ""


def pct(value: Any) -> str:
    """A share in percent ('87,5%', Vietnamese decimal comma); '—' when undefined."""
    if value is None:
        return "—"
    v = float(value)
    text = f"{v:.0f}" if v == round(v) else f"{v:.1f}".replace(".", ",")
    return f"{text}%"


def period(label: Any) -> str:
    """A period label worth showing: '' for 'Hạn 14/06/2023', which only restates the due date."""
    label = str(label or "")
    return "" if label.startswith("Hạn ") else label


def ref(task_ref: Any) -> str:
    """The plan's own numbering of a task ref: 'II.3-b2', 'III.2@so-y-te' → 'II.3', 'III.2'.

    The suffix only keeps refs unique inside the database; readers know the plan's numbering.
    """
    return re.split(r"[-@]", str(task_ref or ""), maxsplit=1)[0]
