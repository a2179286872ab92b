from __future__ import annotations

import gzip
import itertools
from pathlib import Path
from typing import Any

import orjson
import pytest

from regulator.traces.format import Label, TraceCall, TraceFormatError, TraceWriter, iter_trace, read_labels

DEV = Path("/work/shared/traces/dev")


def _line(session: str, seq: int, messages: list[dict[str, Any]], **request: Any) -> dict[str, Any]:
    return {
        "v": 1,
        "session": session,
        "agent": "a1",
        "seq": seq,
        "ts": 1000.0 + seq,
        "dialect": "openai",
        "request": {"model": "gpt-4o", "messages": messages, **request},
        "response": {"usage": {"prompt_tokens": 1, "completion_tokens": 1}},
    }


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    data = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def _m(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": text}


def test_delta_encoding_rebuilds_from_previous_real_messages_with_interleaved_sessions(
    tmp_path: Path,
) -> None:
    lines = [
        _line("s1", 0, [_m("system", "S"), _m("user", "u0")]),
        _line("s2", 0, [_m("user", "other")]),
        _line("s1", 1, [_m("assistant", "a0"), _m("user", "u1")], messages_from=2),
        _line("s2", 1, [_m("user", "other2")], messages_from=1),
        # Base is s1's call 1 real messages (4), keeping 3 of them: an edited history.
        _line("s1", 2, [_m("user", "u1-edited")], messages_from=3),
    ]
    calls = list(iter_trace([_write(tmp_path / "t.jsonl", lines)]))
    s1 = [c for c in calls if c.session == "s1"]
    assert [m["content"] for m in s1[1].messages] == ["S", "u0", "a0", "u1"]
    assert [m["content"] for m in s1[2].messages] == ["S", "u0", "a0", "u1-edited"]
    assert [c.new_from for c in s1] == [0, 2, 3]
    assert [m["content"] for m in calls[3].messages] == ["other", "other2"]
    assert "messages_from" not in s1[1].request


def test_gzip_and_several_paths_are_read_in_order(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.jsonl.gz", [_line("s1", 0, [_m("user", "x")])])
    second = _write(tmp_path / "b.jsonl", [_line("s1", 1, [_m("user", "y")], messages_from=1)])
    calls = list(iter_trace([first, str(second)]))
    assert [c.seq for c in calls] == [0, 1]
    assert [m["content"] for m in calls[1].messages] == ["x", "y"]


def test_full_messages_line_gets_new_from_by_common_prefix(tmp_path: Path) -> None:
    lines = [
        _line("s", 0, [_m("user", "u0")]),
        _line("s", 1, [_m("user", "u0"), _m("assistant", "a0"), _m("user", "u1")]),
    ]
    calls = list(iter_trace([_write(tmp_path / "t.jsonl", lines)]))
    assert calls[1].new_from == 1
    assert calls[1].status == 200 and calls[1].latency_ms is None


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([_line("s", 0, [], messages_from=0)], "first call"),
        ([_line("s", 0, [_m("user", "a")]), _line("s", 1, [], messages_from=5)], "outside"),
        ([{**_line("s", 0, []), "v": 2}], "version"),
        ([{**_line("s", 0, []), "dialect": "gemini"}], "dialect"),
    ],
)
def test_malformed_lines_name_the_file_and_line(tmp_path: Path, lines: list[dict[str, Any]], message: str) -> None:
    path = _write(tmp_path / "bad.jsonl", lines)
    with pytest.raises(TraceFormatError, match=message) as info:
        list(iter_trace([path]))
    assert f"{path}:" in str(info.value)


def test_writer_round_trips_and_delta_encodes(tmp_path: Path) -> None:
    convo = [_m("system", "S"), _m("user", "u0")]
    calls = [
        TraceCall("s", "a", 0, 1.0, "openai", {"model": "m", "messages": list(convo)}, {"id": "r0"}),
        TraceCall(
            "s",
            "a",
            1,
            2.0,
            "openai",
            {"model": "m", "messages": [*convo, _m("assistant", "a0"), _m("user", "u1")]},
            {"id": "r1"},
            latency_ms=12.5,
            status=500,
        ),
        TraceCall("s", "a", 2, 3.0, "openai", {"model": "m", "messages": [_m("user", "fresh")]}, {}),
    ]
    path = tmp_path / "out.jsonl"
    with TraceWriter(path) as writer:
        for call in calls:
            writer.write(call)
    raw = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert raw[1]["request"]["messages_from"] == 2 and len(raw[1]["request"]["messages"]) == 2
    assert "messages_from" not in raw[2]["request"]
    back = list(iter_trace([path]))
    assert [c.request for c in back] == [c.request for c in calls]
    assert (back[1].latency_ms, back[1].status) == (12.5, 500)


def test_writer_forget_writes_the_next_call_whole(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.gz"
    with TraceWriter(path) as writer:
        request = {"messages": [_m("user", "u0")]}
        writer.write(TraceCall("s", "a", 0, 1.0, "anthropic", request, {}))
        writer.forget("s")
        writer.write(TraceCall("s", "a", 1, 2.0, "anthropic", {"messages": [_m("user", "u0")]}, {}))
    raw = [orjson.loads(line) for line in gzip.decompress(path.read_bytes()).splitlines()]
    assert "messages_from" not in raw[1]["request"]


@pytest.mark.skipif(not DEV.exists(), reason="dev traces not present")
def test_dev_trace_round_trips_through_the_writer(tmp_path: Path) -> None:
    original = list(itertools.islice(iter_trace([DEV / "calls.jsonl.gz"]), 400))
    path = tmp_path / "copy.jsonl"
    with TraceWriter(path) as writer:
        for call in original:
            writer.write(call)
    copy = list(iter_trace([path]))
    assert [(c.session, c.seq, c.request, c.response) for c in copy] == [
        (c.session, c.seq, c.request, c.response) for c in original
    ]
    assert path.stat().st_size < sum(len(orjson.dumps(c.request)) for c in original) / 3


def test_read_labels(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(
        '{"session":"s1","label":"loop","loop_from_seq":7,"family":"exact-repeat","resolved":null}\n'
        '{"session":"s2","label":"productive","loop_from_seq":null,"family":"real-resolved","resolved":true}\n'
    )
    labels = read_labels(path)
    assert labels["s1"] == Label("s1", "loop", 7, "exact-repeat", None)
    assert labels["s2"].resolved is True
    path.write_text('{"session":"s3","label":"weird"}\n')
    with pytest.raises(TraceFormatError, match="unknown label"):
        read_labels(path)
