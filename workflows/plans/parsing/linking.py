"""One work item, one obligation: the places a plan writes the same duty twice are linked.

Plans repeat a work item: an agency's section says it and TỔ CHỨC THỰC HIỆN says it again, or an
appendix row restates a body item with its partners and dates; a partner's section says "Phối hợp
với X …" about X's own item. Each place stays a task of the parse (each is a place a reader checks),
and the repeats are linked:

- two tasks are the same work item when they share most of the document's *rare* word pairs (word
  bigrams used by at most a few tasks: boilerplate such as "tham mưu Ủy ban nhân dân tỉnh" is
  shared by everyone and proves nothing), at least ``MIN_SHARED`` of them and ``MIN_SHARE`` of the
  shorter task's; and
- either they have the same lead and stand in different parts of the plan (top-level sections, or
  the body and an appendix table): items of one part are distinct duties; or one is a partner's
  view: it opens "Phối hợp (với) …" and names the other's lead among its partners, in another
  agency's section.

In each group of linked tasks the obligation is carried by the first task in document order that is
not a partner's view; it gains the partners of all (and the partners' own leads) and, when it names
no time of its own, the first schedule another place names (so does a repeat naming none). Every
task of the group lists the others in ``same_as``; the others name the carrier in ``repeats`` (the
importer tracks the carrier only, so the work is counted once).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from workflows.kernel.text import fold
from workflows.plans.parsed import ParsedTask

MIN_SHARED = 4
MIN_SHARE = 0.5
RARE_SHARE = 15  # a pair is rare when at most max(3, tasks // RARE_SHARE) tasks use it
PARTNER_VIEW = re.compile(r"\s*(?:[-+•]\s*)?phoi\s+hop(?![a-z])")
_WORD = re.compile(r"[a-z0-9]+")


def link_repeats(tasks: list[ParsedTask]) -> list[ParsedTask]:
    """The tasks, with repeats of one work item linked (``same_as``, ``repeats``, merged details)."""
    pairs = _bigrams(tasks)
    parent = list(range(len(tasks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidates(pairs):
        if _similar(pairs[i], pairs[j]) and _same_item(tasks[i], tasks[j]):
            parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(tasks)):
        groups.setdefault(root(i), []).append(i)
    out = list(tasks)
    for members in groups.values():
        if len(members) > 1:
            _merge(out, members)
    return out


def _bigrams(tasks: list[ParsedTask]) -> list[set[tuple[str, str]]]:
    """Each task's rare word pairs (a pair few other tasks use)."""
    by_text: dict[str, set[tuple[str, str]]] = {}
    for t in tasks:  # one duty expanded to several leads shares its text
        if t.text not in by_text:
            words = _WORD.findall(fold(t.text))
            by_text[t.text] = set(zip(words, words[1:], strict=False))
    every = [by_text[t.text] for t in tasks]
    used = Counter(p for pairs in every for p in pairs)
    limit = max(3, len(tasks) // RARE_SHARE)
    return [{p for p in pairs if used[p] <= limit} for pairs in every]


def _candidates(pairs: list[set[tuple[str, str]]]) -> list[tuple[int, int]]:
    """Task pairs (i < j) sharing at least ``MIN_SHARED`` rare word pairs, in order."""
    users: dict[tuple[str, str], list[int]] = {}
    for i, own in enumerate(pairs):
        for p in own:
            users.setdefault(p, []).append(i)
    shared = Counter((a, b) for idx in users.values() for k, a in enumerate(idx) for b in idx[k + 1 :])
    return sorted(pair for pair, n in shared.items() if n >= MIN_SHARED)


def _similar(a: set, b: set) -> bool:
    """Do two tasks share enough of their rare word pairs?"""
    shared = len(a & b)
    return shared >= MIN_SHARED and shared >= MIN_SHARE * min(len(a), len(b))


def _same_item(a: ParsedTask, b: ParsedTask) -> bool:
    """Same lead in different parts of the plan, or one is the other's partner's view."""
    if a.ref.split("@")[0] == b.ref.split("@")[0] or _nested(a.section, b.section):
        return False
    if a.lead == b.lead:
        return _part(a.section) != _part(b.section)
    return _partner_view(a, b) or _partner_view(b, a)


def _partner_view(view: ParsedTask, item: ParsedTask) -> bool:
    """Does ``view`` say "Phối hợp (với) <item's lead> …" about ``item``?"""
    return item.lead in view.supporting and PARTNER_VIEW.match(fold(view.text[:40])) is not None


def _nested(a: str, b: str) -> bool:
    """Is one section the other or inside it?"""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _part(section: str) -> str:
    """The part of the plan a section belongs to: its top-level section, or the appendix."""
    return section.split(".")[0]


def _merge(tasks: list[ParsedTask], members: list[int]) -> None:
    """Link one group in place: the carrier gains the details of all, every member its links."""
    views = {i for i in members if any(_partner_view(tasks[i], tasks[j]) for j in members if j != i)}
    carrier = next((i for i in members if i not in views), members[0])
    main = tasks[carrier]
    support = list(main.supporting)
    for i in members:
        extra = [*tasks[i].supporting, tasks[i].lead] if i in views else list(tasks[i].supporting)
        support.extend(p for p in extra if p != main.lead and p not in support)
    schedule = main.schedule
    if not schedule.phrase:
        schedule = next((tasks[i].schedule for i in members if tasks[i].schedule.phrase), schedule)
    refs = [tasks[i].ref for i in members]
    for i in members:
        others = tuple(r for r in refs if r != tasks[i].ref)
        if i == carrier:
            tasks[i] = replace(main, supporting=tuple(support), schedule=schedule, same_as=others)
        else:
            own = tasks[i].schedule if tasks[i].schedule.phrase else schedule  # same work, same time
            tasks[i] = replace(tasks[i], same_as=others, repeats=main.ref, schedule=own)


def tracked(tasks: tuple[ParsedTask, ...] | list[ParsedTask]) -> list[ParsedTask]:
    """The tasks the tracker follows: every task but the repeats whose carrier is in the parse."""
    refs = {t.ref for t in tasks}
    return [t for t in tasks if not (t.repeats and t.repeats in refs)]
