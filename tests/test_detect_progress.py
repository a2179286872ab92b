"""No progress ramps faster when three signals agree: nothing new, re-requests, no action between."""

from __future__ import annotations

import random

from detect_support import ScriptedSession
from regulator.detect.base import Finding
from regulator.detect.progress import NoProgressDetector

WORDS = [
    "invoice",
    "ledger",
    "account",
    "period",
    "total",
    "amount",
    "currency",
    "rate",
    "tax",
    "line",
    "item",
    "customer",
    "order",
    "payment",
]


def _module(rng: random.Random, functions: int = 6) -> str:
    lines = []
    for _ in range(functions):
        name = "_".join(rng.sample(WORDS, 2))
        lines += [f"def {name}(rows, *, limit=None):", f"    return [r for r in rows if r.{rng.choice(WORDS)}]", ""]
    return "\n".join(lines)


def _run(script: list[tuple[str, str]], style: str = "text") -> list[list[Finding]]:
    detector = NoProgressDetector()
    session = ScriptedSession(style=style)
    return [detector.observe(session.call(command, output)) for command, output in script]


def _rereads(rng: random.Random, files: dict[str, str], turns: int) -> list[tuple[str, str]]:
    viewers = ["cat {p}", "nl -ba {p}", "head -n 80 {p}", "sed -n '1,80p' ./{p}"]
    script = []
    for _ in range(turns):
        path = rng.choice(list(files))
        script.append((rng.choice(viewers).format(p=path), files[path]))
    return script


def test_rereading_known_files_without_acting_ramps_fast_and_says_why() -> None:
    rng = random.Random(1)
    files = {f"pkg/{name}.py": _module(rng) for name in ("orders", "ledger", "tax")}
    reads = [(f"cat {path}", text) for path, text in files.items()]
    found = _run(reads + _rereads(rng, files, 10))
    severities = [max((f.severity for f in fs), default=0.0) for fs in found]
    # Three first reads bring news; the re-reads' results arrive one call later.
    assert severities[:7] == [0.0] * 7
    assert severities[7] == 0.5 and severities[9] >= 0.8  # 4 re-reads: 0.5, then 0.15 a result
    evidence = found[9][0].evidence
    assert "re-requested what the agent had already asked for" in evidence and "no action in between" in evidence


def test_an_edit_between_rereads_keeps_the_slow_ramp() -> None:
    rng = random.Random(2)
    files = {f"pkg/{name}.py": _module(rng) for name in ("orders", "ledger", "tax")}
    reads = [(f"cat {path}", text) for path, text in files.items()]
    rereads = _rereads(rng, files, 10)
    script = reads + rereads[:2] + [("sed -i 's/limit=None/limit=10/' pkg/orders.py", "")] + rereads[2:]
    found = _run(script, style="openai")
    severities = [max((f.severity for f in fs), default=0.0) for fs in found]
    assert max(severities) <= 0.8  # 0.1 a result from a run of six: no faster than before
    assert not any("no action in between" in f.evidence for fs in found for f in fs)


def test_reading_new_files_that_look_alike_is_not_a_re_request() -> None:
    rng = random.Random(3)
    text = _module(rng)
    # Generated modules that share most lines: little news, but every file is one not named before.
    script = [(f"cat pkg/generated_{i}.py", text) for i in range(12)]
    found = _run(script, style="anthropic")
    assert not any("re-requested" in f.evidence for fs in found for f in fs)
    first = next(i for i, fs in enumerate(found) if fs)
    assert first == 7 and found[first][0].severity == 0.5  # the slow ramp: a run of six, results a call late


RUFF_CLEAN = "All checks passed!\nFound 0 errors in 10 files checked, 0 warnings, 0 fixable with the `--fix` option."
RUFF_FAILING = "src/pkg/a.py:1:1: F401 `os` imported but unused\nFound 1 error.\n[*] 1 fixable with the `--fix` option."


def _refactor(check_output: str) -> list[tuple[str, str]]:
    """A rename across ten files, the same lint after each edit."""
    script = [("grep -rln 'limit=None' pkg", "\n".join(f"pkg/mod_{i}.py" for i in range(10)))]
    for i in range(10):
        script += [(f"sed -i 's/limit=None/max_rows=None/' pkg/mod_{i}.py", ""), ("ruff check .", check_output)]
    return [*script, ("git status --short", " M pkg/mod_0.py")]


def test_the_same_clean_check_after_each_new_edit_of_a_refactor_is_no_lack_of_progress() -> None:
    assert not any(_run(_refactor(RUFF_CLEAN)))
    # The same check failing the same way after every edit: the edits change nothing it sees.
    assert any(_run(_refactor("exit code 1\n" + RUFF_FAILING)))


def test_an_edit_tools_answer_is_an_acknowledgement_not_a_result_that_repeats_what_was_read() -> None:
    # Claude Code answers each Edit with a numbered snippet around the change: all lines but one known.
    lines = _module(random.Random(5), functions=12).splitlines()
    detector = NoProgressDetector()
    session = ScriptedSession(style="anthropic")
    found = [
        detector.observe(session.call("", "\n".join(lines), tool="Read", arguments={"file_path": "pkg/orders.py"}))
    ]
    for k in range(1, 30, 3):
        old, new = lines[k], lines[k].replace("return", "return tuple(") + ")"
        lines[k] = new
        snippet = "\n".join(f"{n + 1:6}\t{line}" for n, line in enumerate(lines) if abs(n - k) <= 7)
        answer = "The file pkg/orders.py has been updated. Here's the result of running `cat -n` on a snippet "
        answer += f"of the edited file:\n{snippet}"
        fields = {"file_path": "pkg/orders.py", "old_string": old, "new_string": new}
        found.append(detector.observe(session.call("", answer, tool="Edit", arguments=fields)))
    found.append(detector.observe(session.call("git status --short", " M pkg/orders.py", tool="Bash")))
    assert not any(found)
