"""api/snapshots.py: a heavy view computed once for all who ask within its seconds, dropped by writes."""

import threading

from api.snapshots import MAX_KEYS, Snapshots


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_kept_for_its_seconds_then_read_again():
    clock, calls = Clock(), []
    snapshots = Snapshots(10, clock)
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert snapshots.get("desk", compute).value == 1
    clock.now += 9.9
    assert snapshots.get("desk", compute).value == 1
    assert snapshots.get("other desk", compute).value == 2  # keys are apart
    clock.now += 0.2
    again = snapshots.get("desk", compute)
    assert again.value == 3 and again.taken == clock.now


def test_off_at_zero_seconds():
    calls = []
    snapshots = Snapshots(0, Clock())
    for _ in range(3):
        snapshots.get("desk", lambda: calls.append(1))
    assert len(calls) == 3


def test_a_write_drops_every_snapshot_and_any_being_computed():
    snapshots, calls = Snapshots(10, Clock()), []

    def compute_while_written():
        calls.append(1)
        if len(calls) == 1:
            snapshots.changed()  # a write commits while the first computation reads
        return len(calls)

    assert snapshots.get("desk", compute_while_written).value == 1  # served, but not kept
    assert snapshots.get("desk", compute_while_written).value == 2
    assert snapshots.get("desk", compute_while_written).value == 2
    snapshots.changed()
    assert snapshots.get("desk", compute_while_written).value == 3


def test_many_asking_at_once_wait_for_one_computation():
    snapshots, calls = Snapshots(10, Clock()), []
    started, release = threading.Event(), threading.Event()

    def slow():
        calls.append(1)
        started.set()
        release.wait(5)
        return "desk data"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(snapshots.get("k", slow).value)) for _ in range(8)
    ]
    threads[0].start()
    started.wait(5)
    for t in threads[1:]:
        t.start()
    release.set()
    for t in threads:
        t.join(5)
    assert results == ["desk data"] * 8 and len(calls) == 1


def test_the_oldest_keys_go_beyond_the_bound():
    snapshots, calls = Snapshots(10, Clock()), []
    for key in range(MAX_KEYS + 1):
        snapshots.get(key, lambda: calls.append(1))
    snapshots.get(MAX_KEYS, lambda: calls.append(1))  # still kept
    snapshots.get(0, lambda: calls.append(1))  # dropped first, computed again
    assert len(calls) == MAX_KEYS + 2


def test_past_its_seconds_the_last_is_served_while_one_request_reads_it_again():
    clock = Clock()
    snapshots = Snapshots(10, clock)
    snapshots.get("desk", lambda: "old")
    clock.now += 11
    reading, release, seen = threading.Event(), threading.Event(), []

    def slow_refresh():
        reading.set()
        release.wait(5)
        return "new"

    refresher = threading.Thread(target=lambda: seen.append(snapshots.get("desk", slow_refresh).value))
    refresher.start()
    reading.wait(5)
    assert snapshots.get("desk", lambda: "not asked").value == "old"  # nobody waits on the refresh
    release.set()
    refresher.join(5)
    assert seen == ["new"] and snapshots.get("desk", lambda: "not asked").value == "new"
    clock.now += 25  # older than twice its seconds: waited for, not served
    assert snapshots.get("desk", lambda: "newest").value == "newest"
