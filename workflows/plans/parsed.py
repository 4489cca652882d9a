"""The parser's output: frozen dataclasses and their stable JSON form (``to_dict``/``from_dict``).

JSON contract (dates as ISO strings, spans as [start, end]):
{"plan": {"number", "issuer", "issued_on", "title"},
 "sections": [{"ref", "title"}],
 "tasks": [{"ref", "section", "title", "text", "span", "lead", "supporting",
            "schedule": {"kind", "due_dates", "phrase"[, "starts_on"]}}],
 "indicators": [{"ref", "text", "target", "unit", "due_date"}],
 "unresolved": [{"text", "span", "reason", "suggestions"}],
 "warnings": [str]}                     (only when there are any)
Tasks also carry ``lead_text`` (the text's own words for the lead, which may differ from the registry
name in ``lead``), ``rule`` (the assignment rule the lead came from, see ``RULES`` in parser.py) and
``confidence`` (0-1). The parser sets all three on every task; a reviewer's edit sets rule "reviewer".
When the plan writes the same work item in several places (workflows/plans/parsing/linking.py),
tasks also carry ``same_as`` (the refs of the other places) and, on all but the task that carries
the obligation, ``repeats`` (that task's ref).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflows.kernel.errors import InvalidInput


class PlanFormatError(InvalidInput):
    """The text is not a plan the parser can read (empty, no number, no sections, ...)."""


@dataclass(frozen=True)
class PlanMeta:
    number: str
    issuer: str
    issued_on: date
    title: str


@dataclass(frozen=True)
class ParsedSection:
    ref: str
    title: str


@dataclass(frozen=True)
class Schedule:
    kind: str  # "once" | "recurring" | "continuous"
    due_dates: tuple[date, ...]
    phrase: str
    starts_on: date | None = None  # "từ ngày 01/7/2025", "bắt đầu từ quý III/2025": work starts then


@dataclass(frozen=True)
class ParsedTask:
    ref: str
    section: str
    title: str
    text: str
    span: tuple[int, int]
    lead: str
    supporting: tuple[str, ...]
    schedule: Schedule
    lead_text: str = ""  # the text's own words for the lead
    rule: str = ""  # the assignment rule the lead came from (see parser.py)
    confidence: float = 1.0
    same_as: tuple[str, ...] = ()  # refs of the other places the plan writes the same work item
    repeats: str = ""  # ref of the task that carries this work item's obligation ("" when this one does)


@dataclass(frozen=True)
class ParsedIndicator:
    ref: str
    text: str
    target: str
    unit: str
    due_date: date | None


@dataclass(frozen=True)
class Unresolved:
    text: str
    span: tuple[int, int]
    reason: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class ParsedPlan:
    plan: PlanMeta
    sections: tuple[ParsedSection, ...]
    tasks: tuple[ParsedTask, ...]
    indicators: tuple[ParsedIndicator, ...]
    unresolved: tuple[Unresolved, ...]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The JSON contract (plain dicts, lists and strings)."""
        return {
            "plan": {
                "number": self.plan.number,
                "issuer": self.plan.issuer,
                "issued_on": self.plan.issued_on.isoformat(),
                "title": self.plan.title,
            },
            "sections": [{"ref": s.ref, "title": s.title} for s in self.sections],
            "tasks": [_task_to_dict(t) for t in self.tasks],
            "indicators": [
                {
                    "ref": i.ref,
                    "text": i.text,
                    "target": i.target,
                    "unit": i.unit,
                    "due_date": i.due_date.isoformat() if i.due_date else None,
                }
                for i in self.indicators
            ],
            "unresolved": [
                {"text": u.text, "span": list(u.span), "reason": u.reason, "suggestions": list(u.suggestions)}
                for u in self.unresolved
            ],
        } | ({"warnings": list(self.warnings)} if self.warnings else {})

    @classmethod
    def from_dict(cls, d: dict) -> ParsedPlan:
        """Inverse of ``to_dict``."""
        p = d["plan"]
        return cls(
            plan=PlanMeta(p["number"], p["issuer"], date.fromisoformat(p["issued_on"]), p["title"]),
            sections=tuple(ParsedSection(s["ref"], s["title"]) for s in d.get("sections", [])),
            tasks=tuple(_task_from_dict(t) for t in d.get("tasks", [])),
            indicators=tuple(
                ParsedIndicator(
                    i["ref"],
                    i["text"],
                    i["target"],
                    i["unit"],
                    date.fromisoformat(i["due_date"]) if i.get("due_date") else None,
                )
                for i in d.get("indicators", [])
            ),
            unresolved=tuple(
                Unresolved(u["text"], (u["span"][0], u["span"][1]), u["reason"], tuple(u["suggestions"]))
                for u in d.get("unresolved", [])
            ),
            warnings=tuple(d.get("warnings", ())),
        )


def _task_to_dict(t: ParsedTask) -> dict:
    """One task in JSON form."""
    return {
        "ref": t.ref,
        "section": t.section,
        "title": t.title,
        "text": t.text,
        "span": list(t.span),
        "lead": t.lead,
        "supporting": list(t.supporting),
        "schedule": {
            "kind": t.schedule.kind,
            "due_dates": [d.isoformat() for d in t.schedule.due_dates],
            "phrase": t.schedule.phrase,
        }
        | ({"starts_on": t.schedule.starts_on.isoformat()} if t.schedule.starts_on else {}),
    } | _provenance(t)


def _provenance(t: ParsedTask) -> dict:
    """Fields added to the contract: lead_text, rule, confidence (each when set), links."""
    out: dict = {"lead_text": t.lead_text} if t.lead_text else {}
    if t.rule:
        out |= {"rule": t.rule, "confidence": t.confidence}
    if t.same_as:
        out |= {"same_as": list(t.same_as)} | ({"repeats": t.repeats} if t.repeats else {})
    return out


def _task_from_dict(t: dict) -> ParsedTask:
    """One task from JSON form."""
    s = t["schedule"]
    return ParsedTask(
        ref=t["ref"],
        section=t["section"],
        title=t["title"],
        text=t["text"],
        span=(t["span"][0], t["span"][1]),
        lead=t["lead"],
        supporting=tuple(t["supporting"]),
        schedule=Schedule(
            s["kind"],
            tuple(date.fromisoformat(x) for x in s["due_dates"]),
            s["phrase"],
            date.fromisoformat(s["starts_on"]) if s.get("starts_on") else None,
        ),
        lead_text=t.get("lead_text", ""),
        rule=t.get("rule", ""),
        confidence=float(t.get("confidence", 1.0)),
        same_as=tuple(t.get("same_as", ())),
        repeats=t.get("repeats", ""),
    )
