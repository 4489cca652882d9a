"""The task search index: one document per task, searched with each database's own text search.

`TaskSearch.document` holds a task's ref, title, text and its agencies' names, aliases and former
names (agencies merged into them), with UBND/HĐND also written out and shortened and đ/Đ already
folded to d (`reindex_tasks` writes it; whoever changes a name or an alias reindexes the tasks
of that agency). Each database indexes it its own way:
- SQLite: the FTS5 table `task_fts` over `tasksearch` (external content, kept in step by
  triggers) with the tokenizer `unicode61 remove_diacritics 2` — case and diacritics ignored;
- PostgreSQL: the stored column `words`, generated as
  `to_tsvector('simple', plantrack_search_text(document))`, and a GIN index on it, where
  `plantrack_search_text` is `unaccent` (extension) with punctuation turned into spaces, declared
  IMMUTABLE so a generated column may use it. Stored, not an expression index: a plan that checks
  a few rows one by one (a broad search walking checkpoints in date order) reads the vector instead
  of unaccenting the whole document again, and ANALYZE keeps statistics on it for the planner.
The same statements run from `create_all` (below) and from the migrations (the column is not in
the model: SQLite has no tsvector).
"""

import re
import unicodedata

from sqlalchemy import DDL, Column, ColumnElement, Text, delete, event, func, insert, literal, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, SQLModel

from models.agency import Agency
from models.plan import Plan, Task, TaskSupport

_NON_WORD = re.compile(r"[\W_]+")
FTS_TABLE = "task_fts"
PG_TEXT_FUNCTION = "plantrack_search_text"
PG_VECTOR = "words"
PG_INDEX = "ix_tasksearch_words"

_FTS_DELETE = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, document) VALUES ('delete', old.task_id, old.document);"
)
SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(document, content='tasksearch', "
    "content_rowid='task_id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER tasksearch_ai AFTER INSERT ON tasksearch BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, document) VALUES (new.task_id, new.document); END",
    f"CREATE TRIGGER tasksearch_ad AFTER DELETE ON tasksearch BEGIN {_FTS_DELETE} END",
    f"CREATE TRIGGER tasksearch_au AFTER UPDATE ON tasksearch BEGIN "
    f"{_FTS_DELETE} "
    f"INSERT INTO {FTS_TABLE}(rowid, document) VALUES (new.task_id, new.document); END",
)

PG_VECTOR_DDL = (
    f"ALTER TABLE tasksearch ADD COLUMN {PG_VECTOR} tsvector GENERATED ALWAYS AS "
    f"(to_tsvector('simple'::regconfig, {PG_TEXT_FUNCTION}(document))) STORED",
    f"CREATE INDEX {PG_INDEX} ON tasksearch USING gin ({PG_VECTOR})",
)
POSTGRESQL_DDL = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE OR REPLACE FUNCTION {PG_TEXT_FUNCTION}(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS "
    "$$ SELECT regexp_replace(public.unaccent('public.unaccent'::regdictionary, $1), "
    "'[^[:alnum:]]+', ' ', 'g') $$",
    *PG_VECTOR_DDL,
)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's filter: leave out the index parts the models do not declare (FTS5 tables, tsvector, GIN)."""
    if type_ == "table" and name and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_")):
        return False
    if type_ == "column" and name == PG_VECTOR and parent_names.get("table_name") == "tasksearch":
        return False
    return not (type_ == "index" and name == PG_INDEX)


class TaskSearch(SQLModel, table=True):
    """The text a task is found by (see the module docstring)."""

    task_id: int = Field(foreign_key="task.id", primary_key=True)
    document: str = Field(sa_column=Column(Text, nullable=False))


for _statement in SQLITE_DDL:
    event.listen(TaskSearch.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_DDL:
    event.listen(TaskSearch.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))


def search_text(value: str | None) -> str | None:
    """PostgreSQL's `plantrack_search_text` in Python, for SQLite (models/db.py): unaccented, no marks."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare)


def folded(expr) -> ColumnElement[str]:
    """`expr` without diacritics or case, punctuation as spaces, in SQL on both databases."""
    return func.lower(getattr(func, PG_TEXT_FUNCTION)(expr))


def _fold_d(expr):
    """đ/Đ → d: unicode61 does not decompose them (unaccent would, SQLite needs it done)."""
    return func.replace(func.replace(expr, "đ", "d"), "Đ", "d")


# Head words names write both ways: a task of "UBND huyện X" is found by "ủy ban nhân dân huyện x"
NAME_FORMS = (("UBND", "Ủy ban nhân dân"), ("UBND", "Uỷ ban nhân dân"), ("HĐND", "Hội đồng nhân dân"))


def alias_text(agency, dialect: str):
    """An agency's aliases (a JSON list) as one string, read by the database's own JSON functions."""
    elements = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    values = elements(agency.aliases).table_valued("value")
    return select(func.aggregate_strings(values.c.value, " ")).select_from(values).scalar_subquery()


def _agency_words(agency, dialect: str):
    """The names an agency is found by: its name, aliases, the names of the agencies merged into it,
    and each of these with UBND/HĐND written out or shortened (`NAME_FORMS`)."""
    merged = aliased(Agency)
    predecessors = (
        select(func.aggregate_strings(merged.name, " "))
        .where(merged.successor_id == agency.id)
        .scalar_subquery()
    )
    words = agency.name
    for part in (alias_text(agency, dialect), predecessors):
        words = words + literal(" ") + func.coalesce(part, "")
    forms = words
    for short, written_out in NAME_FORMS:
        forms = forms + literal(" ") + func.replace(words, short, written_out)
        forms = forms + literal(" ") + func.replace(words, written_out, short)
    return forms


def _document(dialect: str):
    """The words a task is found by: plan number, ref, title, text, lead and supporting agencies."""
    supporter = aliased(Agency)
    supporters = (
        select(func.aggregate_strings(_agency_words(supporter, dialect), " "))
        .join(TaskSupport, TaskSupport.agency_id == supporter.id)
        .where(TaskSupport.task_id == Task.id)
        .scalar_subquery()
    )
    lead_agency = aliased(Agency)
    lead = (
        select(_agency_words(lead_agency, dialect))
        .where(lead_agency.id == Task.lead_agency_id)
        .scalar_subquery()
    )
    plan = select(Plan.number).where(Plan.id == Task.plan_id).scalar_subquery()
    document = func.coalesce(plan, "")
    for part in (Task.ref, Task.title, Task.text, lead, supporters):
        document = document + literal(" ") + func.coalesce(part, "")
    return _fold_d(document)


def reindex_tasks(session: Session, where: ColumnElement[bool]) -> None:
    """Rewrite the search documents of the tasks matching `where` (two statements, in SQL)."""
    session.flush()
    session.execute(delete(TaskSearch).where(TaskSearch.task_id.in_(select(Task.id).where(where))))
    document = _document(session.get_bind().dialect.name)
    session.execute(
        insert(TaskSearch).from_select(["task_id", "document"], select(Task.id, document).where(where))
    )


def tasks_of_agency(agency_id: int) -> ColumnElement[bool]:
    """Tasks whose document names the agency: it leads them or supports them."""
    supported = select(TaskSupport.task_id).where(TaskSupport.agency_id == agency_id)
    return or_(Task.lead_agency_id == agency_id, Task.id.in_(supported))
