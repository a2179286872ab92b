from __future__ import annotations

import threading

from regulator.events import Standing
from regulator.policy.standing import StandingBook


def test_a_pause_the_detection_thread_sets_mid_verdict_is_not_lost_to_an_expired_cool_down() -> None:
    """The request path reads standing while the detection thread writes it. The clock is read in the
    middle of a verdict, after the expired cool-down was found: the detection thread is made to run
    exactly there (a real second thread, handed control and waited for), 1,000 times."""
    now = 1000.0
    writer_turn, writer_done = threading.Event(), threading.Event()
    stop = False

    def clock() -> float:
        writer_turn.set()  # the reader is preempted here ...
        writer_done.wait()  # ... until the detection thread has made its change
        writer_done.clear()
        return now

    book = StandingBook(clock=clock)

    def detection_thread() -> None:
        while True:
            writer_turn.wait()
            writer_turn.clear()
            if stop:
                return
            book.set(Standing("agent", "a", "paused", "loop"))
            writer_done.set()

    writer = threading.Thread(target=detection_thread)
    writer.start()
    lost = 0
    try:
        for _ in range(1000):
            book.set(Standing("agent", "a", "paused", "cool-down", until_ts=now - 1))
            book.verdict("a", "s1")
            kept = book.get("agent", "a")
            lost += kept is None or kept.until_ts is not None
    finally:
        stop = True
        writer_turn.set()
        writer.join()
    assert lost == 0, f"a fresh pause was dropped in {lost} of 1000 runs"


def test_an_expired_cool_down_reads_as_active() -> None:
    clock = [1000.0]
    book = StandingBook(clock=lambda: clock[0])
    book.set(Standing("session", "s1", "paused", "cool-down", until_ts=1010.0))
    assert book.verdict("a", "s1").refused
    clock[0] = 1011.0
    assert book.verdict("a", "s1").state == "active"
    assert not book.verdict("a", "s1").refused


def test_a_fleet_or_org_standing_holds_every_agent_beneath_it_and_names_itself() -> None:
    book = StandingBook(clock=lambda: 1000.0)
    book.set(Standing("fleet", "coders", "paused", "runaway fleet"))
    paused = book.verdict("a1", "s1", fleet="coders", org="acme")
    assert paused.refused and (paused.scope_kind, paused.scope_name) == ("fleet", "coders")
    assert book.verdict("a2", "s2", fleet="writers", org="acme").state == "active"
    book.set(Standing("org", "acme", "killed", "org stop"))
    assert book.verdict("a2", "s2", fleet="writers", org="acme").state == "killed"
    assert book.verdict("a1", "s1", fleet="coders", org="acme").state == "killed", "the stronger state wins"
    book.resume("org", "acme")
    book.resume("fleet", "coders")
    assert book.verdict("a1", "s1", fleet="coders", org="acme").state == "active"


def test_a_pause_for_a_while_lifts_by_itself_and_the_sweep_drops_it_from_the_store() -> None:
    clock = [1000.0]
    book = StandingBook(clock=lambda: clock[0])
    book.set(Standing("fleet", "coders", "paused", "for 5s", until_ts=1005.0))
    book.set(Standing("agent", "a9", "paused", "no expiry"))
    assert book.verdict("a1", "s1", fleet="coders").refused
    assert book.expire() == 0 and len(book.store.get_standing_all()) == 2
    clock[0] = 1005.0
    assert not book.verdict("a1", "s1", fleet="coders").refused
    assert book.expire() == 1
    assert book.get("fleet", "coders") is None
    assert [s.name for s in book.store.get_standing_all()] == ["a9"]
    assert book.verdict("a9", "s9").refused


def test_standing_of_a_kind_this_version_does_not_know_is_ignored_on_load() -> None:
    book = StandingBook()
    book.store.set_standing(Standing("team", "t", "paused"))  # type: ignore[arg-type]
    book.store.set_standing(Standing("org", "acme", "paused"))
    book.load()
    assert book.verdict("a", "s", org="acme").refused
