"""Request bodies for `make bench`: a ~2 KB chat request, and real agents' requests from the dev traces."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from regulator.traces.format import iter_trace, read_labels

TRACES = Path(__file__).resolve().parent.parent.parent / "shared" / "traces" / "dev"
CALLS = TRACES / "calls.jsonl.gz"
MODEL = "gpt-4o-mini"


def small_body(stream: bool = False) -> bytes:
    filler = "Please summarise the following build log. " * 40
    body = {
        "model": MODEL,
        "max_tokens": 64,
        "stream": stream,
        "messages": [
            {"role": "system", "content": "You are a concise assistant."},
            {"role": "user", "content": filler[:1900]},
        ],
    }
    return orjson.dumps(body)


def streamed(body: bytes) -> bytes:
    return orjson.dumps({**orjson.loads(body), "stream": True})


@dataclass
class TraceWorkloads:
    """`largest`: the biggest requests of the traces (~300 KB and up), each on its own.
    `sessions`: whole productive sessions of real-agent size, every call in order, so the gateway
    threads them and the detectors see each call's new messages as they would live."""

    largest: list[bytes] = field(default_factory=list)
    sessions: list[list[bytes]] = field(default_factory=list)

    @property
    def session_calls(self) -> int:
        return sum(len(s) for s in self.sessions)

    @property
    def session_mean_bytes(self) -> float:
        calls = self.session_calls
        return sum(len(b) for s in self.sessions for b in s) / calls if calls else 0.0


def _body(messages: object) -> bytes:
    return orjson.dumps({"model": MODEL, "max_tokens": 256, "messages": messages})


def load_traces(largest: int = 40, min_bytes: int = 200_000, session_calls: int = 600) -> TraceWorkloads:
    """Two passes over the dev traces (a few seconds each); empty when they are not beside the checkout."""
    if not CALLS.exists():
        return TraceWorkloads()
    labels = read_labels(TRACES / "labels.jsonl") if (TRACES / "labels.jsonl").exists() else {}
    big: list[tuple[int, bytes]] = []
    sizes: dict[str, list[int]] = {}
    for call in iter_trace([CALLS]):
        body = _body(call.messages)
        if len(body) >= min_bytes:
            heapq.heappush(big, (len(body), body))
            if len(big) > largest:
                heapq.heappop(big)
        label = labels.get(call.session)
        if label is not None and label.label == "productive":
            sizes.setdefault(call.session, []).append(len(body))
    # Sessions whose requests are the size of a real agent's (the seed fleet averaged ~300 KB),
    # largest first, until the call budget is spent; a second pass keeps only their bodies.
    chosen: set[str] = set()
    calls = 0
    for session, lengths in sorted(sizes.items(), key=lambda item: -sum(item[1]) / len(item[1])):
        if calls >= session_calls:
            break
        chosen.add(session)
        calls += len(lengths)
    sessions: dict[str, list[bytes]] = {}
    for call in iter_trace([CALLS]):
        if call.session in chosen:
            sessions.setdefault(call.session, []).append(_body(call.messages))
    return TraceWorkloads([body for _, body in sorted(big, reverse=True)], list(sessions.values()))
