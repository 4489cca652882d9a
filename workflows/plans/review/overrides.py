"""Human corrections as overrides on the parser's output, re-applied to every revision of the text.

An override is tied to a task's ref and to the hash of the text it was made on. Applied to a new
parse: a correction whose task text is unchanged applies silently; one whose text changed still
applies but is flagged ("text_changed": the passage needs a new look); one whose task is gone is
flagged ("ref_missing"). An added task (from an unresolved passage or selected text) is found again
by its text; a passage no longer in the text is flagged ("passage_missing").
A split keeps the ref for the first part and gives the second `<ref>/2`; a merge keeps the first
ref. Order: adds, splits, merges, deletes, then lead, supporting and schedule.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass

from models import TaskOverride

KINDS = ("add", "split", "merge", "delete", "lead", "supporting", "schedule")


def text_sha(text: str) -> str:
    """The hash a correction is tied to: of the task's text, whitespace-normalised."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


@dataclass(frozen=True)
class Flag:
    """A correction that needs a new look after a revision."""

    ref: str
    kind: str
    reason: str  # text_changed | ref_missing | passage_missing


def apply_overrides(
    parsed: dict, overrides: list[TaskOverride], source_text: str
) -> tuple[dict, list[Flag], set[str]]:
    """The corrected parse, the flags, and the refs a person corrected."""
    out = copy.deepcopy(parsed)
    flags: list[Flag] = []
    ordered = sorted(overrides, key=lambda o: (KINDS.index(o.kind), o.id or 0))
    corrected: set[str] = set()
    for o in ordered:
        if o.kind == "add":
            if not _add(out, o, source_text):
                flags.append(Flag(o.ref, o.kind, "passage_missing"))
                continue
            corrected.add(o.ref)
            continue
        task = next((t for t in out["tasks"] if t["ref"] == o.ref), None)
        if task is None:
            if o.kind != "delete" or o.ref not in _added_refs(ordered):
                flags.append(Flag(o.ref, o.kind, "ref_missing"))
            continue
        if text_sha(task["text"]) != o.text_sha256:
            flags.append(Flag(o.ref, o.kind, "text_changed"))
        _apply(out, task, o)
        corrected.add(o.ref)
    return out, flags, corrected


def _added_refs(overrides: list[TaskOverride]) -> set[str]:
    return {o.ref for o in overrides if o.kind == "add"}


def _apply(out: dict, task: dict, o: TaskOverride) -> None:
    if o.kind == "delete":
        out["tasks"].remove(task)
    elif o.kind == "split":
        _split(out, task, int(o.value["at"]))
    elif o.kind == "merge":
        _merge(out, task, o.value["with"])
    elif o.kind == "lead":
        task["lead"] = o.value["lead"]
        task["supporting"] = [s for s in task["supporting"] if s != task["lead"]]
        task["rule"], task["confidence"] = "reviewer", 1.0
    elif o.kind == "supporting":
        task["supporting"] = [s for s in o.value["supporting"] if s != task["lead"]]
    elif o.kind == "schedule":
        # a correction made before starts were edited (no key) keeps the parser's start
        start = o.value["starts_on"] if "starts_on" in o.value else task["schedule"].get("starts_on")
        task["schedule"] = {
            "kind": o.value["kind"],
            "due_dates": list(o.value["due_dates"]),
            "phrase": o.value.get("phrase", task["schedule"].get("phrase", "")),
        } | ({"starts_on": start} if start else {})


def _add(out: dict, o: TaskOverride, source_text: str) -> bool:
    """Insert an added task where its text now stands; False when the text is gone."""
    task = copy.deepcopy(o.value["task"])
    start = source_text.find(task["text"])
    if start < 0:
        return False
    task["span"] = [start, start + len(task["text"])]
    task["section"] = section_at(out, start, task.get("section", ""))
    out["tasks"] = [t for t in out["tasks"] if t["ref"] != task["ref"]]
    position = sum(1 for t in out["tasks"] if t["span"][0] <= start)
    out["tasks"].insert(position, task)
    out["unresolved"] = [
        u
        for u in out["unresolved"]
        if not (u["span"][0] < task["span"][1] and task["span"][0] < u["span"][1])
    ]
    return True


def section_at(parsed: dict, start: int, default: str = "") -> str:
    """The section of the last task that starts before `start` (else `default` or the first section)."""
    before = [t for t in parsed["tasks"] if t["span"][0] <= start]
    if before:
        return max(before, key=lambda t: t["span"][0])["section"]
    if default:
        return default
    return parsed["sections"][0]["ref"] if parsed["sections"] else "TC"


def _split(out: dict, task: dict, at: int) -> None:
    """Cut the task's text at `at`: the first part keeps the ref, the second becomes `<ref>/2`."""
    if not 0 < at < len(task["text"]):
        return
    second = copy.deepcopy(task)
    second["ref"], second["title"] = f"{task['ref']}/2", task["title"]
    second["text"], second["span"] = task["text"][at:].strip(), [task["span"][0] + at, task["span"][1]]
    task["text"], task["span"] = task["text"][:at].strip(), [task["span"][0], task["span"][0] + at]
    out["tasks"].insert(out["tasks"].index(task) + 1, second)


def _merge(out: dict, task: dict, other_ref: str) -> None:
    """Join `other_ref` into the task: texts joined, spans united, the other task gone."""
    other = next((t for t in out["tasks"] if t["ref"] == other_ref), None)
    if other is None or other is task:
        return
    first, last = sorted((task, other), key=lambda t: t["span"][0])
    task["text"] = f"{first['text']}\n{last['text']}"
    task["span"] = [first["span"][0], max(first["span"][1], last["span"][1])]
    task["supporting"] = list(dict.fromkeys([*task["supporting"], *other["supporting"]]))
    out["tasks"].remove(other)
