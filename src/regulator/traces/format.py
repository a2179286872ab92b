"""Reading and writing traces (docs/trace-format.md, version 1).

A trace line may store only the tail of its conversation (`request.messages_from`): the reader
rebuilds the full `messages` from the previous call of the same session, so it keeps the last
real `messages` of each session it has seen, nothing more. Rebuilt lists are new lists whose
message dicts are shared with the previous call's: consumers must treat messages as read-only.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, cast

import orjson

from regulator.types import Dialect

FORMAT_VERSION = 1
LABELS_FILE = "labels.jsonl"

LabelKind = Literal["productive", "failed", "loop"]


class TraceFormatError(ValueError):
    """A trace line that does not follow docs/trace-format.md; the message names the file and line."""


@dataclass(slots=True)
class TraceCall:
    """One LLM call of a trace, with its request's `messages` complete.

    `new_from` is the index of the first message the previous call of this session did not send
    (0 for a session's first call): what the detectors call `CallEvent.new_from`.
    """

    session: str
    agent: str
    seq: int
    ts: float
    dialect: Dialect
    request: dict[str, Any]
    response: dict[str, Any]
    latency_ms: float | None = None
    status: int = 200
    new_from: int = 0
    position: int = 0  # the call's place in the whole trace (its files' non-empty lines, counted from 0)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return cast(list[dict[str, Any]], self.request.get("messages") or [])


@dataclass(slots=True, frozen=True)
class Label:
    session: str
    label: LabelKind
    loop_from_seq: int | None = None
    family: str = ""
    resolved: bool | None = None


def _open_text(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _common_prefix(previous: list[dict[str, Any]], current: list[dict[str, Any]]) -> int:
    limit = min(len(previous), len(current))
    i = 0
    # Identity first: rebuilt lists share dicts, so most comparisons never look at content.
    while i < limit and (previous[i] is current[i] or previous[i] == current[i]):
        i += 1
    return i


def _parse_line(
    raw: bytes, where: str, last_messages: dict[str, list[dict[str, Any]]], keep: Callable[[str], bool] | None
) -> TraceCall | None:
    try:
        line = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise TraceFormatError(f"{where}: not JSON ({exc})") from exc
    if not isinstance(line, dict):
        raise TraceFormatError(f"{where}: expected a JSON object")
    version = line.get("v", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise TraceFormatError(f"{where}: format version {version!r}, this reader knows {FORMAT_VERSION}")
    try:
        session = str(line["session"])
        request = line["request"]
        seq = int(line["seq"])
    except (KeyError, TypeError, ValueError) as exc:
        raise TraceFormatError(f"{where}: missing or bad key {exc}") from exc
    if not isinstance(request, dict):
        raise TraceFormatError(f"{where}: request must be an object")
    if keep is not None and not keep(session):
        return None
    dialect = line.get("dialect", "openai")
    if dialect not in ("openai", "anthropic"):
        raise TraceFormatError(f"{where}: unknown dialect {dialect!r}")

    tail = request.get("messages") or []
    previous = last_messages.get(session)
    if "messages_from" in request:
        keep = request.pop("messages_from")
        if previous is None:
            raise TraceFormatError(f"{where}: messages_from in the first call of session {session!r}")
        if not isinstance(keep, int) or not 0 <= keep <= len(previous):
            raise TraceFormatError(
                f"{where}: messages_from {keep!r} outside the previous call's {len(previous)} messages"
            )
        messages = previous[:keep] + tail
        new_from = keep
    else:
        messages = tail
        new_from = 0 if previous is None else _common_prefix(previous, messages)
    request["messages"] = messages
    last_messages[session] = messages

    latency = line.get("latency_ms")
    return TraceCall(
        session=session,
        agent=str(line.get("agent", "")),
        seq=seq,
        ts=float(line.get("ts", 0.0)),
        dialect=dialect,
        request=request,
        response=line.get("response") or {},
        latency_ms=None if latency is None else float(latency),
        status=int(line.get("status", 200)),
        new_from=new_from,
    )


def trace_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The trace files named, a directory standing for the `.jsonl`/`.jsonl.gz` files in it.

    `labels.jsonl` is an evaluation set's answer key, not calls, so a directory's is skipped.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.name.endswith((".jsonl", ".jsonl.gz")) and p.name != LABELS_FILE
        )
        if not found:
            raise TraceFormatError(f"{path}: a directory with no trace files (*.jsonl or *.jsonl.gz) in it")
        files.extend(found)
    return files


def iter_trace(
    paths: Iterable[str | os.PathLike[str]], keep: Callable[[str], bool] | None = None
) -> Iterator[TraceCall]:
    """Every call of the given trace files or directories, in file then line order.

    With `keep`, only the calls of the sessions it keeps (the others are checked, not rebuilt).
    """
    # Shared across files so a session split over several (rotated) files still decodes.
    last_messages: dict[str, list[dict[str, Any]]] = {}
    position = 0
    for path in trace_files(paths):
        with _open_text(path) as stream:
            for number, raw in enumerate(stream, 1):
                if not raw.strip():
                    continue
                call = _parse_line(raw, f"{path}:{number}", last_messages, keep)
                if call is not None:
                    call.position = position
                    yield call
                position += 1


def read_labels(path: str | os.PathLike[str]) -> dict[str, Label]:
    """`labels.jsonl`: one label per session."""
    labels: dict[str, Label] = {}
    with _open_text(Path(path)) as stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            try:
                line = orjson.loads(raw)
                label = Label(
                    session=str(line["session"]),
                    label=line["label"],
                    loop_from_seq=line.get("loop_from_seq"),
                    family=str(line.get("family") or ""),
                    resolved=line.get("resolved"),
                )
            except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                raise TraceFormatError(f"{path}:{number}: bad label line ({exc})") from exc
            if label.label not in ("productive", "failed", "loop"):
                raise TraceFormatError(f"{path}:{number}: unknown label {label.label!r}")
            labels[label.session] = label
    return labels


@dataclass
class TraceWriter:
    """Writes calls as trace lines, delta-encoding each conversation against its previous call.

    Keeps the last `messages` of each open session; `forget(session)` drops it (the next call of
    that session is then written whole), so a long-running writer does not grow without bound.
    """

    path: Path
    _file: IO[bytes] = field(init=False, repr=False)
    _stream: IO[bytes] = field(init=False, repr=False)
    _last: dict[str, list[dict[str, Any]]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        # Long-lived stream owned by the writer, closed by close() / the context manager.
        # Live traffic, redacted or not, is the owner's alone.
        self._file = open(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")  # noqa: SIM115
        if self.path.name.endswith(".gz"):
            self._stream = cast(IO[bytes], gzip.GzipFile(fileobj=self._file, mode="ab"))
        else:
            self._stream = self._file

    def write(self, call: TraceCall) -> None:
        messages = call.messages
        previous = self._last.get(call.session)
        request = dict(call.request)
        request.pop("messages_from", None)
        if previous:
            keep = _common_prefix(previous, messages)
            if keep:
                request["messages_from"] = keep
                request["messages"] = messages[keep:]
        self._last[call.session] = messages
        line: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "session": call.session,
            "agent": call.agent,
            "seq": call.seq,
            "ts": call.ts,
            "dialect": call.dialect,
            "request": request,
            "response": call.response,
        }
        if call.latency_ms is not None:
            line["latency_ms"] = call.latency_ms
        if call.status != 200:
            line["status"] = call.status
        self._stream.write(orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))

    def forget(self, session: str) -> None:
        self._last.pop(session, None)

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()
        self._file.close()  # a GzipFile leaves the file it wraps open

    def __enter__(self) -> TraceWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
