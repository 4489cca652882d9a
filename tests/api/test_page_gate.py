"""Heavy pages behind a bounded queue: a full queue answers 503 with Retry-After and a Vietnamese page."""

import asyncio

from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.pool import QueuePool

from api.app import create_app
from api.limits import PageGate
from tests.api.conftest import TODAY


def test_gate_gives_turns_then_refuses_until_one_is_given_back():
    async def scenario() -> list[bool]:
        gate = PageGate(slots=2, queue=0, wait_s=0)
        taken = [await gate.enter(), await gate.enter(), await gate.enter()]
        gate.leave()
        taken.append(await gate.enter())
        return taken + [gate.refused == 1]

    assert asyncio.run(scenario()) == [True, True, False, True, True]


def test_a_waiting_request_gets_the_turn_given_back():
    async def scenario() -> tuple[bool, int]:
        gate = PageGate(slots=1, queue=1, wait_s=30)
        await gate.enter()
        waiter = asyncio.create_task(gate.enter())
        await asyncio.sleep(0)  # let it queue (no time passes on the clock that matters)
        queued = gate.waiting
        gate.leave()
        return await waiter, queued

    assert asyncio.run(scenario()) == (True, 1)


def test_the_desk_sheds_load_with_503_retry_after_and_a_vietnamese_page(client, world, app):
    gate: PageGate = app.state.page_gate
    gate.queue = 0  # no waiting room: a full gate refuses at once
    for _ in range(gate.slots):  # every turn taken, as by slow pages in flight
        assert client.portal.call(gate.enter)
    busy = client.get("/desk", headers=world.headers("secretariat"))
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == str(app.state.settings.retry_after_s)
    assert "Hệ thống đang bận" in busy.text and "Vui lòng thử lại sau" in busy.text
    assert client.get("/inbox", headers=world.headers("focal_syt")).status_code == 200  # light pages serve
    client.portal.call(gate.leave)
    assert client.get("/desk", headers=world.headers("secretariat")).status_code == 200


def test_an_exhausted_connection_pool_answers_503_not_500(settings, engine, world):
    # a pool of one connection that waits no time; the test holds that connection
    tiny = create_engine(engine.url, poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=0.01)
    if engine.dialect.name == "sqlite":
        tiny = create_engine(
            engine.url,
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=0.01,
            connect_args={"check_same_thread": False},
        )
    held = tiny.connect()
    try:
        with TestClient(create_app(settings, tiny, today=TODAY)) as client:
            response = client.get("/plans", headers=world.headers("secretariat"))
            assert response.status_code == 503 and response.headers["Retry-After"]
            assert "quá tải" in response.text
            api = client.get("/api/v1/checkpoints", headers=world.headers("secretariat"))
            assert api.status_code == 503 and api.json()["code"] == "server.db_busy"
    finally:
        held.close()
        tiny.dispose()
