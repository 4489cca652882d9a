"""One quick generate + run at scale 0.001: the harness works end to end (no timing asserted)."""

import json

from sqlalchemy import func, select

from bench import run
from models import Agency, Checkpoint, Submission, User
from models.db import make_engine

OPERATIONS = (
    "sweep_today",
    "sweep_probe_small",
    "sweep_probe_large",
    "rollup_province",
    "rollup_country",
    "inbox_function",
    "inbox_http",
    "inbox_http_saturation",
    "desk_http",
    "desk_http_saturation",
    "digest_run",
    "parse_seed_plan",
)
WITH_FLOORS = ("sweep_today", "sweep_probe_small", "sweep_probe_large", "rollup_province", "rollup_country")


def test_generate_and_run_at_tiny_scale(db_url, tmp_path):
    out = tmp_path / "results.json"
    run.main(
        [
            "--scale",
            "0.001",
            "--db",
            db_url,
            "--out",
            str(out),
            "--repeat",
            "1",
            "--probe-items",
            "30",
            "--http-requests",
            "8",
            "--desk-requests",
            "2",
            "--clients",
            "2",
            "--think",
            "0.01",
            "--http-budget",
            "60",
            "--heads",
            "5",
            "--digest-repeat",
            "1",
            "--drop",
        ]
    )

    results = json.loads(out.read_text(encoding="utf-8"))
    for name in OPERATIONS:
        assert results[name].get("ours_s", 0) > 0, (name, results[name])
    for name in WITH_FLOORS:
        assert results[name]["floor_s"] > 0 and results[name]["ratio"] > 0, (name, results[name])
        assert results[name]["agrees"], (name, results[name])  # ours and the floor computed the same
    assert results["sweep_probe_large"]["fired"] == 30 == results["sweep_probe_small"]["fired"]
    for name in ("inbox_http", "desk_http"):
        assert results[name]["errors"] == 0 and results[name]["requests"] > 0, results[name]
    assert results["digest_run"]["heads"] == 5
    assert results["_meta"]["scale"] == 0.001

    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            counts = {
                m.__name__: conn.execute(select(func.count()).select_from(m)).scalar()
                for m in (Agency, User, Checkpoint, Submission)
            }
    finally:
        engine.dispose()
    assert counts["Agency"] >= 14 and counts["User"] > 2 * counts["Agency"]
    assert counts["Checkpoint"] > 500 and counts["Submission"] > 100
