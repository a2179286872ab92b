"""seed-misplaced: a test of random output failing with new numbers every run, the seed never where it matters."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout24.text import Ctx, Deck, assemble, report, run_pytest, timing

# What np.random.seed(0) and random.seed(0) draw first: what a test written against them expects.
NUMPY_FIRST = [0.548814, 0.715189, 0.602763, 0.544883, 0.423655, 0.645894]
STDLIB_FIRST = [49, 97, 53, 5, 33, 65]


class Sampler:
    """The function under test, the values its test expects, and what each run draws instead."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.numpy = ctx.scientific
        self.func = rng.choice(
            [f"sample_{ctx.stem}_points", f"jitter_{ctx.stem}", "random_partition", f"shuffle_{ctx.stem}_order"]
        )
        self.test = ctx.test_path("sampling")
        self.case = rng.choice(
            ["test_sample_is_reproducible", "test_seeded_output", "test_partition_matches_reference"]
        )
        self.size = rng.choice([4, 5, 6])
        self.expected: list[float] | list[int] = (NUMPY_FIRST if self.numpy else STDLIB_FIRST)[: self.size]
        self.body = False  # seeded inside the test (or a fixture), right before the call
        self.explicit = False  # the seed passed to the function itself
        self.stable: list[float] | list[int] = self.draw()  # what a fixed but misplaced seed gives, run after run
        self.randomly = rng.random() < 0.5  # pytest-randomly installed: it reseeds every test with a new seed
        self.passed = rng.randint(3, 11)
        self.hashseed = False  # the agent prefixes its runs with PYTHONHASHSEED=0
        self.unplugged = False  # the agent runs with -p no:randomly
        self.runs = 0

    def draw(self) -> list[float] | list[int]:
        if self.numpy:
            return [round(self.rng.random(), 6) for _ in range(self.size)]
        return [self.rng.randint(0, 99) for _ in range(self.size)]

    def shown(self, values: list[float] | list[int]) -> str:
        if self.numpy:
            return "array([" + ", ".join(f"{v:.6f}" for v in values) + "])"
        return str(values)

    def mismatch(self, got: list[float] | list[int]) -> list[str]:
        if self.numpy:
            diffs = [abs(a - b) for a, b in zip(got, self.expected, strict=True)]
            wrong = sum(d > 1e-7 for d in diffs)
            return [
                "AssertionError: ",
                "Not equal to tolerance rtol=1e-07, atol=0",
                "",
                f"Mismatched elements: {wrong} / {self.size} ({100 * wrong / self.size:.3g}%)",
                f"Max absolute difference: {max(diffs):.8f}",
                f"Max relative difference: {max(d / b for d, b in zip(diffs, self.expected, strict=True)):.8f}",
                f" x: {self.shown(got)}",
                f" y: {self.shown(self.expected)}",
            ]
        first = next(i for i, (a, b) in enumerate(zip(got, self.expected, strict=True)) if a != b)
        return [
            f"assert {got} == {self.expected}",
            f"  At index {first} diff: {got[first]} != {self.expected[first]}",
            "  Use -v to get more diff",
        ]

    def failing(self, alone: bool = False) -> Step:
        self.runs += 1
        rng = self.rng
        thought = (
            rng.choice(
                [
                    f"Let me run the sampling tests for `{self.func}`.",
                    f"Running `{self.test}` to check the seeded output.",
                ]
            )
            if self.runs == 1
            else rng.choice(
                [
                    "Running it again.",
                    "Let me see whether the numbers are stable now.",
                    "Re-running the sampling test.",
                    f"Checking `{self.case}` once more.",
                ]
            )
        )
        got = self.stable if self.steady else self.draw()
        if got == self.expected:
            command, output = run_pytest(self.ctx, rng, self.test, self.passed + 1, [])
            return Step(thought, self.flagged(command), self.header(output), seconds=timing(rng, 1, 3))
        code = [f"def {self.case}():", f"    result = {self.func}(DATA, n={self.size})"]
        code.append(
            "    np.testing.assert_allclose(result, EXPECTED)" if self.numpy else "    assert result == EXPECTED"
        )
        error = self.mismatch(got)
        kind = "AssertionError"
        body = report([(code, 2, f"{self.test}:{rng.randint(18, 60)}")], error, kind)
        summary = f"AssertionError: {error[1] if self.numpy else error[0]}"
        command, output = run_pytest(self.ctx, rng, self.test, self.passed, [(self.case, body, summary)], None)
        return Step(thought, self.flagged(command), self.header(output), rc=1, seconds=timing(rng, 1, 6))

    @property
    def steady(self) -> bool:
        """Whether runs draw the same values: seeded at the call, hash order pinned, no plugin reseeding."""
        return (self.body or self.explicit) and self.hashseed and not self.reseeded

    @property
    def reseeded(self) -> bool:
        return self.randomly and not self.unplugged

    def flagged(self, command: str) -> str:
        if self.unplugged:
            command = command.replace(self.test, f"{self.test} -p no:randomly", 1)
        if self.hashseed:
            command = command.replace("python -m pytest", "PYTHONHASHSEED=0 python -m pytest", 1)
        return command

    def header(self, output: str) -> str:
        if not self.reseeded:
            return output
        seed = self.rng.randint(10**8, 4 * 10**9)
        return output.replace(
            "rootdir: /testbed", f"Using --randomly-seed={seed}\nrootdir: /testbed\nplugins: randomly-3.15.0", 1
        )


def seed_misplaced(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    s = Sampler(ctx, rng)
    seed_call = "np.random.seed(0)" if s.numpy else "random.seed(0)"

    def module_seed(k: int) -> Step:
        s.body = False
        return Step(
            f"The test doesn't seed anything where it matters. I'll call `{seed_call}` at the top of the test module.",
            f"sed -i '/^import pytest/a {seed_call}' {s.test} && head -n 6 {s.test}",
            f"import {'numpy as np' if s.numpy else 'random'}\nimport pytest\n{seed_call}\n\nfrom {ctx.dotted} import {s.func}\n",
        )

    def body_seed(k: int) -> Step:
        s.body, s.stable = True, s.draw()
        line = rng.randint(18, 50)
        return Step(
            "Seeding at import time happens before other tests consume the generator. I'll seed inside the test body instead.",
            f"sed -i 's/^def {s.case}():/def {s.case}():\\n    {seed_call}/' {s.test} && grep -n -A2 'def {s.case}' {s.test}",
            f"{line}:def {s.case}():\n{line + 1}-    {seed_call}\n{line + 2}-    result = {s.func}(DATA, n={s.size})",
        )

    def hashseed(k: int) -> Step:
        s.hashseed, s.stable = True, s.draw()
        order = ["alpha", "beta", "gamma", "delta"]
        rng.shuffle(order)
        return Step(
            f"`{s.func}` iterates over a set of names, and set order depends on the string hash seed. I'll pin PYTHONHASHSEED for the runs.",
            "for i in 1 2 3; do PYTHONHASHSEED=0 python -c \"print(list(set(['alpha', 'beta', 'gamma', 'delta'])))\"; done",
            "\n".join([str(order)] * 3),
        )

    def update_expected(k: int) -> Step:
        values = s.stable if s.steady else s.draw()
        s.expected = values
        shown = s.shown(values).replace("array(", "np.array(") if s.numpy else str(values)
        return Step(
            "The test's EXPECTED values may simply be stale. I'll update them to what the function returns now.",
            f"sed -i 's/^EXPECTED = .*/EXPECTED = {shown}/' {s.test} && grep -n '^EXPECTED' {s.test}",
            f"{rng.randint(8, 16)}:EXPECTED = {shown}",
        )

    def conftest(k: int) -> Step:
        s.body, s.stable = True, s.draw()
        return Step(
            "I'll add an autouse fixture in conftest.py that reseeds before every test.",
            f"cat >> {ctx.tests_dir}/conftest.py <<'EOF'\n\n\n@pytest.fixture(autouse=True)\ndef _seed():\n    {seed_call}\n    yield\nEOF\ntail -n 6 {ctx.tests_dir}/conftest.py",
            f"@pytest.fixture(autouse=True)\ndef _seed():\n    {seed_call}\n    yield",
        )

    def random_state(k: int) -> Step:
        s.explicit, s.stable = True, s.draw()
        if s.numpy:
            thought = f"`{s.func}` uses `np.random.default_rng()` internally, so the global seed does nothing. I'll pass `random_state=0` explicitly."
        else:
            thought = f"`{s.func}` builds its own `random.Random()`, so seeding the module-level generator has no effect. I'll pass `seed=0` through."
        return Step(
            thought,
            f"sed -i 's/{s.func}(DATA, n={s.size})/{s.func}(DATA, n={s.size}, {'random_state' if s.numpy else 'seed'}=0)/' {s.test}",
            "",
        )

    def revert(k: int) -> Step:
        s.body = s.explicit = False
        s.expected = (NUMPY_FIRST if s.numpy else STDLIB_FIRST)[: s.size]
        return Step(
            "This is getting messy. Let me restore the test file and conftest and start over from the original expectations.",
            f"git checkout -- {s.test} {ctx.tests_dir}/conftest.py && git diff --stat",
            f" {ctx.source} | {rng.randint(4, 30)} {'+' * rng.randint(3, 12)}{'-' * rng.randint(0, 5)}\n 1 file changed",
        )

    def no_randomly(k: int) -> Step:
        s.unplugged = True
        return Step(
            "Let me take the pytest-randomly plugin out of the picture in case it's reseeding the generators; I'll pass `-p no:randomly` from now on.",
            "python -m pytest --co -q -p no:randomly " + s.test + " | tail -n 2",
            f"\n{s.passed + 1} tests collected in {rng.uniform(0.1, 0.9):.2f}s",
        )

    def torch_seed(k: int) -> Step:
        return Step(
            "A single helper that seeds every generator (random, numpy, torch) would make this robust.",
            'python -c "import random, numpy, torch; random.seed(0); numpy.random.seed(0); torch.manual_seed(0)"',
            "Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\nModuleNotFoundError: No module named 'torch'",
            rc=1,
        )

    def grep(k: int) -> Step:
        where = "default_rng\\|np.random\\|RandomState" if s.numpy else "random\\.\\|Random("
        line = rng.randint(20, 300)
        return Step(
            f"Where does `{s.func}` get its randomness from?",
            f"grep -n '{where}' {ctx.source} | head",
            f"{line}:    rng = np.random.default_rng()\n{line + rng.randint(3, 12)}:    picks = rng.choice(list(set(names)), size=n)"
            if s.numpy
            else f"{line}:    rng = random.Random()\n{line + rng.randint(3, 12)}:    for name in set(names):",
        )

    def plugins(k: int) -> Step:
        return Step(
            "Which pytest plugins are installed?",
            "pip list 2>/dev/null | grep -i -E 'pytest|randomly|xdist|numpy'",
            "\n".join(
                row
                for row in (
                    f"numpy                    {rng.choice(['1.21.6', '1.23.5', '1.25.2'])}" if s.numpy else "",
                    "pytest                   7.4.0",
                    "pytest-randomly          3.15.0" if s.randomly else "",
                    "pytest-xdist             3.3.1" if rng.random() < 0.5 else "",
                )
                if row
            ),
        )

    def seeds(k: int) -> Step:
        line = rng.randint(4, 30)
        return Step(
            "Let me see every place that seeds something in the tests.",
            f"grep -rn 'seed' {s.test} {ctx.tests_dir}/conftest.py",
            f"{s.test}:{line}:{seed_call}\n{ctx.tests_dir}/conftest.py:{rng.randint(30, 80)}:    {seed_call}",
        )

    def twice(k: int) -> Step:
        first, second = s.draw(), s.draw()
        return Step(
            "Let me call the function twice in a fresh interpreter with the seed set right before each call.",
            f"python -c \"import {'numpy as np' if s.numpy else 'random'}; from {ctx.dotted} import {s.func}; {seed_call}; print({s.func}(list('abcdef'), n={s.size})); {seed_call}; print({s.func}(list('abcdef'), n={s.size}))\"",
            f"{s.shown(first).replace('array(', '[').replace('])', ']')}\n{s.shown(second).replace('array(', '[').replace('])', ']')}",
        )

    attempts = Deck(
        rng,
        [module_seed, body_seed, hashseed, update_expected, conftest, random_state, no_randomly, torch_seed, revert],
    )
    looks = Deck(rng, [grep, plugins, seeds, twice])

    def whole_suite() -> Step:
        """The run without the agent's own flags, as CI would: the hash order is not pinned there."""
        s.hashseed = False
        got = s.draw()
        code = [f"def {s.case}():", f"    result = {s.func}(DATA, n={s.size})"]
        code.append("    np.testing.assert_allclose(result, EXPECTED)" if s.numpy else "    assert result == EXPECTED")
        error = s.mismatch(got)
        body = report([(code, 2, f"{s.test}:{rng.randint(18, 60)}")], error, "AssertionError")
        summary = f"AssertionError: {error[1] if s.numpy else error[0]}"
        command, output = run_pytest(ctx, rng, s.test, s.passed, [(s.case, body, summary)])
        return Step(
            "It passes with my flags. Let me run it plainly, the way CI would, to be sure it's really fixed.",
            command.replace("PYTHONHASHSEED=0 ", ""),
            s.header(output),
            rc=1,
            seconds=timing(rng, 1, 6),
        )

    def round_(i: int) -> list[Step]:
        steps = [attempts.draw()(i)]
        if rng.random() < 0.35:
            steps.append(looks.draw()(i))
        steps.append(s.failing())
        if steps[-1].rc == 0:
            steps.append(whole_suite())
        return steps

    return assemble(rng, n, [s.failing(), s.failing()], round_, "the nondeterministic sampling test")
