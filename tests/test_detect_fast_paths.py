"""The detectors' fast paths decide exactly what the plain forms they stand for decide.

Guards skip a pattern only where it cannot match; a pattern rewritten so the regex engine has a
first character to skip to matches the same text; shell words read by one pattern are shlex's;
steps, shingle hashes and normalised commands are computed once and shared, in bounded caches.
"""

from __future__ import annotations

import importlib
import re
import shlex

import pytest
import typer
from hypothesis import example, given, settings
from hypothesis import strategies as st

from detect_support import ScriptedSession
from regulator.cli import main as cli_main
from regulator.detect import normalise, progress, steps, waiting
from regulator.detect.seen import stable_hash, stable_hashes
from regulator.detect.steps import StepTracker

# Pieces texts are made of: what the patterns look for, what they must not be fooled by, and the
# characters a case-blind pattern matches for `i`, `s` and `k` (`İ`, `ı`, `ſ`, the Kelvin sign).
_PIECES = [
    *("0", "1", "9", "12", "2024", "123456", "a", "f", "F", "x", "g", "-", ":", ".", ",", "(", ")", "[", "]"),
    *("_", "=", "#", "/", "'", '"', "T", "Z", "e", "s", "m"),
    *("deadbeef", "0x", "ms", "µs", "us", "in", "IN", "took", "Time:", "elapsed", "after", "line ", ".py:", ".rb:"),
    *("pid", "Pid", "PORT", "process", "proceſs", "ıd", "İD", "request", "req", "/tmp/", "/var/tmp/", "tmp"),
    *(" ", "  ", "\t", "\n", "\r\n", "\xa0", "\x0b", "\x1c", "→", "…", "é", "٣", "İ", "ı", "ſ", "K"),
]
_WAIT_PIECES = [
    *("health", "HEALTH", "Ready", "readyz", "livez", "ping", "PİNG", "pıng", "pg_isready", "redis-cli"),
    *("mysqladmin", "nc", "NC", "-z", "-vz", "systemctl", "is-active", "ıs-actıve", "boot_completed", "localhost"),
    *("127.0.0.1", "http://", "/", ":", "8080", "starting", "STARTİNG", "Pending", "pendıng", "queued"),
    *("in progress", "in_progress", "initialising", "not yet ready", "0/3 ready", "waiting for", "waıting for"),
    *("deploying", "rolling out", "ſcheduled", "creating", "% of", "% complete", "41", " ", "\n", "x", "ſ", "K"),
]


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=24).map("".join)


# Volatile text of every kind, one kind a text, which random pieces seldom put together.
_VOLATILE_TEXTS = [
    "2024-05-01T10:00:01.123Z",
    "at 12:30:45,120",
    "123E4567-E89B-12D3-A456-426614174000",
    "123e4567-e89b-12d3-a456-426614174000",
    "object at 0x7F3A2B1C",
    "/tmp/pytest-of-root/tmpab12cd",
    "pid=4242",
    "RequestId: 4F2AB",
    "finished in 1.53s",
    "took\n1.5",
    "Elapsed: 3.5",
    "ok (775ms)",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "٣٣٣٣ items",
    "1.5\x1cms",
]


def _assert_no_guard_skips_a_match(text: str) -> None:
    lowered = text.lower()
    for pattern, _, guards, needs in normalise._VOLATILE:
        if pattern.search(text) is not None:
            assert not guards or any(guard in lowered for guard in guards), pattern.pattern
            assert all(need.search(text) is not None for need in needs), pattern.pattern


@pytest.mark.parametrize("text", _VOLATILE_TEXTS)
def test_no_guard_skips_a_pattern_on_the_text_it_is_for(text: str) -> None:
    assert normalise._mask(text) != text.replace('"', "'")  # each is volatile
    _assert_no_guard_skips_a_match(text)


@settings(max_examples=400, deadline=None)
@given(_texts(_PIECES))
def test_no_guard_skips_a_pattern_that_would_have_matched(text: str) -> None:
    _assert_no_guard_skips_a_match(text)


@settings(max_examples=400, deadline=None)
@given(_texts(_PIECES))
@example(" ".join(_VOLATILE_TEXTS))
def test_patterns_given_a_first_character_match_what_their_plain_forms_match(text: str) -> None:
    plain = {
        r"\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b": r"\d(?<=\b\d)\d:\d\d:\d\d(?:[.,]\d+)?\b",
        r"(?i)\b(pid|process|port)([ =:#]+)\d+": r"([pP](?<=\b[pP])(?i:id|rocess|ort))([ =:#]+)\d+",
        r"\b(?:[0-9a-fA-F]{7,}|\d{4,})\b": normalise._LONG_TOKENS.pattern,
        r"(\bline |\.[A-Za-z][A-Za-z0-9]{0,4}:)\d+": normalise._LINE_NUMBER.pattern,
    }
    for slow, fast in plain.items():
        assert [m.span() for m in re.finditer(slow, text)] == [m.span() for m in re.finditer(fast, text)], fast
    if text.isascii():
        assert normalise._ASCII_LONG_TOKENS.sub("#", text) == normalise._LONG_TOKENS.sub("#", text)
    gutters = re.compile(r"^[ \t]*\d+(?:\t|→|[:-](?=[ \t])|:(?=[^\d\s]))", re.M)
    assert normalise._GUTTER.sub("\n", "\n" + text)[1:] == gutters.sub("", text)


@settings(max_examples=400, deadline=None)
@given(_texts([*_PIECES, "'", "\\", "\\\\", "''", '""', ";", "|"]))
def test_shell_words_are_shlex_words(command: str) -> None:
    try:
        expected = shlex.split(command, posix=True)
    except ValueError:
        expected = command.split()  # what shlex refuses (an open quote) is read as plain words
    assert normalise._tokens(command) == expected


def test_whitespace_is_collapsed_as_a_regex_of_whitespace_would() -> None:
    text = " a\t\tb \xa0 c\u2028d\x1c e \n"
    assert normalise.normalise(text) == re.sub(r"\s+", " ", normalise._mask(text)).strip()


_PROBES_AND_STATES = [
    "curl -sf http://localhost:8080/healthz",
    "curl http://api.internal/ping",
    "redis-cli -h cache ping",
    "mysqladmin -h db ping",
    "pg_isready -h db",
    "nc -vz db 5432",
    "systemctl is-active nginx",
    "adb shell getprop sys.boot_completed",
    "curl 127.0.0.1:9000/livez",
    "(health: starting)",
    "pod/api-1 0/3 ready",
    "Status: Pending",
    "job is queued",
    "deploy in_progress",
    "[41% of 318 built]",
    "waiting for the database",
    "rolling out",
]


def _assert_waiting_guards_pass_what_matches(text: str) -> None:
    if waiting._PROBE.search(text) is not None:
        assert waiting._may_match(text, waiting._PROBE_NEEDS)
    if waiting._IN_TRANSITION.search(text) is not None:
        assert waiting._may_match(text, waiting._TRANSITION_NEEDS)


@pytest.mark.parametrize("text", _PROBES_AND_STATES)
def test_waiting_guards_pass_each_probe_and_state(text: str) -> None:
    assert waiting._PROBE.search(text) or waiting._IN_TRANSITION.search(text)
    _assert_waiting_guards_pass_what_matches(text)


@settings(max_examples=300, deadline=None)
@given(_texts(_WAIT_PIECES))
def test_waiting_guards_skip_only_texts_the_patterns_cannot_match(text: str) -> None:
    _assert_waiting_guards_pass_what_matches(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=100))
def test_a_result_says_something_as_its_words_count(text: str, action: str) -> None:
    words = re.findall(r"\w+", re.sub(r"</?\w+>", " ", text))
    said = set(re.findall(r"\w+", action))
    unsaid = [word for word in words if word not in said] if action else words
    assert steps._says_something.__wrapped__(text, action) == (len(unsaid) >= 8)


def test_every_tracker_gets_the_steps_of_a_call_once_made() -> None:
    session = ScriptedSession()
    first, second = StepTracker(), StepTracker()
    events = [session.call("pytest -q", "1 failed"), session.call("cat a.py", "x = 1"), session.call("ls", "a.py")]
    for event in events:
        mine, theirs = first.advance(event), second.advance(event)
        assert mine is theirs  # the same Step objects: whatever is cached on them is shared
    late = StepTracker()  # a tracker that missed the earlier calls pairs no action with the result
    assert [step.action for step in late.advance(events[-1])] == [None]
    assert [step.command for step in first.advance(session.call("ls", ""))] == ["ls"]


def test_a_tracker_that_forgot_a_session_gets_its_own_steps() -> None:
    session = ScriptedSession()
    first, second = StepTracker(), StepTracker()
    for event in (session.call("make", "ok"), session.call("make test", "1 failed")):
        first.advance(event)
        second.advance(event)
    second.forget(session.session)
    event = session.call("ls", "a.py")
    mine, theirs = first.advance(event), second.advance(event)
    assert mine is not theirs
    assert [step.command for step in mine] == ["make test"] and [step.command for step in theirs] == [""]


def test_shingle_hashes_are_the_stable_hashes_of_each_shingle() -> None:
    texts = ["a b c d", "naïve \ud800 x", ""]
    assert stable_hashes(texts) == [stable_hash(text) for text in texts]
    words, hashes = progress._result_shingles(("one two three four five", "ok"))
    assert words == 6
    assert hashes == stable_hashes(["one two three four", "two three four five", "ok"])


def test_the_caches_are_bounded() -> None:
    sizes = [
        normalise.normalise.cache_info().maxsize,
        progress._line_shingles.cache_info().maxsize,
        steps._lines.cache_info().maxsize,
        steps._says_something.cache_info().maxsize,
    ]
    assert all(size is not None and size <= 8192 for size in sizes)


def test_a_command_registers_only_its_module_and_every_command_is_known() -> None:
    for module in cli_main._MODULES:
        app = typer.Typer()
        importlib.import_module(f"regulator.cli.{module}").register(app)
        names = [command.name for command in app.registered_commands]
        names += [group.name for group in app.registered_groups]
        assert names, module
        for name in names:
            assert name is not None and cli_main._MODULE_OF[name] == module, name
