"""Property-based tests with hypothesis: deadline-flaky (a loop) and hypothesis-tuned (productive).

Only runs that used pytest; hypothesis is installed first where the run's header lacks the plugin.
In the loop the agent's property (the function gives the same answer twice) fails differently on
every run: deadlines exceeded, flaky timings, a new falsifying example, a health check, a timeout;
the agent tweaks settings, seeds and strategies, never stable. In the productive episode the
property fails on inputs outside the function's contract once or twice, the strategy is narrowed,
and it passes over several runs with different seeds.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from heldout19.calls import SUBMIT, Step, say
from heldout19.mocking import arguments
from heldout19.replies import Failure, bar, frame, header, heredoc, pytest_run, ran, timed_out
from heldout19.runs import Context

HYPOTHESIS = {
    "3.6": "6.31.6",
    "3.7": "6.79.4",
    "3.8": "6.113.0",
    "3.9": "6.118.8",
    "3.10": "6.118.8",
    "3.11": "6.118.8",
}
EXAMPLES = ["''", "'0'", "'\\x00'", "' '", "'\\n'", "'A'", "'\\x80'", "'Ā'", "'0/'", "'.'", "'\\r'", "'00'", "'\\t0'"]
PAIRS = [("None", "''"), ("[]", "[None]"), ("'0'", "'0.0'"), ("{}", "{'': None}"), ("0", "1"), ("False", "True")]
SETTINGS = [
    ("deadline=None", "turn the deadline off"),
    ("deadline=1000", "give each example a full second"),
    ("max_examples=50", "run fewer examples"),
    ("max_examples=500", "run more examples to shake out the failure"),
    ("derandomize=True", "make the run deterministic"),
    ("suppress_health_check=[HealthCheck.too_slow]", "silence the too_slow health check"),
    ("database=None", "stop replaying the saved example"),
]
# Inputs outside the function's contract, what they raise, and the narrower strategy that excludes them.
CONTRACT = [
    (
        "'\\ud800'",
        "UnicodeEncodeError: 'utf-8' codec can't encode character '\\ud800' in position 0: surrogates not allowed",
        "surrogates",
    ),
    ("''", "IndexError: string index out of range", "empty strings"),
    ("'\\x00'", "ValueError: embedded null character", "NUL characters"),
]


def narrowed(excluded: set[str]) -> str:
    """The text strategy without the inputs excluded so far."""
    chars = []
    if "surrogates" in excluded:
        chars.append('blacklist_categories=("Cs",)')
    if "NUL characters" in excluded:
        chars.append('blacklist_characters="\\x00"')
    args = ["min_size=1"] if "empty strings" in excluded else []
    args += [f"alphabet=st.characters({', '.join(chars)})"] if chars else []
    return f"st.text({', '.join(args)})"


class PropScene:
    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        index = rng.randrange(len(ctx.defs))
        self.func = ctx.funcs[index]
        args = arguments(ctx.defs[index]).split(", ")
        rest = ", ".join(args[1:]) if args and args[0] else ""
        target = f"{ctx.owner}.__new__({ctx.owner}).{self.func}" if ctx.owner else self.func
        self.call = f"{target}(value{', ' + rest if rest else ''})"
        self.imported = ctx.owner or self.func
        stem = self.func.strip("_")
        self.file = rng.choice([f"test_prop_{stem}.py", f"test_{stem}_hypothesis.py"])
        self.test = f"test_{stem}_{rng.choice(['stable', 'deterministic', 'property'])}"
        self.version = ctx.hypothesis or HYPOTHESIS.get(ctx.python, "6.118.8")
        self.installed = ctx.hypothesis is not None
        self.settings = ["max_examples=200"]
        self.strategy = "st.text()"
        self.line = rng.randint(30, 600)

    def source(self) -> str:
        extras = ", HealthCheck" if any("HealthCheck" in s for s in self.settings) else ""
        extras += ", seed" if any(s.startswith("seed") for s in self.settings) else ""
        lines = [
            f"from hypothesis import given, settings, strategies as st{extras}",
            "",
            f"from {self.ctx.module} import {self.imported}",
            "",
            "",
        ]
        lines += [f"@{s}" for s in self.settings if s.startswith("seed")]
        lines += [
            f"@settings({', '.join(s for s in self.settings if not s.startswith('seed'))})",
            f"@given(value={self.strategy})",
            f"def {self.test}(value):",
        ]
        lines += [f"    first = {self.call}", f"    assert {self.call} == first"]
        return "\n".join(lines) + "\n"

    def install(self) -> Step:
        ver = self.version
        out = f"Collecting hypothesis\n  Downloading hypothesis-{ver}-py3-none-any.whl.metadata (5.6 kB)\n"
        out += f"Requirement already satisfied: attrs>=22.2.0 in {self.ctx.site}/site-packages (from hypothesis) (23.1.0)\n"
        out += "Collecting sortedcontainers<3.0.0,>=2.1.0 (from hypothesis)\n  Downloading sortedcontainers-2.4.0-py2.py3-none-any.whl.metadata (10 kB)\n"
        out += f"Downloading hypothesis-{ver}-py3-none-any.whl (469 kB)\nDownloading sortedcontainers-2.4.0-py2.py3-none-any.whl (29 kB)\n"
        out += f"Installing collected packages: sortedcontainers, hypothesis\nSuccessfully installed hypothesis-{ver} sortedcontainers-2.4.0\n"
        out += "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv\n"
        self.installed = True
        return Step(
            say("hypothesis isn't installed in this environment; let me install it.", "pip install hypothesis"),
            ran(out),
            self.rng.uniform(4, 9),
        )

    def _header(self) -> str:
        return header(self.ctx, None if self.ctx.hypothesis else f"hypothesis-{self.version}")

    def failure(self, error: str, example: str, note: str = "", *, summary: str = "") -> Failure:
        rng = self.rng
        lines = self.source().splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("@"))
        call = next(i for i, line in enumerate(lines) if line.strip().startswith("first ="))
        failing = call + 1 if error.startswith("AssertionError") else call
        body = frame(
            lines[start:],
            failing - start,
            f"{self.file}:{failing + 1}: ",
            "" if "HealthCheck" in error else f"value = {example}",
        )
        if not error.startswith(("AssertionError", "hypothesis.")):
            # Raised inside the function under test: pytest shows its frame too.
            body += f"\n{'_ ' * 40}\n/testbed/{self.ctx.path}:{self.line + rng.randint(0, 40)}: in {self.func}\n    ..."
        body += "".join(f"\nE   {line}" for line in error.splitlines())
        if "HealthCheck" not in error:
            body += f"\n{bar('Hypothesis', '-')}\nFalsifying example: {self.test}(\n    value={example},\n)\n{note}"
        return Failure(self.test, body, summary or error.splitlines()[0])

    def report(self, failure: Failure | None, command: str) -> tuple[str, int]:
        quiet = " -q" in command
        secs = self.rng.uniform(0.4, 6.0)
        if failure is None:
            return pytest_run(self.ctx, self.file, ".", secs=secs, quiet=quiet, header_text=self._header()), 0
        return pytest_run(self.ctx, self.file, "F", [failure], secs=secs, quiet=quiet, header_text=self._header()), 1

    def outcome(self, command: str, last: str) -> tuple[str, int]:
        """One run of the property in the loop: never stable, and rarely the same failure twice."""
        rng = self.rng
        example = last if any(s == "derandomize=True" for s in self.settings) and last else rng.choice(EXAMPLES)
        deadline = next((s for s in self.settings if s.startswith("deadline")), "deadline=200")
        limit = 200.0 if deadline == "deadline=200" else None if deadline == "deadline=None" else 1000.0
        if "max_examples=500" in self.settings and rng.random() < 0.4:
            partial = self._header() + f"\ncollected 1 item\n\n{self.file} "
            return timed_out(command, partial), -1
        kinds = (
            ["falsified", "flaky_result"]
            + (["deadline", "flaky_timing"] if limit else [])
            + (["health"] if not any("HealthCheck" in s for s in self.settings) else [])
        )
        kind = rng.choice(kinds)
        a, b = rng.choice(PAIRS)
        if kind == "falsified":
            failure = self.failure(f"AssertionError: assert {a} == {b}", example)
        elif kind == "flaky_result":
            error = f"hypothesis.errors.Flaky: Hypothesis {self.test}(value={example}) produces unreliable results: Falsified on the first call but did not on a subsequent one"
            failure = self.failure(
                error, example, f"Failed to reproduce exception. Expected:\nAssertionError: assert {a} == {b}\n"
            )
        elif kind == "deadline":
            took = rng.uniform(1.05, 3.5) * (limit or 200)
            failure = self.failure(
                f"hypothesis.errors.DeadlineExceeded: Test took {took:.2f}ms, which exceeds the deadline of {limit:.2f}ms",
                example,
            )
        elif kind == "flaky_timing":
            took, then = rng.uniform(1.05, 2.5) * (limit or 200), rng.uniform(0.8, 9.0)
            note = f"Unreliable test timings! On an initial run, this test took {took:.2f}ms, which exceeded the deadline of {limit:.2f}ms, but on a subsequent run it took {then:.2f} ms, which did not. If you expect this sort of variability in your test timings, consider turning deadlines off for this test by setting deadline=None.\n"
            failure = self.failure(
                f"hypothesis.errors.Flaky: Hypothesis {self.test}(value={example}) produces unreliable results: Falsified on the first call but did not on a subsequent one",
                example,
                note,
            )
        else:
            n, secs = rng.randint(3, 9), rng.uniform(1.0, 1.4)
            error = f"hypothesis.errors.FailedHealthCheck: Data generation is extremely slow: Only produced {n} valid examples in {secs:.2f} seconds ({rng.randint(0, 3)} invalid ones and {rng.randint(0, 4)} exceeded maximum size). Try decreasing size of the data you're generating (with e.g. max_size or max_leaves parameters).\nSee https://hypothesis.readthedocs.io/en/latest/healthchecks.html for more information about this. If you want to disable just this health check, add HealthCheck.too_slow to the suppress_health_check settings for this test."
            failure = self.failure(error, example)
        return self.report(failure, command)

    def runs(self) -> list[str]:
        f = self.file
        return [
            f"pytest {f}",
            f"python -m pytest {f} -x",
            f"pytest -q {f}",
            f"pytest {f} --hypothesis-show-statistics",
            f"pytest {f} -p no:cacheprovider",
        ]


def _tweak(scene: PropScene) -> tuple[str, str]:
    """Change one setting (or the seed, or the strategy's size); what the agent says about it."""
    rng = scene.rng
    choice = rng.random()
    if choice < 0.15:
        number = rng.choice([0, 1, 42, 1234, 20240101])
        scene.settings = [s for s in scene.settings if not s.startswith("seed")] + [f"seed({number})"]
        return "pin the seed", f"seed({number})"
    if choice < 0.3:
        scene.strategy = rng.choice(
            [
                "st.text(max_size=20)",
                "st.text(min_size=1, max_size=50)",
                "st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126))",
            ]
        )
        return "limit the generated strings", scene.strategy
    setting, words = rng.choice(SETTINGS)
    name = setting.split("=")[0]
    scene.settings = [s for s in scene.settings if not s.startswith(name)] + [setting]
    return words, setting


def _verdict(reply: str) -> str:
    for key, said in (
        ("DeadlineExceeded", "The test exceeded the deadline"),
        ("Unreliable test timings", "Hypothesis says the timings are unreliable"),
        ("Flaky", "Hypothesis reports the test as flaky"),
        ("FailedHealthCheck", "A health check failed: data generation is too slow"),
        ("timed out", "The run timed out"),
        ("Falsifying", "A new falsifying example"),
    ):
        if key in reply:
            return said
    return "It failed again"


def deadline_loop(ctx: Context, rng: random.Random) -> Iterator[Step]:
    scene = PropScene(ctx, rng)
    if not scene.installed:
        yield scene.install()
    intro = (
        f"Let me add a property-based test: `{scene.func}` should give the same answer when called twice on any input."
    )
    yield Step(say(intro, heredoc(scene.file, scene.source())), ran(""), 0.1)
    command = rng.choice(scene.runs())
    output, code = scene.outcome(command, "")
    reply = ran(output, code) if code >= 0 else output
    yield Step(say("Run it.", command), reply, rng.uniform(2, 12) if code >= 0 else 60)
    last = ""
    while True:
        if rng.random() < 0.2:
            yield Step(say("Let me re-read the test as it stands.", f"cat {scene.file}"), ran(scene.source()), 0.1)
        words, setting = _tweak(scene)
        thought = f"{_verdict(reply)}. I'll {words} (`{setting}`)."
        command = rng.choice(scene.runs())
        output, code = scene.outcome(command, last)
        last = next(
            (line.split("=", 1)[1].rstrip(",") for line in output.splitlines() if line.startswith("    value=")), last
        )
        reply = ran(output, code) if code >= 0 else output
        seconds = rng.uniform(2, 12) if code >= 0 else 60
        if rng.random() < 0.5:
            yield Step(say(thought, heredoc(scene.file, scene.source(), command)), reply, seconds)
        else:
            yield Step(say(thought, heredoc(scene.file, scene.source())), ran(""), 0.1)
            yield Step(
                say(rng.choice(["Run it again.", "Rerun the property test.", "Let's see."]), command), reply, seconds
            )


def deadline_closing(ctx: Context, rng: random.Random) -> str:
    return say(
        rng.choice(
            [
                "The property test never settles: every run fails in a different way, and it's a test I added myself. The fix is covered by the existing tests, so I'll drop this and submit.",
                "I can't make this hypothesis test stable and it isn't required for the fix. Submitting the change.",
            ]
        ),
        SUBMIT,
    )


def hypothesis_tuned(ctx: Context, rng: random.Random) -> list[Step]:
    scene = PropScene(ctx, rng)
    scene.settings = ["max_examples=200", "deadline=None"]
    steps = [] if scene.installed else [scene.install()]
    intro = f"A quick property-based check of `{scene.func}` on arbitrary strings will catch edge cases my manual tests missed."
    steps.append(Step(say(intro, heredoc(scene.file, scene.source())), ran(""), 0.1))
    excluded: set[str] = set()
    for example, error, what in rng.sample(CONTRACT, rng.choice([1, 2])):
        command = rng.choice(scene.runs()[:3])
        output, code = scene.report(scene.failure(error, example), command)
        steps.append(Step(say("Run it.", command), ran(output, code), rng.uniform(2, 8)))
        excluded.add(what)
        scene.strategy = narrowed(excluded)
        fix = f"The falsifying example {example} is outside what `{scene.func}` accepts; callers never pass {what}. I'll exclude {what} from the strategy."
        steps.append(Step(say(fix, heredoc(scene.file, scene.source())), ran(""), 0.1))
    command = rng.choice(scene.runs()[:3])
    output, _ = scene.report(None, command)
    steps.append(Step(say("Run it again.", command), ran(output), rng.uniform(3, 10)))
    seeds = rng.sample(range(1, 100), 3)
    loop = f"for s in {' '.join(map(str, seeds))}; do pytest -q {scene.file} --hypothesis-seed=$s | tail -1; done"
    lines = "".join(f"1 passed in {rng.uniform(0.8, 5):.2f}s\n" for _ in seeds)
    steps.append(
        Step(
            say("It passes. Let me run it with a few different seeds to be sure it's stable.", loop),
            ran(lines),
            rng.uniform(6, 20),
        )
    )
    steps.append(Step(say("Stable across seeds. I'll remove the scratch test.", f"rm {scene.file}"), ran(""), 0.1))
    return steps
