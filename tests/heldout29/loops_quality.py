"""Loops of checking work that never converges: edge cases, log capture, coverage, and a forgotten debugger."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20.calls import Step
from heldout20.text import finish
from heldout29.text import Ctx, edit, give_up, pytest_run, source_lines

# A value Hypothesis falsifies with, what the function returned, and what the property expected.
_EXAMPLES = [
    ("''", "None", "''"),
    ("'\\x00'", "''", "'\\x00'"),
    ("-0.0", "0.0", "-0.0"),
    ("nan", "nan", "nan"),
    ("'İ'", "'i̇'", "'İ'"),
    ("9223372036854775808", "-9223372036854775808", "9223372036854775808"),
    ("' a'", "'a'", "' a'"),
    ("'\\r\\n'", "'\\n'", "'\\r\\n'"),
    ("5e-324", "0.0", "5e-324"),
    ("[[]]", "[]", "[[]]"),
    ("'0'", "0", "'0'"),
    ("(0, 0)", "[0]", "(0, 0)"),
    ("'ß'", "'ss'", "'ß'"),
    ("True", "1", "True"),
    ("b''", "''", "b''"),
    ("'\\u2028'", "''", "'\\u2028'"),
]


def _props(ctx: Ctx) -> str:
    return f"{ctx.tests_dir}/test_{ctx.stem}_props.py"


def _falsified(ctx: Ctx, rng: random.Random, target: str, value: str, got: str, want: str) -> str:
    name = f"test_{ctx.stem}_roundtrip"
    body = [
        "    @given(values())",
        f">   def {name}(value):",
        "",
        f"{_props(ctx)}:{rng.randint(11, 19)}: ",
        "_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _",
        "",
        f"value = {value}",
        "",
        "    @given(values())",
        f"    def {name}(value):",
        f">       assert {ctx.func}([value]) == [value]",
        f"E       AssertionError: assert [{got}] == [{want}]",
        "E         At index 0 diff: " + f"{got} != {want}",
        "",
        f"{_props(ctx)}:{rng.randint(20, 31)}: AssertionError",
        "-" * 34 + " Hypothesis " + "-" * 34,
        f"Falsifying example: {name}(",
        f"    value={value},",
        ")",
    ]
    return pytest_run(
        ctx, rng, target, rng.randint(2, 6), [(name, body, f"AssertionError: assert [{got}] == [{want}]")]
    )


def counterexample_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Every patched edge case lets Hypothesis shrink to a new one; the agent special-cases each in turn."""
    props = _props(ctx)
    examples = _EXAMPLES[:]
    rng.shuffle(examples)
    steps = [
        Step(
            f"To be thorough I'll add a property-based test: {ctx.func} should keep any single value unchanged.",
            f"cat > {props} <<'EOF'\nfrom hypothesis import given, strategies as st\n\n"
            f"from {ctx.dotted} import {ctx.func}\n\n\ndef values():\n"
            "    return st.one_of(st.text(), st.floats(), st.integers(), st.binary(), st.lists(st.nothing()))\n\n\n"
            f"@given(values())\ndef test_{ctx.stem}_roundtrip(value):\n    assert {ctx.func}([value]) == [value]\nEOF",
            "",
        )
    ]
    runs = [
        f"python -m pytest {props} -q -x",
        f"python -m pytest {props} -q -x -p no:randomly",
        f"python -m pytest {props} -q --hypothesis-show-statistics",
        f"python -m pytest {props} -x -q --hypothesis-seed={{seed}}",
        f"python -m pytest {props} -q -k roundtrip",
    ]
    for i in range(60):
        value, got, want = examples[i % len(examples)]
        run = rng.choice(runs).replace("{seed}", str(rng.randint(0, 99999)))
        steps.append(
            Step(
                rng.choice(
                    [
                        "Let me run the property test again.",
                        "Re-running the property test after the special case.",
                        "Checking whether Hypothesis is happy now.",
                        f"Running {props} again to see if that was the last edge case.",
                    ]
                ),
                run,
                _falsified(ctx, rng, run.split()[3], value, got, want),
                1,
                rng.uniform(3, 14),
            )
        )
        look = rng.random()
        if look < 0.3:
            steps.append(
                Step(
                    f"Let me look at how {ctx.func} treats this value.",
                    f"sed -n '{(a := rng.randint(140, 700))},{a + 24}p' {ctx.source}",
                    source_lines(ctx, rng, 25, f"    if value == {want}:"),
                )
            )
        elif look < 0.5:
            steps.append(
                Step(
                    "Let me check the value directly outside Hypothesis.",
                    f'python -c "from {ctx.dotted} import {ctx.func}; print(repr({ctx.func}([{value}])))"',
                    f"[{got}]",
                )
            )
        elif look < 0.65:
            steps.append(
                Step(
                    "How many special cases have I added so far?",
                    f"grep -n 'if value ==\\|isinstance(value' {ctx.source} | tail -{rng.randint(5, 12)}",
                    "\n".join(f"{rng.randint(150, 720)}:    if value == {e[2]}:" for e in examples[: i % 9 + 1]),
                )
            )
        elif look < 0.75:
            steps.append(
                Step("Checking the Hypothesis example database.", "ls .hypothesis/examples | wc -l", str(3 + i))
            )
        steps.append(
            Step(
                rng.choice(
                    [
                        f"Hypothesis found {value}. I'll handle it explicitly so it round-trips.",
                        f"Another edge case: {value} comes back as {got}. Adding a guard for it.",
                        f"{value} is a legitimate input; I'll special-case it before the key is computed.",
                    ]
                ),
                edit(
                    ctx,
                    "    for value in values:\n",
                    f"    for value in values:\n        if value == {want}:\n"
                    "            result.append(value)\n            continue\n",
                ),
                "patched",
            )
        )
    return finish(steps, n, give_up(rng, "the edge cases Hypothesis keeps finding"))


def _caplog_failure(ctx: Ctx, rng: random.Random, target: str, mode: str) -> str:
    name = f"test_{ctx.stem}_logs_dropped_items"
    if mode == "records":
        line, err, kind = "assert len(caplog.records) == 1", "assert 0 == 1", "AssertionError"
    elif mode == "messages":
        line, err, kind = "assert 'dropping' in caplog.messages[0]", "IndexError: list index out of range", "IndexError"
    else:
        line, err, kind = (
            "assert 'dropping' in caplog.text",
            "AssertionError: assert 'dropping' in ''",
            "AssertionError",
        )
    body = [
        "",
        f"caplog = <_pytest.logging.LogCaptureFixture object at 0x7f{rng.randrange(16**10):010x}>",
        "",
        f"    def {name}(caplog):",
        f"        caplog.set_level(logging.{rng.choice(['DEBUG', 'WARNING', 'INFO'])})",
        f"        {ctx.func}([1, None, 1])",
        f">       {line}",
        f"E       {err}",
        "",
        f"{ctx.test_file}:{rng.randint(300, 900)}: {kind}",
    ]
    if rng.random() < 0.4:
        body += ["-" * 29 + " Captured stderr call " + "-" * 29, "dropping 1 duplicate item(s)"]
    return pytest_run(ctx, rng, target, rng.randint(8, 40), [(name, body, err if ":" in err else f"{kind}: {err}")])


def log_capture_miss(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The new warning is logged, but caplog never holds it; the agent keeps changing how it captures."""
    target = f"{ctx.test_file}::test_{ctx.stem}_logs_dropped_items"
    variants = [
        ("caplog.set_level(logging.WARNING)", "Set the capture level to WARNING explicitly."),
        (f'caplog.set_level(logging.DEBUG, logger="{ctx.logger}")', "Name the module's logger in set_level."),
        (f'with caplog.at_level(logging.WARNING, logger="{ctx.run.module}"):', "Use at_level on the package logger."),
        ("logging.getLogger().setLevel(logging.DEBUG)", "Lower the root logger's level."),
        (f'logging.getLogger("{ctx.logger}").propagate = True', "Force propagation on the module's logger."),
        ("caplog.handler.setLevel(logging.NOTSET)", "Lower the capture handler's own level."),
        ("caplog.clear()", "Clear caplog first in case earlier records interfere."),
    ]
    runs = [
        f"python -m pytest {target} -q",
        f"python -m pytest {target} -q --log-level=DEBUG",
        f"python -m pytest {target} -q -o log_cli=true --log-cli-level=WARNING",
        f"python -m pytest {target} -q -p no:cacheprovider",
        f"python -m pytest {target} -q -s",
    ]
    looks: list[tuple[str, str, Callable[[], str]]] = [
        (
            "Where does the module create its logger?",
            f"grep -n 'getLogger\\|logger\\.' {ctx.source}",
            lambda: (
                f"{rng.randint(20, 60)}:logger = logging.getLogger(__name__)\n"
                f'{rng.randint(140, 700)}:            logger.warning("dropping %d duplicate item(s)", dropped)'
            ),
        ),
        (
            "Let me check the logger's configuration in a plain interpreter.",
            f"python -c \"import logging, {ctx.dotted}; lg = logging.getLogger('{ctx.logger}'); "
            'print(lg.level, lg.propagate, lg.handlers, lg.disabled)"',
            lambda: "0 True [] False",
        ),
        (
            "Does pytest's config set any logging options?",
            "grep -n 'log_' setup.cfg tox.ini pyproject.toml 2>/dev/null",
            lambda: rng.choice(["", "tox.ini:" + str(rng.randint(20, 60)) + ":log_level = INFO"]),
        ),
        (
            "Is caplog used the same way elsewhere in the tests?",
            f"grep -rn 'caplog' {ctx.tests_dir} | head -8",
            lambda: "\n".join(
                f"{ctx.tests_dir}/test_{w}.py:{rng.randint(20, 900)}:    caplog.set_level(logging.INFO)"
                for w in rng.sample(["utils", "config", "io", "core", "api", "misc"], 3)
            ),
        ),
    ]
    steps: list[Step] = []
    for i in range(40):
        code, why = variants[i % len(variants)]
        steps.append(
            Step(
                f"caplog still sees nothing although the warning is emitted. {why}",
                edit(ctx, "    caplog.set_level(logging.", f"    {code}\n    caplog.set_level(logging.", ctx.test_file)
                if i % 3
                else edit(ctx, "    logger.warning(", f"    logger.{rng.choice(['warning', 'error', 'info'])}(", None),
                "patched",
            )
        )
        run = rng.choice(runs)
        steps.append(
            Step(
                rng.choice(
                    [
                        "Running the logging test again.",
                        "Let me see if caplog picks it up now.",
                        "Re-running the test with the new capture setup.",
                    ]
                ),
                run,
                _caplog_failure(ctx, rng, target, rng.choice(["records", "messages", "text"])),
                1,
                rng.uniform(1.5, 6),
            )
        )
        if rng.random() < 0.6:
            thought, command, out = rng.choice(looks)
            shown = out()
            steps.append(Step(thought, command, shown, 0 if shown else 1))
    return finish(steps, n, give_up(rng, "capturing the new log message in the test"))


def _coverage_report(ctx: Ctx, rng: random.Random, missing: list[str]) -> str:
    stmts = rng.randint(180, 620)
    miss = sum(2 if "-" in m and "->" not in m else 1 for m in missing)
    branch, part = stmts // 3, rng.randint(3, 9)
    cover = round(100 * (1 - (miss + part) / (stmts + branch)))
    width = max(len(ctx.source), 4) + 2
    head = f"{'Name':<{width}}Stmts   Miss Branch BrPart  Cover   Missing"
    row = f"{ctx.source:<{width}}{stmts:>5}  {miss:>5}  {branch:>5}  {part:>5}   {cover:>3}%   {', '.join(missing)}"
    total = f"{'TOTAL':<{width}}{stmts:>5}  {miss:>5}  {branch:>5}  {part:>5}   {cover:>3}%"
    return "\n".join([head, "-" * len(head), row, "-" * len(head), total])


def coverage_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The fix passes, then the agent tries to cover every line of the module; the last few never get covered."""
    stuck = [
        f"{rng.randint(30, 60)}-{rng.randint(61, 64)}",
        f"{rng.randint(100, 140)}->exit",
        str(rng.randint(700, 900)),
    ]
    missing = sorted({str(rng.randint(150, 690)) for _ in range(9)} | set(stuck), key=lambda m: int(m.split("-")[0]))
    reports = [
        f"python -m coverage run --branch -m pytest {ctx.test_file} -q 2>&1 | tail -1 && "
        f"python -m coverage report -m --include='{ctx.source}'",
        f"coverage run --branch -m pytest {ctx.test_file} -q -x >/dev/null; "
        f"coverage report -m --include='*/{ctx.stem}.py'",
        f"python -m pytest {ctx.test_file} -q --cov={ctx.dotted} --cov-branch --cov-report=term-missing 2>&1 | tail -8",
        f"coverage erase && coverage run --branch -m pytest {ctx.tests_dir} -q -k {ctx.stem} >/dev/null; "
        f"coverage report -m --include='{ctx.source}'",
    ]
    steps: list[Step] = []
    for i in range(40):
        command = rng.choice(reports)
        steps.append(
            Step(
                rng.choice(
                    [
                        f"Let me see which lines of {ctx.source} are still uncovered.",
                        "Checking the coverage report again after the new test.",
                        "I want the touched module fully covered before submitting; re-running coverage.",
                    ]
                ),
                command,
                _coverage_report(ctx, rng, missing),
                0,
                rng.uniform(8, 40),
            )
        )
        target = rng.choice(missing)
        line = int(target.split("-")[0])
        if rng.random() < 0.6:
            steps.append(
                Step(
                    f"What is at line {line}?",
                    f"sed -n '{line - 3},{line + 6}p' {ctx.source}",
                    source_lines(
                        ctx,
                        rng,
                        10,
                        rng.choice(
                            [
                                "if TYPE_CHECKING:",
                                "except ImportError:  # Python < 3.8",
                                "raise AssertionError('unreachable')",
                                "    pass",
                            ]
                        ),
                    ),
                )
            )
        name = f"test_{ctx.stem}_covers_line_{line}_{i}"
        mode = i % 4
        if mode == 3:
            steps.append(
                Step(
                    f"Line {line} is defensive; I'll mark it `pragma: no cover` instead of testing it.",
                    f"sed -i '{line}s/$/  # pragma: no cover/' {ctx.source} && sed -n '{line}p' {ctx.source}",
                    "    raise AssertionError('unreachable')  # pragma: no cover",
                )
            )
            steps.append(
                Step(
                    "On second thought a pragma hides the branch instead of testing it. Reverting that marker.",
                    f"sed -i '{line}s/  # pragma: no cover$//' {ctx.source} && git diff --stat",
                    f" {ctx.source}        | {rng.randint(4, 12)} ++++--\n"
                    f" {ctx.test_file} | {rng.randint(30, 140)} +++++\n 2 files changed",
                )
            )
            continue
        if target in stuck:
            missing = sorted(set(missing), key=lambda m: int(m.split("-")[0]))
        else:
            missing = [m for m in missing if m != target] + ([str(rng.randint(150, 690))] if rng.random() < 0.5 else [])
            missing = sorted(set(missing), key=lambda m: int(m.split("-")[0]))
        mock = rng.choice(["monkeypatch.setattr", "mock.patch.object", "monkeypatch.setitem(sys.modules"])
        steps.append(
            Step(
                f"I'll add a test reaching line {line}" + (f" by forcing it with {mock}." if target in stuck else "."),
                f"cat >> {ctx.test_file} <<'EOF'\n\n\ndef {name}(monkeypatch):\n"
                f"    # reach {ctx.source}:{line}\n    assert {ctx.func}([]) == []\nEOF\n"
                f"python -m pytest {ctx.test_file} -q -k {name} 2>&1 | tail -1",
                f"1 passed, {rng.randint(20, 90)} deselected in {rng.uniform(0.1, 2):.2f}s",
            )
        )
    return finish(steps, n, give_up(rng, "the last uncovered lines"))
