"""Plan text → ParsedPlan: metadata, section tree, tasks, indicators and what needs a human.

Pure functions over a string and a Registry; no database, no clock.

What becomes what
- Section I (objectives: "MỤC TIÊU", "YÊU CẦU") yields no tasks; its "Chỉ tiêu …" subsection yields
  indicators (see workflows/plans/parsing/indicators.py).
- Every "-" bullet, "+" sub-bullet and numbered paragraph of the other sections is a duty. A duty
  with inline items "(1) … (2) …" yields one task per item; otherwise one task per duty, except
  that a later sentence opening with a registry agency and a predicate ("… Lào. Bộ Chỉ huy Bộ đội
  Biên phòng tỉnh chỉ đạo …") is split off as its own task.
- Lead: see workflows/plans/parsing/assignments.py. An item that names its own lead ("(1) Công an tỉnh chủ
  trì …") uses it; other items inherit the lead of the words before "(1)". A "+" sub-bullet with no
  subject inherits its "-" bullet's leads; a bullet with no subject inherits leads named by its
  section heading. Several leads (a list, or a group such as "UBND các huyện, thành phố") give one
  task per lead. "Đối với X:" addresses X only.
- Supporting: names after "phối hợp với" in the duty (and in the words before "(1)"), minus the lead.
- III. TỔ CHỨC THỰC HIỆN: a duty there whose subject is a collective of units ("Các sở, ngành, đơn
  vị …") or that has no subject but speaks of "các đơn vị" is owed by every reporting unit: each
  registry agency that leads or supports a task earlier in the plan, plus the concrete groups the
  duty names (for the Sơn La plan: 24 provincial bodies and the 12 district units).
- A duty without a lead goes to ``unresolved`` ("no lead agency named") with suggestions (closest
  registry names of its subject, or for a duty opening with a verb, of its section heading, else
  the single (non-expanded) leads of its section); an
  agency-looking name the registry does not know stays the lead as written and is also reported
  ("unknown agency"); a collective co-subject the registry does not know ("các trường đại học …")
  is reported as "co-lead not in registry".
- Appendix tables: workflows/plans/parsing/tables.py; each row is a task of section "PL".
- Provenance: every task carries ``rule`` (where its lead came from, one of ``RULES``),
  ``confidence`` (the rule's, lowered for a lead the registry does not know) and ``lead_text`` (the
  text's own words for the lead). A text with sections but no task is refused: ``plan.no_tasks``
  (no duty at all) or ``plan.no_leads`` (duties, none naming who carries it out).
- The same work item written in several places (body, TỔ CHỨC THỰC HIỆN, a partner's "Phối hợp
  với X …", an appendix row) stays a task in each place, linked by ``same_as``/``repeats``, with the
  details of all on the task that carries it: workflows/plans/parsing/linking.py.

Task refs (unique, deterministic): ``<section>-b<k>`` for the k-th "-" bullet of a section,
``.p<j>`` for its j-th "+" sub-bullet, ``.<n>`` for inline item (n), ``-s<m>`` for a sentence split
off a duty, ``<section>`` (then ``-p<k>``) for a numbered paragraph, ``PL.<n>`` for appendix row n,
and ``@<agency code>`` appended when one duty expands to several leads. Example: II.4-b1.3@huyen-moc-chau.

Schedules: workflows/plans/parsing/deadlines.py. Offsets: ``text == source[span[0]:span[1]]`` for every
task; the source is the text as given (a text that is not in Unicode NFC form is normalised to NFC
first, and offsets then refer to the NFC text).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from workflows.agencies import names
from workflows.agencies.gazetteer import issuer_province, registry_for
from workflows.agencies.registry import Registry
from workflows.kernel.text import fold
from workflows.plans.parsed import (
    ParsedIndicator,
    ParsedPlan,
    ParsedSection,
    ParsedTask,
    PlanFormatError,
    Schedule,
    Unresolved,
)
from workflows.plans.parsing.assignments import NO_LEAD, TERM, Assigner, Party, Subject
from workflows.plans.parsing.deadlines import Calendar, date_of_cell, find_calendar, schedule_for
from workflows.plans.parsing.indicators import parse_indicators
from workflows.plans.parsing.layout import Layout, normalise
from workflows.plans.parsing.linking import link_repeats
from workflows.plans.parsing.meta import parse_meta
from workflows.plans.parsing.structure import Block, Section, parse_structure
from workflows.plans.parsing.tables import Cell, find_tables
from workflows.plans.parsing.text import collapse, short_title, slug, trim

__all__ = ["parse_plan", "PlanFormatError"]

ITEM_RE = re.compile(r"\((\d{1,2})\)")
SENTENCE_RE = re.compile(r"\.\s+")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
UNITS_RE = re.compile(r"(?<![a-z])cac\s+don\s+vi(?![a-z])")
OBJECTIVES_RE = re.compile(r"muc\s+tieu|muc\s+dich|yeu\s+cau")
# A section reporting what was done ("I. ĐÁNH GIÁ CHUNG", "KẾT QUẢ THỰC HIỆN", "TÌNH HÌNH …") assigns nothing.
REPORT_RE = re.compile(r"\s*(?:danh\s+gia|ket\s+qua|tinh\s+hinh)(?![a-z])")
IMPLEMENTATION_RE = re.compile(r"to\s+chuc\s+thuc\s+hien")
INDICATORS_RE = re.compile(r"chi\s+tieu")
NATIONAL_RE = re.compile(r"chinh\s+phu|thu\s+tuong|quoc\s+hoi|(?<![a-z])bo\s")
PREFIX_RE = re.compile(r"(?:de\s+nghi|giao)\s+")
HEADING_NAME_WORDS = 16
# "Các bộ … chịu trách nhiệm trước Chính phủ …": an accountability clause, not a duty of its own.
ACCOUNTABLE_RE = re.compile(r"\s*chiu\s+trach\s+nhiem\s+truoc(?![a-z])")
# Closing formulas that assign nothing: "Trên đây là Kế hoạch …", "Văn phòng Chính phủ xin thông báo …".
FORMULA_RE = re.compile(r"tren\s+day\s+la(?![a-z])|[^.;]{0,60}?xin\s+thong\s+bao(?![a-z])")
# Items that name an object rather than an action: "Dự án 1: …", "Tiểu dự án 2 (…)", "Đề án …".
OBJECT_ITEM_RE = re.compile(r"(?:tieu\s+du\s+an|du\s+an|de\s+an|chuong\s+trinh|hop\s+phan)\s+\d+\s*[:(.]")
PARTNER_PARENT_RE = re.compile(r"(?:chu\s+tri\s*,\s*)?phoi\s+hop(?:\s+voi)?\s*:+\s*$")
# A later sentence addressed to someone ("Yêu cầu X …", "Giao X …", "Đề nghị X …") is its own duty.
ADDRESS_RE = re.compile(r"(?:yeu\s+cau|giao|de\s+nghi)\s+(?!cho\s+phep)")
# A later sentence that is a reporting duty of the same addressee ("Định kỳ báo cáo UBND tỉnh …",
# "Hằng năm, báo cáo …") has its own schedule: split off with the same lead.
REPORT_CLAUSE_RE = re.compile(
    r"(?:dinh\s+ky|hang\s+(?:nam|quy|thang)|truoc\s+ngay\s+[\d/ ]+)(?:\s+hoac\s+dot\s+xuat)?\s*,?\s*bao\s+cao"
    r"|trong\s+qua\s+trinh(?:\s+to\s+chuc)?\s+(?:trien\s+khai\s+)?thuc\s+hien"
    r"|thuc\s+hien(?:\s+(?:tot|nghiem|day\s+du))?\s+che\s+do\s+(?:thong\s+tin\s*,?\s*)?bao\s+cao"
)
MALFORMED_ROW = "table row has a different number of cells than its header"


def parse_plan(text: str, registry: Registry) -> ParsedPlan:
    """Parse a plan text into its structured form (raises PlanFormatError for a non-plan)."""
    if not isinstance(text, str) or not text.strip():
        raise PlanFormatError("plan.empty")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    layout = normalise(text)
    parsed = _PlanParser(
        layout.text, registry, paragraphs=layout.mode != "wrapped", lines=layout.mode == "lines"
    ).run()
    return parsed if layout.identity else _to_source(parsed, layout)


def _to_source(parsed: ParsedPlan, layout: Layout) -> ParsedPlan:
    """Spans and texts of a parse of the logical text, moved back onto the source."""
    src = layout.source

    def move(span: tuple[int, int]) -> tuple[int, int]:
        return layout.source_span(*span)

    tasks = []
    for t in parsed.tasks:
        s, e = move(t.span)
        tasks.append(replace(t, span=(s, e), text=src[s:e]))
    unresolved = []
    for u in parsed.unresolved:
        s, e = move(u.span)
        unresolved.append(replace(u, span=(s, e), text=src[s:e]))
    return replace(parsed, tasks=tuple(tasks), unresolved=tuple(unresolved))


class _PlanParser:
    """One parse: the text, its folded twin, and the tasks found so far."""

    def __init__(self, text: str, registry: Registry, paragraphs: bool = False, lines: bool = False) -> None:
        self.text, self.folded, self.registry = text, fold(text), registry
        self.paragraphs, self.lines = paragraphs, lines
        self.assigner = Assigner(text, self.folded, registry)
        self.tasks: list[ParsedTask] = []
        self.parties: list[Party] = []
        self.unresolved: list[Unresolved] = []
        self.no_lead: list[tuple[int, int, str, str, bool]] = []
        self.calendar: Calendar | None = None
        self.governed: dict[int, FieldSet] = {}
        self.heading_done: set[str] = set()
        self.fieldset: FieldSet | None = None

    def run(self) -> ParsedPlan:
        """Header, structure, duties, tables, then the final ordering."""
        doc = parse_structure(self.text, self.paragraphs, self.lines)
        self.warnings: list[str] = []
        meta = parse_meta(self.text, doc.body_start if doc.sections else len(self.text), self.warnings)
        if not doc.sections:
            raise PlanFormatError("plan.no_sections")
        self._use_registry(meta.issuer)
        year = meta.issued_on.year  # the document's own date, not a year its title names
        self.calendar = find_calendar(self.text[doc.body_start : doc.body_end], year, meta.issued_on)
        indicators: list[ParsedIndicator] = []
        heading_leads: dict[str, list[Party]] = {}
        self.governed, owners = self._govern(doc)
        for block in doc.blocks:
            role = self._role(block.section, doc.sections)
            if block.kind in ("note", "sub") or role == "objectives":
                continue
            if block.field:
                for stage in self._stages(block, own=True):
                    self._block(stage, [], role == "implementation")
                continue
            if block.section.ref in owners and block.section.ref not in self.heading_done:
                self.heading_done.add(block.section.ref)
                self._heading_task(block.section, owners[block.section.ref])
            if role == "indicators":
                indicators.extend(parse_indicators(self.text, self.folded, [block], year))
                continue
            self._block(
                block, self._inherited(block.section, doc.sections, heading_leads), role == "implementation"
            )
        for ref, fs in owners.items():
            if ref not in self.heading_done:
                sec = next(x for x in doc.sections if x.ref == ref)
                if self._role(sec, doc.sections) != "objectives":
                    self._heading_task(sec, fs)
        sections = [ParsedSection(s.ref, s.title) for s in doc.sections]
        sections.extend(self._tables())
        self._finish_no_lead()
        self._refuse_empty(doc)
        return ParsedPlan(
            plan=meta,
            sections=tuple(sections),
            tasks=tuple(link_repeats(self._unique(sorted(self.tasks, key=lambda t: t.span[0])))),
            indicators=tuple(indicators),
            unresolved=tuple(sorted(self.unresolved, key=lambda u: (u.span[0], u.span[1]))),
            warnings=tuple(self.warnings),
        )

    def _refuse_empty(self, doc) -> None:
        """A plan that yields no task is refused with the reason, never stored as an empty plan."""
        if self.tasks:
            return
        if self.no_lead:
            raise PlanFormatError("plan.no_leads", sections=len(doc.sections), duties=len(self.no_lead))
        raise PlanFormatError("plan.no_tasks", sections=len(doc.sections))

    def _use_registry(self, issuer: str) -> None:
        """A plan of another province (or a national one) is read with the gazetteer's registry.

        The given registry names one province's bodies; applied to another province's plan it would
        turn "UBND tỉnh" into the wrong province. The local registry wins for its own province.
        """
        own = self.registry.province
        prov = issuer_province(issuer)
        if prov is not None and (not own or fold(prov.short) != fold(own)):
            self.registry = registry_for(prov.short)
        elif prov is None and NATIONAL_RE.search(fold(issuer)):
            self.registry = registry_for(None)
        else:
            return
        self.assigner = Assigner(self.text, self.folded, self.registry, collectives=True)

    # -- sections ---------------------------------------------------------------------------------
    def _role(self, section: Section, sections: list[Section]) -> str:
        """objectives | indicators | implementation | duties, from the top-level heading."""
        root_ref = section.ref.split(".")[0]
        root = next((s for s in sections if s.ref == root_ref), section)
        title = fold(root.title)
        if REPORT_RE.match(title) and "nhiem vu" not in title:
            return "objectives"
        if OBJECTIVES_RE.search(title) and "nhiem vu" not in title:
            return (
                "indicators"
                if section is not root and INDICATORS_RE.search(fold(section.title))
                else "objectives"
            )
        return "implementation" if IMPLEMENTATION_RE.search(title) else "duties"

    def _heading_leads(self, section: Section) -> list[Party]:
        """Agencies a heading itself names as the addressee ("1.1. Sở Y tế", "2. Đề nghị MTTQ")."""
        subj = self.assigner.subject(*section.span)
        if not subj.leads:
            return self._heading_as_name(section)
        if not self._names_whole_heading(section, subj):
            return [p for p in subj.leads if p.known]
        return subj.leads

    def _heading_as_name(self, section: Section) -> list[Party]:
        """A heading that is an addressee and nothing else ("Ban Quản lý các khu công nghiệp")."""
        s, e = section.span
        prefix = PREFIX_RE.match(self.folded, s, e)
        s = prefix.end() if prefix else s
        name = collapse(self.text[s:e]).rstrip(".:;")
        kind = names.kind_of(name)
        head = names.HEAD.match(fold(name))  # "Ban Quản lý …": the head word is not a predicate
        if (
            not kind
            or len(name.split()) > HEADING_NAME_WORDS
            or TERM.search(fold(name), head.end() if head else 0)
        ):
            return []
        return [Party(name, slug(name), known=False, kind=kind)]

    def _names_whole_heading(self, section: Section, subj: Subject) -> bool:
        """Is the heading nothing but its addressees ("Sở, ban, ngành liên quan")?"""
        rest = self.folded[subj.end : section.span[1]]
        return bool(subj.leads) and len(rest.split()) <= 2

    def _inherited(self, section: Section, sections: list[Section], cache: dict[str, list[Party]]):
        """Leads of the nearest heading, this one or an ancestor, that names its addressee."""
        by_ref = {s.ref: s for s in sections}
        ref = section.ref
        while ref:
            if ref not in cache:
                sec = by_ref.get(ref)
                cache[ref] = self._heading_leads(sec) if sec else []
            if cache[ref]:
                return cache[ref]
            ref = ref.rpartition(".")[0]
        return []

    # -- duties -----------------------------------------------------------------------------------
    def _subject(self, block: Block, start: int, end: int) -> Subject:
        """Who the passage addresses; past a topic heading that ran into its paragraph, the paragraph's.

        "2. Công tác kiểm tra" + blank line + "Công an tỉnh chủ trì …" reaches here as one passage
        (a short numbered heading takes the next paragraph); its subject is the paragraph's.
        """
        subj = self.assigner.subject(start, end)
        if subj.leads or subj.addressed or block.start != block.section.span[0]:
            return subj
        gap = PARAGRAPH_BREAK.search(self.text, start, end)
        if gap is None or len(self.text[start : gap.start()].split()) > HEADING_NAME_WORDS:
            return subj
        later = self.assigner.subject(gap.end(), end)
        return later if later.leads else subj

    def _block(self, block: Block, inherited: list[Party], implementation: bool) -> None:
        """Tasks of one bullet/sub-bullet/paragraph (and of its sub-bullets)."""
        start, end = trim(self.text, block.start, block.end)
        if self._names_an_object(block, start, end):
            self._heading_duty(block.section, inherited)
            return
        items = self._items(start, end)
        pre_end = items[0][1] if items else end
        subj = self._subject(block, start, pre_end)
        self.unresolved.extend(subj.issues)
        leads = subj.leads
        rule = "addressed" if subj.addressed else "subject"
        outer, self.fieldset = self.fieldset, self.governed.get(id(block), self.fieldset)
        if not leads and self.fieldset is not None and self.fieldset.leads:
            leads, rule = self.fieldset.leads, "labelled fields"
        if not leads and not subj.addressed and not subj.vague:
            leads, rule = inherited, "heading"
        if leads and leads is subj.leads and inherited and self._lists_partners(block):
            # "b) Chủ trì, phối hợp:" then "- Sở Tài chính … tham mưu …": the bullet names a partner
            # of the heading's lead, not a lead of its own.
            fs = self.fieldset or FieldSet()
            self.fieldset = replace(fs, leads=[], support=_merge(fs.support, leads))
            leads, rule = inherited, "heading"
        # A local registry's reviewed reading expands "các đơn vị" to the reporting units; a plan read
        # with the gazetteer keeps the collective as written (never "every unit seen so far").
        if (
            implementation
            and not self.assigner.collectives
            and (subj.vague or (not leads and UNITS_RE.search(self.folded, start, end)))
        ):
            leads, rule = _merge(self._reporting_units(), leads), "reporting units"
        base = _base_ref(block)
        if items:
            self._item_tasks(base, block.section, start, end, pre_end, items, subj, leads, rule)
        else:
            self._sentence_tasks(base, block.section, start, end, subj, leads, rule)
        for child in block.children:
            if child.field:
                for grandchild in child.children:
                    self._block(grandchild, leads, implementation)
                continue
            self._block(child, leads, implementation)
        self.fieldset = outer

    def _names_an_object(self, block: Block, start: int, end: int) -> bool:
        """A bullet naming what its heading's duty covers ("c) Triển khai các dự án:" then "- Dự án 1: …")."""
        return (
            self.assigner.collectives
            and block.kind == "bullet"
            and block.parent is None
            and block.section.title.rstrip().endswith(":")
            and OBJECT_ITEM_RE.match(self.folded, start, end) is not None
        )

    def _heading_duty(self, section: Section, inherited: list[Party]) -> None:
        """The heading over a list of named objects is itself the duty (once)."""
        if section.ref in self.heading_done:
            return
        self.heading_done.add(section.ref)
        s, e = trim(self.text, *section.span)
        subj = self.assigner.subject(s, e)
        leads = subj.leads or inherited
        if not leads:
            self._record_no_lead(s, e, section, subj)
            return
        support = self.assigner.supporting(s, e, subj.end)
        sched = schedule_for(self.text[s:e], self.calendar)
        self._emit(section.ref, section, s, e, leads, support, sched, "subject" if subj.leads else "heading")

    def _lists_partners(self, block: Block) -> bool:
        """Is the block a bullet under a "Chủ trì, phối hợp (với):" heading or parent item?"""
        if not self.assigner.collectives or block.kind not in ("bullet", "sub"):
            return False
        if block.parent is not None:
            ps, pe = trim(self.text, block.parent.start, block.parent.end)
            return PARTNER_PARENT_RE.search(self.folded, ps, pe) is not None and pe - ps < 80
        return PARTNER_PARENT_RE.fullmatch(fold(block.section.title).strip() + ":") is not None

    def _items(self, start: int, end: int) -> list[tuple[int, int, int, int]]:
        """Inline items "(1) … (2) …" in order: (number, marker start, text start, text end)."""
        found, expected = [], 1
        for m in ITEM_RE.finditer(self.text, start, end):
            if int(m.group(1)) == expected:
                found.append((expected, m.start(), m.end()))
                expected += 1
        out = []
        for i, (n, marker, after) in enumerate(found):
            stop = found[i + 1][1] if i + 1 < len(found) else end
            s, e = trim(self.text, after, stop)
            out.append((n, marker, s, e))
        return out

    def _item_tasks(self, base, section, start, end, pre_end, items, subj: Subject, leads, rule: str) -> None:
        """One task per inline item and lead."""
        item_subjects = [self.assigner.subject(s, e) for _, _, s, e in items]
        if not leads and not any(i.leads for i in item_subjects):
            self._record_no_lead(start, end, section, subj)
            return
        pre_support = self.assigner.supporting(start, pre_end, subj.end)
        pre_schedule = schedule_for(self.text[start:pre_end], self.calendar)
        for (n, _, s, e), isubj in zip(items, item_subjects, strict=False):
            self.unresolved.extend(isubj.issues)
            item_leads = isubj.leads or ([] if isubj.addressed or isubj.vague else leads)
            if not item_leads:
                self._record_no_lead(s, e, section, isubj)
                continue
            support = _merge(pre_support, self.assigner.supporting(s, e, isubj.end))
            sched = schedule_for(self.text[s:e], self.calendar)
            if sched.kind == "continuous" and not sched.phrase and pre_schedule.phrase:
                sched = pre_schedule
            self._emit(
                f"{base}.{n}", section, s, e, item_leads, support, sched, "item" if isubj.leads else rule
            )

    def _sentence_tasks(self, base, section, start, end, subj: Subject, leads, rule: str) -> None:
        """One task per lead, with later sentences that name their own lead split off."""
        if not leads and self.assigner.collectives:
            later = self.assigner.after_preamble(subj.end or start, end)
            if later is not None:  # "Hiện nay …; do vậy, yêu cầu X …": the directive is X's
                subj, leads, rule = later, later.leads, "after preamble"
        segments = [(start, subj, leads)]
        for m in SENTENCE_RE.finditer(self.text, subj.end, end):
            nxt = m.end()
            if nxt >= end or not self.text[nxt].isupper():
                continue
            sub = self.assigner.subject(nxt, end)
            if (
                sub.leads
                and all(p.known for p in sub.leads)
                and not sub.vague
                and self._predicate_at(sub.end, end)
            ):
                segments.append((nxt, sub, sub.leads))
            elif (
                self.assigner.collectives
                and self.text[nxt - 1] == "\n"
                and sub.leads
                and all(p.known or p.kind for p in sub.leads)
                and self._predicate_at(sub.end, end)
                and not _same_addressees(sub.leads, segments[-1][2])
            ):
                segments.append((nxt, sub, sub.leads))  # a new paragraph naming its own subject
            elif (
                self.assigner.collectives
                and ADDRESS_RE.match(self.folded, nxt)
                and sub.leads
                and not _same_addressees(sub.leads, segments[-1][2])
            ):
                segments.append((nxt, sub, sub.leads))  # "… Yêu cầu Nhà đầu tư (…) rà soát …"
            elif (
                self.assigner.collectives
                and REPORT_CLAUSE_RE.match(self.folded, nxt)
                and (segments[-1][2] or sub.leads)
            ):
                # "… Định kỳ báo cáo …", "Trong quá trình thực hiện, nếu có vướng mắc, (X) phản ánh …":
                # a duty of its own, of the subject it names or else of the sentence before it.
                own = sub.leads
                segments.append((nxt, sub if own else Subject([], nxt), own or segments[-1][2]))
        for k, (s, sub, seg_leads) in enumerate(segments):
            stop = segments[k + 1][0] if k + 1 < len(segments) else end
            s, e = trim(self.text, s, stop)
            if self.assigner.collectives and (
                FORMULA_RE.match(self.folded, s, e) or (k and ACCOUNTABLE_RE.match(self.folded, sub.end, e))
            ):
                continue  # "Trên đây là Kế hoạch …", "Văn phòng Chính phủ xin thông báo để …": no duty
            ref = base if k == 0 else f"{base}-s{k + 1}"
            if not seg_leads:
                self._record_no_lead(s, e, section, sub)
                continue
            support = self.assigner.supporting(s, e, sub.end)
            seg_rule = rule if k == 0 else "later sentence" if sub.leads else "report clause"
            self._emit(
                ref, section, s, e, seg_leads, support, schedule_for(self.text[s:e], self.calendar), seg_rule
            )

    def _predicate_at(self, pos: int, end: int) -> bool:
        """Does a predicate word ("chỉ đạo", "chủ trì", …) follow at ``pos``?"""
        while pos < end and self.text[pos].isspace():
            pos += 1
        return TERM.match(self.folded, pos, end) is not None

    def _emit(self, ref, section, s, e, leads, support, sched: Schedule, rule: str) -> None:
        """Append one task per lead (labelled fields in force add partners and a schedule)."""
        fs = self.fieldset
        if fs is not None:
            support = _merge(support, fs.support)
            if fs.schedule is not None and not sched.phrase:
                sched = fs.schedule
        text = self.text[s:e]
        title = short_title(text)
        for lead in leads:
            self.tasks.append(
                ParsedTask(
                    ref=ref if len(leads) == 1 else f"{ref}@{lead.code}",
                    section=section.ref,
                    title=title,
                    text=text,
                    span=(s, e),
                    lead=lead.name,
                    supporting=tuple(p.name for p in support if p.code != lead.code),
                    schedule=sched,
                    lead_text=lead.written or lead.name,
                    rule=rule,
                    confidence=confidence(rule, lead),
                )
            )
            self.parties.append(lead)
            self.parties.extend(support)

    # -- labelled fields -------------------------------------------------------------------------
    def _govern(self, doc) -> tuple[dict[int, FieldSet], dict[str, FieldSet]]:
        """Which blocks each run of labelled fields governs; sections whose fields govern no item.

        In a list of siblings, a run of field lines governs the items since the previous run (fields
        written after their items); with none there, the items after it (fields before the items);
        with none either, the container itself: the section heading or the parent bullet.
        """
        governed: dict[int, FieldSet] = {}
        owners: dict[str, FieldSet] = {}
        top: dict[str, list[Block]] = {}
        for b in doc.blocks:
            if b.kind in ("bullet", "para") or (b.kind == "note" and b.field):
                top.setdefault(b.section.ref, []).append(b)
        containers = [(ref, blocks, None) for ref, blocks in top.items()]
        containers += [(None, b.children, b) for b in doc.blocks if any(c.field for c in b.children)]
        for ref, siblings, parent in containers:
            runs, pending, prev_field = [], [], False
            for b in siblings:
                if b.field:
                    if not prev_field:
                        runs.append(([], pending))
                        pending = []
                    runs[-1][0].append(b)
                else:
                    pending.append(b)
                prev_field = bool(b.field)
            after = pending
            for k, (fields, before) in enumerate(runs):
                fs = self._fieldset(fields)
                following = runs[k + 1][1] if k + 1 < len(runs) else after
                target = before or (following if k == len(runs) - 1 and not before else [])
                for b in target:
                    governed[id(b)] = fs
                if not target:
                    if parent is not None:
                        governed[id(parent)] = fs
                    elif ref is not None:
                        owners[ref] = fs
        return governed, owners

    def _fieldset(self, fields: list[Block]) -> FieldSet:
        """Leads, partners, schedule and content span of a run of field lines."""
        fs = FieldSet()
        for f in fields:
            s, e = trim(self.text, f.value, f.end)
            if f.field == "lead":
                subj = self.assigner.subject(s, e)
                fs.leads = subj.leads or self._cell_parties(Cell(s, e), lead=True)
            elif f.field == "support":
                fs.support = self._cell_parties(Cell(s, e), lead=False)
            elif f.field == "due" and e > s:
                sched = date_of_cell(self.text[s:e], self.calendar)
                fs.schedule = sched if sched.phrase else None
            elif f.field == "due":
                fs.schedule = self._staged_schedule(self._stages(f, own=False))
            elif f.field == "content":
                fs.content = (f.start, f.end)
        return fs

    def _stages(self, field_block: Block, own: bool) -> list[Block]:
        """The "+" lines under an empty "Thời gian thực hiện:" label that name (``own``) or do not
        name their own subject: the first are duties of their own, the second stages of the duty."""
        if (
            field_block.field != "due"
            or trim(self.text, field_block.value, field_block.end)[1] > field_block.value
        ):
            return []
        out = []
        for child in field_block.children:
            s, e = trim(self.text, child.start, child.end)
            if bool(self.assigner.subject(s, e).leads) == own:
                out.append(child)
        return out

    def _staged_schedule(self, stages: list[Block]) -> Schedule | None:
        """One schedule of a duty's stages: every date they name (milestones), their words joined."""
        timed = [schedule_for(self.text[b.start : b.end], self.calendar) for b in stages]
        timed = [t for t in timed if t.phrase and t.kind != "continuous"]
        if not timed:
            return None
        dates = tuple(sorted({d for t in timed for d in t.due_dates}))
        return Schedule("once" if len(dates) == 1 else "recurring", dates, "; ".join(t.phrase for t in timed))

    def _heading_task(self, section: Section, fs: FieldSet) -> None:
        """A heading whose labelled fields govern no item is itself the duty."""
        s, e = fs.content or section.span
        s, e = trim(self.text, s, e)
        if not fs.leads:
            self._record_no_lead(s, e, section, Subject([], s))
            return
        outer, self.fieldset = self.fieldset, fs
        sched = schedule_for(self.text[s:e], self.calendar)
        self._emit(section.ref, section, s, e, fs.leads, [], sched, "labelled fields")
        self.fieldset = outer

    def _reporting_units(self) -> list[Party]:
        """Every agency that leads or supports a task so far, in registry order, then unknown ones."""
        codes = {p.code for p in self.parties}
        known = [Party(a.name, a.code) for a in self.registry.agencies.values() if a.code in codes]
        unknown = {p.code: p for p in self.parties if not p.known and p.kind != "collective"}
        return known + list(unknown.values())

    # -- unresolved ----------------------------------------------------------------------------
    def _record_no_lead(self, s: int, e: int, section: Section, subj: Subject) -> None:
        """Remember a duty without a lead; suggestions are filled in at the end."""
        phrase = self.text[subj.phrase[0] : subj.phrase[1]] if subj.phrase else section.title
        self.no_lead.append((s, e, section.ref, phrase, subj.phrase is None))

    def _finish_no_lead(self) -> None:
        """Turn remembered no-lead duties into Unresolved entries with suggestions."""
        for s, e, section_ref, phrase, verb_first in self.no_lead:
            suggestions = self.registry.suggest(phrase)
            if not suggestions and verb_first:
                counts = Counter(t.lead for t in self.tasks if t.section == section_ref and "@" not in t.ref)
                suggestions = [name for name, _ in counts.most_common(3)]
            self.unresolved.append(Unresolved(self.text[s:e], (s, e), NO_LEAD, tuple(suggestions)))

    # -- appendix tables ------------------------------------------------------------------------
    def _tables(self) -> list[ParsedSection]:
        """Tasks from appendix tables; returns the sections ("PL", "PL2", …) they form."""
        sections = []
        for t_index, table in enumerate(find_tables(self.text), start=1):
            ref = "PL" if t_index == 1 else f"PL{t_index}"
            section = Section(ref, table.title, (0, 0), 1)
            sections.append(ParsedSection(ref, table.title))
            for s, e in table.bad_rows:
                self.unresolved.append(Unresolved(self.text[s:e], (s, e), MALFORMED_ROW, ()))
            for n, row in enumerate(table.rows, start=1):
                self._row_task(f"{ref}.{n}", section, row.cells)
        return sections

    def _row_task(self, ref: str, section: Section, cells: dict[str, Cell]) -> None:
        """One table row → task(s)."""
        content = cells["content"]
        leads = self._cell_parties(cells["lead"], lead=True)
        support = self._cell_parties(cells["support"], lead=False) if "support" in cells else []
        if "due" in cells:
            sched = date_of_cell(self.text[cells["due"].start : cells["due"].end], self.calendar)
        else:
            sched = schedule_for(self.text[content.start : content.end], self.calendar)
        if not leads:
            lead_text = self.text[cells["lead"].start : cells["lead"].end]
            self.no_lead.append((content.start, content.end, section.ref, lead_text, False))
            return
        self._emit(ref, section, content.start, content.end, leads, support, sched, "table row")

    def _cell_parties(self, cell: Cell, lead: bool) -> list[Party]:
        """Agencies named in a table cell or field (see Assigner.cell_parties); issues are reported."""
        parties, issues = self.assigner.cell_parties(cell.start, cell.end, lead)
        self.unresolved.extend(issues)
        return parties

    @staticmethod
    def _unique(tasks: list[ParsedTask]) -> list[ParsedTask]:
        """Guarantee unique refs (a repeated ref gets "#2", "#3" …; never expected in practice)."""
        seen: Counter[str] = Counter()
        out = []
        for t in tasks:
            seen[t.ref] += 1
            if seen[t.ref] > 1:
                t = replace(t, ref=f"{t.ref}#{seen[t.ref]}")
            out.append(t)
        return out


# Where a task's lead came from (``ParsedTask.rule``) and how sure that reading is (``confidence``,
# before the lead's own doubt: see ``confidence``). The review page lists tasks below 0.7 first.
RULES = {
    "subject": ('the duty\'s own opening words name it ("Sở Y tế chủ trì …")', 0.95),
    "addressed": ('the duty is addressed to it ("Giao X …", "Đề nghị X …", "Đối với X:")', 0.95),
    "item": ("an inline item (1), (2) … names it", 0.95),
    "labelled fields": ('a "Cơ quan chủ trì: X." line before or after the items', 0.95),
    "table row": ("the lead column of a table row", 0.95),
    "heading": ("the nearest heading that names an addressee; the item names none", 0.85),
    "later sentence": ("a later sentence of the duty opens with its own subject", 0.8),
    "after preamble": (
        'a directive opening with a preamble names its addressee later ("…; do vậy, yêu cầu X …")',
        0.8,
    ),
    "report clause": ("a later reporting sentence of the duty, owed by the duty's lead", 0.8),
    "reporting units": ("a duty of every unit: the units the plan assigns work to", 0.7),
}
UNKNOWN_DOUBT = {"position": 0.1, "body": 0.2, "collective": 0.3}  # a lead the registry does not know


def confidence(rule: str, lead: Party) -> float:
    """How sure the reading of ``lead`` by ``rule`` is (0-1)."""
    base = RULES[rule][1]
    if lead.known:
        return base
    return round(base - UNKNOWN_DOUBT.get(lead.kind, 0.2), 2)


@dataclass
class FieldSet:
    """What a run of labelled field lines says: leads, partners, schedule, content span."""

    leads: list[Party] = field(default_factory=list)
    support: list[Party] = field(default_factory=list)
    schedule: Schedule | None = None
    content: tuple[int, int] | None = None


def _same_addressees(new: list[Party], old: list[Party]) -> bool:
    """Do two subjects share an addressee word ("các bộ, ngành" … "từng bộ, ngành")?"""
    words = lambda parties: {w for p in parties for w in fold(p.name).replace(",", " ").split()} - _LIST_WORDS  # noqa: E731
    return bool(words(new) & words(old))


_LIST_WORDS = {"cac", "va", "tinh", "thanh", "pho", "tung", "nhung", "lien", "quan", "co"}


def _base_ref(block: Block) -> str:
    """Ref of a block: II.1.2-b3, II.8-b2.p1, III.1 (paragraph), III.1-p2."""
    sec = block.section.ref
    if block.kind == "bullet":
        return f"{sec}-b{block.index}"
    if block.kind == "sub":
        return f"{_base_ref(block.parent)}.p{block.index}"
    return sec if block.index == 1 else f"{sec}-p{block.index}"


def _merge(first: list[Party], second: list[Party]) -> list[Party]:
    """Concatenate two party lists without repeating a code."""
    return list({p.code: p for p in [*first, *second]}.values())


def to_yaml(parsed: ParsedPlan, header: str = "") -> str:
    """The JSON contract as YAML (UTF-8, keys in contract order), below an optional comment header."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        """Multi-line strings as literal blocks, so the reviewed file reads like the plan."""

    def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _str)
    body = yaml.dump(parsed.to_dict(), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
    return header + body


def leading_comments(path: str) -> str:
    """The comment block at the top of an existing YAML file (kept when it is regenerated)."""
    lines = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                break
            lines.append(line)
    return "".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python -m workflows.plans.parser PLAN.txt [--yaml] [--registry R] [--keep-header F]``."""
    import argparse
    import json
    import sys

    from workflows.agencies.registry import load_registry

    ap = argparse.ArgumentParser(prog="python -m workflows.plans.parser", description=main.__doc__)
    ap.add_argument("plan")
    ap.add_argument("--registry")
    ap.add_argument("--yaml", action="store_true", help="YAML instead of JSON")
    ap.add_argument("--keep-header", metavar="YAML", help="copy the leading comments of this file")
    args = ap.parse_args(argv)
    with open(args.plan, encoding="utf-8") as fh:
        parsed = parse_plan(fh.read(), load_registry(args.registry))
    if args.yaml:
        sys.stdout.write(to_yaml(parsed, leading_comments(args.keep_header) if args.keep_header else ""))
    else:
        json.dump(parsed.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
