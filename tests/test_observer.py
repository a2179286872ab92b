"""The detection worker's backlog is bounded by its events' size as well as their number."""

from __future__ import annotations

from regulator.detect.registry import build_detectors
from regulator.events import CallEvent, CallRecord, Usage
from regulator.policy.supervisor import Supervisor
from regulator.proxy.observer import DetectionWorker


def event(prompt_tokens: int) -> CallEvent:
    record = CallRecord(
        call_id="c",
        ts=0.0,
        org="o",
        fleet="f",
        agent="a",
        session="s",
        model="m",
        upstream="u",
        dialect="openai",
        endpoint="chat",
    )
    record.usage = Usage(input_tokens=prompt_tokens)
    return CallEvent(record=record, seq=0, messages=[], new_from=0, response=None)


def test_a_worker_behind_on_long_prompts_drops_events_past_its_byte_budget() -> None:
    worker = DetectionWorker(Supervisor(build_detectors()), max_backlog=10_000, max_backlog_bytes=1_000_000)
    for _ in range(10):  # not started: everything waits; 10 × ~100 KB fit, more do not
        worker.submit(event(24_000))
    assert worker.dropped == 0
    worker.submit(event(24_000))
    assert worker.dropped == 1
    worker.start()
    worker.stop()  # the worker drained the queue: its budget is free again
    worker.submit(event(24_000))
    assert worker.dropped == 1
