"""Cycles recognised through varied spellings, and edit/test loops that progress left alone."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from detect_support import ScriptedSession
from regulator.detect.base import Finding
from regulator.detect.cycles import CycleDetector, _aligned, _numbers, _Token, _written_numbers
from regulator.detect.steps import action_words, is_edit
from regulator.policy.supervisor import load_supervisor

STYLES = ("text", "openai", "anthropic")
TESTS = ("test_empty_input", "test_none_input", "test_single_row", "test_unicode_names")


def pytest_run(rng: random.Random, failing: dict[str, str]) -> str:
    """A pytest report: the same tests collected each time; which fail, why, and the timing vary."""
    marks = "".join("F" if name in failing else "." for name in TESTS)
    lines = [f"tests/test_rows.py {marks}" + " " * 40 + "[100%]", "", "=" * 20 + " FAILURES " + "=" * 20]
    for name, error in failing.items():
        lines += [
            f"_____ {name} _____",
            f"    def {name}():",
            f">       assert parse_rows({name.split('_', 1)[1]!r}) == []",
            f"E       {error}",
            f"tests/test_rows.py:{rng.randint(10, 90)}: AssertionError",
        ]
    lines += ["=" * 10 + " short test summary info " + "=" * 10]
    lines += [f"FAILED tests/test_rows.py::{name} - {error}" for name, error in failing.items()]
    passed = len(TESTS) - len(failing)
    took = f"{rng.uniform(0.2, 3.5):.2f}s"
    lines.append(f"{len(failing)} failed, {passed} passed in {took}" if failing else f"{passed} passed in {took}")
    return "\n".join(lines) + "\n"


def oscillation(rng: random.Random, rounds: int = 6) -> list[tuple[str, str]]:
    """Two fixes that each break the other's test, applied in turn, spelled differently every time."""
    fix = ("if rows is None:", "if not rows:")
    steps: list[tuple[str, str]] = []
    for turn in range(rounds):
        old, new = fix if turn % 2 == 0 else fix[::-1]
        edit = rng.choice(
            [
                f"sed -i 's/{old}/{new}/' rowkit/parse.py",
                f'sed -i "s/{old}/{new}/" ./rowkit/parse.py',
                f"git checkout rowkit/parse.py && sed -i 's/{old}/{new}/' rowkit/parse.py",
                f"cd /testbed && sed -i 's/{old}/{new}/'  rowkit/parse.py",
            ]
        )
        test = rng.choice(
            [
                "python -m pytest tests/test_rows.py -q",
                "pytest -q ./tests/test_rows.py",
                "python -m pytest -x -q tests/test_rows.py",
                "pytest tests/test_rows.py -q 2>&1 | tail -n 40",
            ]
        )
        broken = TESTS[1] if turn % 2 == 0 else TESTS[0]
        steps += [(edit, ""), (test, pytest_run(rng, {broken: "AssertionError: assert None == []"}))]
    return steps


def _findings(script: list[tuple[str, str]], style: str) -> list[list[Finding]]:
    detector = CycleDetector()
    session = ScriptedSession(style=style)
    return [detector.observe(session.call(command, output)) for command, output in script]


def _stopped_at(script: list[tuple[str, str]], style: str) -> int | None:
    supervisor = load_supervisor("default")
    session = ScriptedSession(session=f"cycle-{style}", style=style)
    for seq, (command, output) in enumerate(script):
        if supervisor.verdict(session.agent, session.session, session.ts).refused:
            return seq
        supervisor.observe(session.call(command, output, is_error="failed" in output))
    return None


@pytest.mark.parametrize("style", STYLES)
def test_an_edit_test_revert_cycle_spelled_differently_each_round_is_a_cycle(style: str) -> None:
    rng = random.Random(f"oscillation/{style}")
    found = _findings(oscillation(rng), style)
    first = next(i for i, f in enumerate(found) if f)
    assert first == 8  # two full periods of four are complete at the ninth call
    assert "a cycle of 4 actions" in found[first][0].evidence
    assert found[-1][0].severity > found[first][0].severity


@pytest.mark.parametrize("style", STYLES)
def test_the_supervisor_pauses_a_varied_oscillation_within_three_periods(style: str) -> None:
    stopped = _stopped_at(oscillation(random.Random(f"pause/{style}"), rounds=10), style)
    assert stopped is not None and stopped <= 14


def test_edits_that_each_change_different_text_with_changing_failures_are_no_cycle() -> None:
    rng = random.Random(3)
    failing = {name: f"AssertionError: assert {rng.choice(['None', '0', '[0]'])} == []" for name in TESTS}
    script: list[tuple[str, str]] = []
    for line in range(40, 48):
        script.append((f"sed -i '{line}s/rows/row_list/' rowkit/parse.py", ""))
        if len(failing) > 1 and line % 2:
            failing.pop(next(iter(failing)))
        else:
            name = next(iter(failing))
            failing[name] = f"AssertionError: assert {rng.choice(['None', '0', '[0]', '{}'])} == [] at step {line}"
        script.append(("python -m pytest tests/test_rows.py -q", pytest_run(rng, failing)))
    for style in STYLES:
        assert not any(_findings(script, style))
        assert _stopped_at(script, style) is None


def test_different_edits_meeting_the_same_failure_are_no_cycle() -> None:
    rng = random.Random(4)
    script: list[tuple[str, str]] = []
    for attempt, (old, new) in enumerate([("rows", "row_list"), ("None", "[]"), ("strip()", "split()")]):
        script.append((f"sed -i '{40 + attempt}s/{old}/{new}/' rowkit/parse.py", ""))
        script.append(
            ("pytest tests/test_rows.py -q", pytest_run(rng, {TESTS[0]: "AssertionError: assert None == []"}))
        )
    assert not any(_findings(script, "text"))


def long_round(rng: random.Random, turn: int) -> list[tuple[str, str]]:
    """Eight steps of a stuck debugging round; one of two fixes in turn, and sometimes a look in between."""
    fix = ("return rows or []", "return list(rows)")[turn % 2]
    failing = pytest_run(random.Random(4), {TESTS[2]: "AssertionError: assert 2 == 1"})
    round_ = [
        (f"sed -i 's/return rows/{fix}/' rowkit/parse.py", ""),
        ("python -m pytest tests/test_rows.py -q", failing),
        ("cat rowkit/parse.py", "def parse_rows(rows):\n    if not rows:\n        return []\n    return rows\n" * 3),
        ("git diff rowkit/parse.py", f"-    return rows\n+    {fix}\n"),
        ("git checkout rowkit/parse.py", ""),
        (
            "grep -n parse_rows -r rowkit tests",
            "rowkit/parse.py:1:def parse_rows(rows):\ntests/test_rows.py:3:from rowkit",
        ),
        ("python -m build --wheel", "Successfully built rowkit-0.1.0-py3-none-any.whl"),
        (
            "tail -n 20 build.log",
            "copying rowkit/parse.py -> build/lib/rowkit\nrunning egg_info\nwriting rowkit.egg-info",
        ),
    ]
    if rng.random() < 0.5:
        round_.insert(rng.randrange(1, len(round_)), ("git status --short", " M rowkit/parse.py"))
    return round_


@pytest.mark.parametrize("style", STYLES)
def test_a_cycle_of_eight_with_varied_and_inserted_steps_is_found_early_in_its_third_round(style: str) -> None:
    rng = random.Random(style)
    rounds = [long_round(rng, turn) for turn in range(4)]
    found = _findings([step for round_ in rounds for step in round_], style)
    first = next(i for i, f in enumerate(found) if f)
    assert first <= len(rounds[0]) + len(rounds[1]) + 4, (first, [len(r) for r in rounds])
    # A step slipped in makes a round 8 or 9 steps long; either period is that cycle.
    assert re.match(r"a cycle of [789] actions", found[first][0].evidence)


SUM_FAILS = (
    "exit code 1\nFAILED tests/test_order.py::test_total - AssertionError: assert 3 == 4\n1 failed, 9 passed in 0.52s"
)
ORDER = "def total(items):\n    return round(sum(i.price for i in items), 2)\n\ndef tax(x):\n    return x * RATE\n"
EDIT_ROUNDING = ("sed -i 's/round(s, 2)/round(s, 3)/' src/order.py", "")
RUN_TESTS = ("python -m pytest tests/test_order.py", SUM_FAILS)
SIX_STEPS = [
    ("cat src/order.py", ORDER),
    EDIT_ROUNDING,
    RUN_TESTS,
    (
        "git diff src/order.py",
        "diff --git a/src/order.py b/src/order.py\n-    return round(s, 2)\n+    return round(s, 3)\n",
    ),
    ("git checkout -- src/order.py", ""),
    ("grep -rn 'def total' src/", "src/order.py:1:def total(items):\nsrc/cart.py:12:def total(self):"),
]


def test_a_long_cycle_with_a_step_slipped_in_next_to_a_step_done_differently_is_still_named() -> None:
    # The second round edits another way and checks `git status` right after: two mismatches in a row.
    second = list(SIX_STEPS)
    second[1] = ("python scripts/rewrite_total.py --mode decimal src/order.py", "")
    second.insert(2, ("git status", "On branch main\nChanges not staged for commit:\n  modified: src/order.py\n"))
    found = _findings([*SIX_STEPS, *second, ("ls", "src tests")], "text")
    named = [f for fs in found for f in fs]
    assert named and "a cycle of" in named[0].evidence and "steps varied" in named[0].evidence
    assert "`python -m pytest tests/test_order.py`" in named[0].evidence


def test_the_ways_git_discards_changes_are_one_step_of_a_cycle() -> None:
    reverts = [
        "git checkout -- src/order.py",
        "git restore src/order.py",
        "git stash && git stash drop",
        "git reset --hard",
    ]
    script = [step for revert in reverts for step in (EDIT_ROUNDING, RUN_TESTS, (revert, ""))]
    found = _findings([*script, ("ls", "src tests")], "text")
    first = next(i for i, fs in enumerate(found) if fs)
    assert first == 6  # two rounds of three are complete at the seventh call, however each reverted
    assert "a cycle of 3 actions" in found[first][0].evidence


def test_a_long_cycles_severity_climbs_point_three_per_four_matched_steps() -> None:
    # Eight steps a round, nothing slipped in: named in its second round, then 0.3 per 4 more steps.
    rounds = [[step for step in long_round(random.Random(0), 0) if step[0] != "git status --short"]] * 3
    found = _findings([step for round_ in rounds for step in round_], "text")
    first = next(i for i, fs in enumerate(found) if fs)
    assert re.match(r"a cycle of [5-8] actions", found[first][0].evidence)
    assert found[first + 4][0].severity == pytest.approx(found[first][0].severity + 0.3)


def _token(seq: int, command: str, tool: str = "bash", novel: bool = False, outcome: str = "") -> _Token:
    words = action_words(tool, command)
    edit = is_edit(tool, command)
    numbers = _written_numbers(command) if edit else _numbers(words)
    return _Token(seq, words, outcome, False, command, numbers, edit, novel=novel)


def test_the_walk_stops_at_a_second_step_never_taken_before() -> None:
    # A refactor: a new edit before each clean lint. The first new edit may be a variation of the
    # round, the second is progress: the walk ends there instead of passing it over.
    tokens = []
    for i, edit in enumerate("ABCDE"):
        tokens += [_token(2 * i, f"sed -i 's/{edit}/x/' src/m{i}.py", novel=True), _token(2 * i + 1, "ruff check .")]
    assert _aligned(tokens, 4) == (2, 1)


def test_an_edit_that_changes_a_constant_is_another_edit() -> None:
    # aider's edit blocks, as a tuning agent makes them: only the number differs.
    def edit(seq: int, old: int, new: int) -> _Token:
        block = f'{{"path": "Project.toml", "search": "chunk {old}\\n", "replace": "chunk {new}\\n"}}'
        return _token(seq, block, tool="edit")

    assert not edit(0, 8, 16).same(edit(2, 16, 32))
    assert edit(0, 8, 16).same(edit(4, 8, 16))


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
def test_tuning_a_setting_through_long_numbers_is_no_cycle(style: str) -> None:
    # 1000 → 2000 → 4000 …: normalising makes every long number `<num>`, and the metric's decimals
    # too, so the rounds read alike; the numbers the edits write tell them apart.
    detector, session = CycleDetector(), ScriptedSession(style=style)
    found: list[Finding] = []
    sizes = [500, 1000, 2000, 4000, 8000, 16000, 32000]
    for old, new in itertools.pairwise(sizes):
        found += detector.observe(session.call(f"sed -i 's/batch_size = {old}/batch_size = {new}/' etc/app.conf", ""))
        found += detector.observe(session.call("perl -Ilib bin/reconcile --stats", f"declarations/s: {new / 7:.1f}"))
    assert found == []


@pytest.mark.parametrize("style", ["text", "openai", "anthropic"])
def test_the_same_change_file_after_file_is_no_cycle(style: str) -> None:
    # A rename done file by file, the same build after each: the edits read alike, but each writes
    # another file.
    detector, session = CycleDetector(), ScriptedSession(style=style)
    found: list[Finding] = []
    for path in ("api/zone.go", "api/slope.go", "internal/danger/scale.go", "config/rbac/role.yaml", "cmd/main.go"):
        body = "\tzone.Status.Rating = danger.RateZone(zone.Spec.Observations)"
        found += detector.observe(session.call(f"cat > {path} <<'EOF'\n{body}\nEOF", ""))
        found += detector.observe(session.call("make build", "go build ./...\nok"))
    assert found == []


def test_the_walk_passes_new_edits_once_a_failing_step_has_come_back() -> None:
    # The rounds above, but the check fails the same way after every edit: each new edit meets the
    # failure it was meant to fix, which is no progress. The walk passes the second new edit and
    # ends only where mismatches are no longer a minority.
    failing = "error:compile error E0308 mismatched types"
    tokens = []
    for i, edit in enumerate("ABCDE"):
        tokens += [
            _token(2 * i, f"sed -i 's/{edit}/x/' src/m{i}.py", novel=True),
            _token(2 * i + 1, "cargo build", outcome=failing),
        ]
    assert _aligned(tokens, 4) == (3, 2)


# Compiler errors, one per round where the build changes: each new edit gets another error.
RUST_ERRORS = [
    ("E0308", "mismatched types", "expected `u64`, found `f64`"),
    ("E0277", "cannot add `f64` to `u64`", "no implementation for `u64 + f64`"),
    ("E0599", "no method named `round_to` found for type `f64` in the current scope", "method not found in `f64`"),
    ("E0369", "binary operation `*` cannot be applied to type `Money`", "Money"),
    ("E0425", "cannot find value `cents` in this scope", "not found in this scope"),
    ("E0061", "this function takes 2 arguments but 1 argument was supplied", "an argument is missing"),
]
RUST_EDITS = [
    "sed -i 's/items.iter().sum()/items.iter().sum::<f64>() as u64/' src/order.rs",
    "sed -i 's/let mut total = 0;/let mut total: u64 = 0;/' src/order.rs",
    "sed -i 's/total += item/total += item.round_to(2)/' src/order.rs",
    "sed -i 's/-> u64/-> Money/' src/order.rs",
    "sed -i 's/item.price/item.price * cents/' src/order.rs",
    "sed -i 's/(items: &\\[f64\\])/(items: \\&[f64], rate: f64)/' src/order.rs",
]


def cargo_build(error: int) -> str:
    code, message, note = RUST_ERRORS[error]
    return (
        f"   Compiling shop v0.1.0 (/work/shop)\nerror[{code}]: {message}\n  --> src/order.rs:{14 + error}:9\n"
        f"   |\n   |         ^^^^^ {note}\n\nerror: could not compile `shop` (lib) due to 1 previous error\n"
    )


def new_edit_rounds(build_changes: bool) -> list[tuple[str, str]]:
    """Read the test, a new edit, build, grep, diff: six rounds, a different edit each time."""
    script: list[tuple[str, str]] = []
    for k, edit in enumerate(RUST_EDITS):
        script += [
            (
                "cat tests/order_test.rs",
                "use shop::total;\n#[test]\nfn sums() { assert_eq!(total(&[1.5, 2.5]), 4); }\n",
            ),
            (edit, ""),
            ("cargo build", cargo_build(k if build_changes else 0)),
            ("grep -n 'fn total' -r src", "src/order.rs:12:pub fn total(items: &[f64]) -> u64 {"),
            ("git diff --stat", " src/order.rs | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)"),
        ]
    return [*script, ("ls", "Cargo.toml src tests")]


@pytest.mark.parametrize("style", STYLES)
def test_a_long_cycle_with_a_new_edit_each_round_and_the_same_build_failure_is_a_cycle_that_grows(
    style: str,
) -> None:
    found = _findings(new_edit_rounds(build_changes=False), style)
    named = [fs[0] for fs in found if fs]
    assert named and "cargo build" in named[0].evidence
    # The walk goes on past each round's new edit: the cycle spans every round so far, and its
    # severity climbs to the top instead of starting over at each new edit.
    assert re.match(r"a cycle of [45] actions repeated [5-9]\.\d times", found[-1][0].evidence)
    assert found[-1][0].severity == pytest.approx(0.95)


@pytest.mark.parametrize("style", STYLES)
def test_the_same_long_round_whose_build_fails_differently_each_time_is_progress(style: str) -> None:
    assert not any(_findings(new_edit_rounds(build_changes=True), style))


def flip_flop(rounds: int) -> list[tuple[str, str]]:
    """Edit A, a test fails; edit B, another test fails; edit A again …: back to versions already tried."""
    rng = random.Random(5)
    edits = (
        "sed -i 's/if rows is None:/if not rows:/' rowkit/parse.py",
        "sed -i 's/if not rows:/if rows is None:/' rowkit/parse.py",
    )
    script: list[tuple[str, str]] = []
    for turn in range(rounds):
        broken = {TESTS[turn % 2]: "AssertionError: assert None == []"}
        script += [(edits[turn % 2], ""), ("python -m pytest tests/test_rows.py -q", pytest_run(rng, broken))]
    return [*script, ("ls", "rowkit tests")]


@pytest.mark.parametrize("style", STYLES)
def test_a_short_cycle_that_reapplies_an_edit_already_tried_is_named_at_point_six(style: str) -> None:
    found = _findings(flip_flop(5), style)
    first = next(i for i, fs in enumerate(found) if fs)
    assert first == 8 and "a cycle of 4 actions" in found[first][0].evidence
    assert found[first][0].severity == pytest.approx(0.6)


def test_a_short_cycle_without_an_edit_is_named_at_point_five() -> None:
    # Starting a service that does not come up: nothing re-applied, only tried and looked at again.
    allocated = "Error response from daemon: Bind for 0.0.0.0:8080 failed: port is already allocated"
    rounds = [
        ("cat docker-compose.yml", "services:\n  api:\n    build: .\n    ports: ['8080:8080']\n"),
        ("docker compose up -d api", allocated),
        ("docker logs --tail 20 api", "Error: listen EADDRINUSE: address already in use :::8080"),
    ] * 3
    found = _findings([*rounds, ("ls", "docker-compose.yml src")], "openai")
    first = next(i for i, fs in enumerate(found) if fs)
    assert "a cycle of 3 actions" in found[first][0].evidence
    assert found[first][0].severity == pytest.approx(0.5)


def drifting_round(turn: int, flaky: bool = False) -> list[tuple[str, str]]:
    """Six steps of a stuck round, two fixes in turn: the diff, the read and the log print this round's."""
    fix = ("return rows or []", "return list(rows)")[turn % 2]
    source = f"def parse_rows(rows):\n    if rows is None:\n        {fix}\n    return rows\n"
    got = 6 + turn % 3 if flaky else 6
    failure = (
        f"FAILED tests/test_rows.py::test_single_row - AssertionError: expected {got} items, got {got + 1}\n"
        "1 failed, 3 passed in 0.41s"
    )
    return [
        (f"sed -i 's/return rows/{fix}/' rowkit/parse.py", ""),
        ("python -m pytest tests/test_rows.py -q", failure),
        ("cat rowkit/parse.py", source),
        ("git diff rowkit/parse.py", f"-    return rows\n+    {fix}\n"),
        ("git checkout -- rowkit/parse.py", ""),
        ("git log -1 --stat", f"commit {turn:07x}f3a9\n    wip: try {turn}\n rowkit/parse.py | 2 +-"),
    ]


def _first_named(script: list[tuple[str, str]], drift: bool) -> int | None:
    detector, session = CycleDetector(max_period=10, drift=drift), ScriptedSession(style="text")
    found = [detector.observe(session.call(command, output)) for command, output in script]
    return next((i for i, fs in enumerate(found) if fs), None)


def test_a_long_cycle_whose_diff_and_reads_show_each_rounds_fix_is_named_a_round_sooner() -> None:
    # Two fixes in turn: the edit, the diff, the read and `git log` differ from one round to the
    # next, four steps of six. Strictly compared, most of each round varies and no cycle shows; with
    # the same commands' results left to drift, it is named in its third round (in the second, those
    # results are new, and a second step never taken before ends the walk).
    script = [step for turn in range(4) for step in drifting_round(turn)]
    drifting = _first_named(script, drift=True)
    assert _first_named(script, drift=False) is None
    assert drifting is not None and drifting < 18


def test_a_flaky_failures_drifting_numbers_do_not_hide_a_long_cycle() -> None:
    # The same check fails with other counts each round (`expected 6 items, got 7`, then `7, got 8`).
    script = [step for turn in range(4) for step in drifting_round(turn, flaky=True)]
    drifting = _first_named(script, drift=True)
    assert _first_named(script, drift=False) is None
    assert drifting is not None and drifting < 18


def test_a_bisect_whose_output_drifts_is_no_long_cycle() -> None:
    # Test, `git bisect bad`, test …: the same two commands, each bisect step printing a new revision.
    # Like steps that come back within the round are one step taken again, not a long cycle's.
    failure = "FAILED tests/test_rows.py::test_single_row - AssertionError: assert 2 == 1\n1 failed, 3 passed"
    script: list[tuple[str, str]] = []
    for left in (64, 32, 16, 8, 4, 2, 1):
        script += [
            ("python -m pytest tests/test_rows.py -q", failure),
            ("git bisect bad", f"Bisecting: {left} revisions left to test after this\n[{left:040x}] change {left}"),
        ]
    assert _first_named(script, drift=True) is None


def test_a_parameter_sweep_with_drifting_results_is_no_long_cycle() -> None:
    # Another size each run, the script changed between sweeps: a run is like the same size's run a
    # sweep before, but each result is new, and a second step never taken before ends the walk.
    script: list[tuple[str, str]] = []
    for sweep in range(3):
        script.append((f"sed -i 's/^REPEAT = .*/REPEAT = {3 + sweep}/' sweep.py", ""))
        for k, size in enumerate((50, 100, 500, 1000)):
            verdict = ("fast", "slow", "fails", "ok")[(k + sweep) % 4]
            script.append((f"python sweep.py {size}", f"block size {size} -> {verdict}"))
    assert _first_named(script, drift=True) is None
