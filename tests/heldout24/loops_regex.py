"""catastrophic-regex: a pattern that backtracks exponentially; each rewrite hangs, fails to compile or mismatches."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import addr, pytest_output
from heldout24.text import Ctx, Deck, assemble, pytest_head, report, retime, run_pytest, timing, traceback

# Patterns with a quantified group whose body can match the same text more than one way.
PATTERNS = [
    (r"^(\w+\s?)*$", r"^(\w+\s?)*+$", r"^(?>\w+\s?)*$", r"^[\w\s]*$"),
    (r"^([\w.-]+,?\s*)+:", r"^([\w.-]+,?\s*)++:", r"^(?>[\w.-]+,?\s*)+:", r"^[\w.,\s-]+:"),
    (
        r"^(\s*[\w.]+\s*)*=\s*(.*)$",
        r"^(\s*[\w.]+\s*)*+=\s*(.*)$",
        r"^(?>\s*[\w.]+\s*)*=\s*(.*)$",
        r"^([\w.\s]*)=\s*(.*)$",
    ),
    (
        r"^((?:[a-z0-9]+[-_.]?)*)@(\w+)$",
        r"^((?:[a-z0-9]+[-_.]?)*+)@(\w+)$",
        r"^((?>[a-z0-9]+[-_.]?)*)@(\w+)$",
        r"^([a-z0-9._-]*)@(\w+)$",
    ),
]


class Pattern:
    """The pattern in the code under test, what it does to the test input, and how the test run reports it."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.original, self.possessive, self.atomic, self.flat = rng.choice(PATTERNS)
        self.pattern = self.original
        self.name = f"_{ctx.stem.upper()}_RE"
        self.func = rng.choice([f"parse_{ctx.stem}_spec", f"split_{ctx.stem}_names", f"_match_{ctx.stem}"])
        self.line = rng.randint(30, 400)
        self.test = ctx.test_path("spec")
        self.case = rng.choice(["test_rejects_long_garbage", "test_long_input_is_fast", "test_invalid_spec_raises"])
        self.other = rng.choice(["test_parses_simple_spec", "test_keeps_trailing_value", "test_accepts_dotted_names"])
        self.size = rng.choice([28, 32, 40, 64])
        self.passed = rng.randint(4, 14)
        self.state = "hang"
        self.import_line = rng.randint(3, 12)
        self.limit = rng.choice([5.0, 10.0, 20.0])  # pytest-timeout's setting in the project's config
        self.runs = 0
        self.modern = ctx.version >= (3, 11)  # possessive quantifiers and atomic groups arrived in 3.11

    def position(self, marker: str, offset: int) -> int:
        return self.pattern.index(marker) + offset

    def head(self, marks: str) -> str:
        return pytest_head(self.ctx, self.test, self.passed + 1, marks)

    def failing(self) -> Step:
        self.runs += 1
        thought = (
            self.rng.choice(
                [
                    f"Let me run the tests for `{self.func}` after the change.",
                    f"Running the `{self.ctx.stem}` spec tests to verify the fix.",
                ]
            )
            if self.runs == 1
            else self.rng.choice(
                [
                    "Let me run the tests again.",
                    "Re-running the spec tests with the new pattern.",
                    f"Checking `{self.case}` again.",
                    "Let's see if it finishes now.",
                ]
            )
        )
        rng = self.rng
        if self.state == "hang":
            marks = "." * rng.randint(1, self.passed)
            command = rng.choice(
                [
                    f"python -m pytest {self.test}",
                    f"python -m pytest {self.test} -x",
                    f"cd /testbed && python -m pytest {self.test} -q -x",
                ]
            )
            return Step(thought, command, self.head(marks), seconds=rng.choice([60.0, 120.0]), timed_out=True)
        if self.state == "timeout124":
            command = f"timeout {rng.choice([20, 30, 45])} python -m pytest {self.test} -x"
            return Step(thought, command, self.head("." * rng.randint(1, self.passed)), rc=124, seconds=30.0)
        if self.state == "pytest-timeout":
            limit = self.limit
            frames = [
                (self.test, rng.randint(20, 60), self.case, f"{self.func}('a' * {self.size} + '!')"),
                (self.ctx.source, self.line + rng.randint(8, 30), self.func, f"m = {self.name}.match(value)"),
            ]
            dump = (
                "+" * 35
                + " Timeout "
                + "+" * 36
                + "\n"
                + "~" * 20
                + f" Stack of MainThread ({rng.randint(139_000_000_000_000, 140_999_999_999_999)}) "
                + "~" * 20
                + "\n"
                + "\n".join(f'  File "/testbed/{p}", line {n}, in {f}\n    {c}' for p, n, f, c in frames)
                + "\n"
                + "+" * 35
                + " Timeout "
                + "+" * 36
                + "\n"
            )
            body = [
                dump,
                *report(
                    [
                        (
                            [
                                f"def {self.case}():",
                                "    with pytest.raises(ValueError):",
                                f"        {self.func}('a' * {self.size} + '!')",
                            ],
                            2,
                            f"{self.test}:{rng.randint(20, 60)}",
                        )
                    ],
                    [f"Failed: Timeout >{limit}s"],
                    "Failed",
                ),
            ]
            command, output = run_pytest(
                self.ctx, rng, self.test, self.passed, [(self.case, body, f"Failed: Timeout >{limit}s")], self.case
            )
            took = limit + timing(rng, 0.5, 3)
            return Step(thought, command, retime(output, took), rc=1, seconds=took + 1)
        if self.state == "compile":
            if "++" in self.pattern or "*+" in self.pattern:
                error = (
                    f"re.error: multiple repeat at position {self.position('*+' if '*+' in self.pattern else '++', 1)}"
                )
            else:
                error = f"re.error: unknown extension ?> at position {self.position('(?>', 1)}"
            raising = (
                'raise source.error("multiple repeat",'
                if "multiple" in error
                else 'raise source.error("unknown extension ?" + char,'
            )
            frames = [
                ("<string>", 1, "<module>", ""),
                (f"/testbed/{self.ctx.source}", self.line, "<module>", f'{self.name} = re.compile(r"{self.pattern}")'),
                (f"{self.ctx.stdlib}/re.py", 252, "compile", "return _compile(pattern, flags)"),
                (f"{self.ctx.stdlib}/re.py", 304, "_compile", "p = sre_compile.compile(pattern, flags)"),
                (f"{self.ctx.stdlib}/sre_compile.py", 788, "compile", "p = sre_parse.parse(p, flags)"),
                (
                    f"{self.ctx.stdlib}/sre_parse.py",
                    955,
                    "parse",
                    "p = _parse_sub(source, state, flags & SRE_FLAG_VERBOSE, 0)",
                ),
                (
                    f"{self.ctx.stdlib}/sre_parse.py",
                    rng.choice([668, 672]) if "multiple" in error else 742,
                    "_parse",
                    raising,
                ),
            ]
            command = f'python -c "import {self.ctx.dotted}"'
            return Step(thought, command, traceback(frames, error), rc=1, seconds=timing(rng, 0.5, 2))
        if self.state == "missing-regex":
            frames = [(f"/testbed/{self.ctx.source}", self.import_line, "<module>", "import regex as re")]
            command, _ = run_pytest(self.ctx, rng, self.test, 0, [])
            output = (
                "\n".join(pytest_output(self.ctx, rng, self.test, 0, []).splitlines()[:3])
                + "\ncollected 0 items / 1 error\n\n"
                + "=" * 32
                + " ERRORS "
                + "=" * 32
                + f"\n_____ ERROR collecting {self.test} _____\n"
                + "ImportError while importing test module '/testbed/"
                + self.test
                + "'.\n"
                + traceback(frames[:1], "ModuleNotFoundError: No module named 'regex'").replace(
                    "Traceback (most recent call last):", "Traceback:"
                )
                + "\n=========================== short test summary info ============================\n"
                + f"ERROR {self.test}\n!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n"
                + f"=============================== 1 error in {rng.uniform(0.2, 0.9):.2f}s ==============================="
            )
            return Step(thought, command, output, rc=2, seconds=timing(rng, 1, 3))
        # The pattern no longer backtracks, but no longer means what the old one did either.
        got, want = rng.choice(
            [("None", "<re.Match object>"), ("('spec', '')", "('spec', 'value')"), ("['a.b c']", "['a.b', 'c']")]
        )
        body = report(
            [
                (
                    [
                        f"def {self.other}():",
                        f"    result = {self.func}(SIMPLE)",
                        f"    assert result == {want if want[0] != '<' else 'EXPECTED'}",
                    ],
                    2,
                    f"{self.test}:{rng.randint(10, 40)}",
                )
            ],
            [f"AssertionError: assert {got} == {want if want[0] != '<' else 'EXPECTED'}"],
            "AssertionError",
        )
        command, output = run_pytest(
            self.ctx,
            rng,
            self.test,
            self.passed,
            [(self.other, body, f"AssertionError: assert {got} == ...")],
            self.other,
        )
        return Step(thought, command, output, rc=1, seconds=timing(rng, 1, 4))


def catastrophic_regex(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    p = Pattern(ctx, rng)

    def swap(new: str, thought: str, state: str) -> Step:
        old, p.pattern, p.state = p.pattern, new, state
        sed_old = (
            old.replace("\\", "\\\\")
            .replace("/", "\\/")
            .replace("*", "\\*")
            .replace("[", "\\[")
            .replace(".", "\\.")
            .replace("^", "\\^")
            .replace("$", "\\$")
        )
        sed_new = new.replace("\\", "\\\\").replace("/", "\\/").replace("&", "\\&")
        return Step(
            thought,
            f"sed -i 's/{sed_old}/{sed_new}/' {ctx.source} && grep -n '{p.name} =' {ctx.source}",
            f'{p.line}:{p.name} = re.compile(r"{new}")',
        )

    def anchors(k: int) -> Step:
        new = p.pattern if p.pattern.startswith("^") else "^" + p.pattern
        new = (
            new
            if new.endswith("$")
            else new + "$"
            if "@" not in new and ":" not in new[-2:]
            else new.replace(":", ":$")
        )
        if new == p.pattern:
            new = new.replace("(", "(?:", 1) if "(?:" not in new else new.replace("(?:", "(", 1)
        return swap(
            new, "Anchoring the pattern at both ends should stop the engine from trying every start position.", "hang"
        )

    def possessive(k: int) -> Step:
        return swap(
            p.possessive,
            "A possessive quantifier stops the group from giving characters back, which is what causes the backtracking.",
            "wrong" if p.modern else "compile",
        )

    def atomic(k: int) -> Step:
        return swap(
            p.atomic,
            "Let me use an atomic group instead so the inner match can't be retried.",
            rng.choice(["wrong", "hang"]) if p.modern else "compile",
        )

    def lazy(k: int) -> Step:
        new = p.original.replace(")*", ")*?", 1).replace(")+", ")+?", 1)
        return swap(new, "Maybe making the repetition lazy avoids the blow-up.", "hang")

    def flat(k: int) -> Step:
        return swap(
            p.flat,
            "I'll rewrite the pattern without the nested quantifier: a single character class repeated once.",
            "wrong",
        )

    def revert(k: int) -> Step:
        return swap(
            p.original, "That changed the semantics. Let me go back to the original pattern and think again.", "hang"
        )

    def regex_module(k: int) -> Step:
        p.state = "missing-regex"
        return Step(
            "The third-party `regex` module supports timeouts and possessive quantifiers on this Python. I'll switch the import.",
            f"sed -i 's/^import re$/import regex as re/' {ctx.source} && grep -n '^import' {ctx.source} | head",
            f"{p.import_line - 1}:import functools\n{p.import_line}:import regex as re\n{p.import_line + 2}:import warnings",
        )

    def pip_regex(k: int) -> Step:
        return Step(
            "Let me try installing `regex`.",
            "pip install regex",
            "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(\"<pip._vendor.urllib3.connection.HTTPSConnection object at "
            + f"{addr(rng)}>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution\")': /simple/regex/\n"
            "ERROR: Could not find a version that satisfies the requirement regex (from versions: none)\nERROR: No matching distribution found for regex",
            rc=1,
            seconds=timing(rng, 8, 20),
        )

    def unimport(k: int) -> Step:
        p.state = "hang"
        return Step(
            "No network for pip. Back to the standard `re` module.",
            f"sed -i 's/^import regex as re$/import re/' {ctx.source}",
            "",
        )

    def shrink(k: int) -> Step:
        old, p.size = p.size, max(12, p.size // 2 - rng.randint(0, 4))
        p.state = rng.choice(["hang", "pytest-timeout"])
        return Step(
            f"The test input is {old} characters; at that length the match can never finish. I'll make it shorter so the test stays meaningful but fast.",
            f"sed -i \"s/'a' \\* {old}/'a' * {p.size}/\" {p.test} && grep -n \"'a' \\*\" {p.test}",
            f"{rng.randint(20, 60)}:        {p.func}('a' * {p.size} + '!')",
        )

    def mark_timeout(k: int) -> Step:
        p.state, p.limit = "pytest-timeout", 10.0
        line = rng.randint(20, 60)
        return Step(
            "At least I want the test to fail instead of hanging the whole run. I'll add a pytest timeout marker.",
            f"sed -i 's/^def {p.case}/@pytest.mark.timeout(10)\\ndef {p.case}/' {p.test} && grep -n -B1 'def {p.case}' {p.test}",
            f"{line}-@pytest.mark.timeout(10)\n{line + 1}:def {p.case}():",
        )

    def scan(k: int) -> Step:
        start = rng.choice([16, 18, 20])
        base = rng.uniform(1.5e-8, 6e-8)
        took = [base * 2**m * rng.uniform(0.85, 1.15) for m in range(start, start + 10, 2)]
        rows = "\n".join(f"{m} {t:.3f}" for m, t in zip(range(start, start + 10, 2), took, strict=True))
        return Step(
            "Let me measure how the match time grows with the input length.",
            f"python - <<'EOF'\nimport time\nfrom {ctx.dotted} import {p.name}\nfor n in range({start}, {start + 10}, 2):\n    t = time.perf_counter()\n    {p.name}.match('a' * n + '!')\n    print(n, round(time.perf_counter() - t, 3))\nEOF",
            rows,
            seconds=round(sum(took) + 1, 1),
        )

    def view(k: int) -> Step:
        return Step(
            f"Let me look at the pattern and how `{p.func}` uses it.",
            rng.choice([f"grep -n '{p.name}' {ctx.source}", f"sed -n '{p.line - 2},{p.line + 3}p' {ctx.source}"]),
            f'{p.line}:{p.name} = re.compile(r"{p.pattern}")\n{p.line + rng.randint(8, 30)}:    m = {p.name}.match(value)',
        )

    def version(k: int) -> Step:
        return Step(
            "Which Python is this? Possessive quantifiers need 3.11.",
            rng.choice(
                [
                    "python --version && pip show regex",
                    "python -c 'import sys; print(sys.version_info)' ; pip show regex",
                ]
            ),
            f"Python {ctx.python_full}\nWARNING: Package(s) not found: regex",
            rc=1,
        )

    attempts = Deck(rng, [anchors, possessive, atomic, lazy, flat, revert, regex_module, shrink, mark_timeout])
    looks = Deck(rng, [scan, view, version])

    def round_(i: int) -> list[Step]:
        attempt = attempts.draw()
        steps = [attempt(i)]
        if attempt is regex_module:
            steps += [p.failing(), pip_regex(i), unimport(i)]
        elif attempt in (anchors, lazy) and rng.random() < 0.4:
            p.state = "timeout124"  # the agent bounds the next run itself
        if rng.random() < 0.35:
            steps.append(looks.draw()(i))
        steps.append(p.failing())
        return steps

    return assemble(rng, n, [p.failing(), view(0)], round_, "the catastrophic backtracking in the pattern")
