"""A loop on output that differs every run: each fix meets a new difference."""

from __future__ import annotations

import hashlib
import random

from heldout20.calls import Step
from heldout21.text import (
    Ctx,
    Failure,
    Move,
    addr,
    loop_steps,
    test_output,
    think,
    vary,
    write_repro,
)

_WORDS = {
    "django": ["name", "slug", "created", "author", "tags", "title"],
    "sympy": ["x", "y", "z", "a", "b", "n"],
    "sphinx-doc": ["py:class", "py:function", "py:method", "py:attribute", "py:module"],
    "matplotlib": ["color", "linewidth", "alpha", "zorder", "label"],
    "mwaskom": ["hue", "size", "style", "x", "y"],
    "scikit-learn": ["alpha", "max_iter", "tol", "solver", "random_state"],
    "pydata": ["time", "lat", "lon", "level", "band"],
    "astropy": ["ra", "dec", "flux", "mag", "epoch"],
}


def nondeterministic_output(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    words = rng.sample(_WORDS.get(ctx.run.owner, ["alpha", "beta", "gamma", "delta", "omega"]), 3)
    expected = f"{ctx.cls}({', '.join(sorted(words))})"
    name = f"test_{ctx.stem}_{vary(rng, ['repr', 'str', 'output', 'serialization', 'summary'])}"
    tried: set[str] = set()
    clock = {"minute": rng.randint(5, 40)}

    def actual(kind: str) -> tuple[str, str]:
        """What this run printed for `kind` of nondeterminism, and what the test expected there."""
        if kind == "set":
            order = words[:]
            while order == sorted(words):
                rng.shuffle(order)
            return f"{ctx.cls}({', '.join(order)})", expected
        if kind == "time":
            clock["minute"] = min(59, clock["minute"] + rng.randint(0, 1))
            stamp = f"2025-11-18 17:{clock['minute']:02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d}"
            return f"{expected} generated {stamp}", f"{expected} generated 2025-11-18 17:05:31.000000"
        if kind == "addr":
            return f"<{ctx.cls} {words[0]} at {addr(rng)}>", f"<{ctx.cls} {words[0]} at 0x7f3a5c2e1d90>"
        key = hashlib.md5(f"{words}{rng.random()}".encode()).hexdigest()[:8]
        return f"{ctx.cls}[{key}]({', '.join(sorted(words))})", f"{ctx.cls}[3f9c0a1e]({', '.join(sorted(words))})"

    def kind() -> str:
        fresh = [k for k in ("set", "time", "addr", "hash") if k not in tried]
        return rng.choice(fresh or ["set", "addr", "hash"])

    def failure(k: str) -> Failure:
        got, want = actual(k)
        if ctx.django:
            return (
                name,
                "self.assertEqual(str(obj), expected)",
                [f"AssertionError: '{got}' != '{want}'", f"- {got}", f"+ {want}"],
            )
        return (
            name,
            "assert str(obj) == expected",
            [f"AssertionError: assert '{got}' == '{want}'", "  ", f"  - {want}", f"  + {got}"],
        )

    total = rng.randint(8, 60)

    def test(i: int) -> Step:
        if i > 2 and rng.random() < 0.15:
            return Step(
                think(rng, ["Run the tests again.", "Once more, to see whether it's stable."]),
                ctx.test_cmd(),
                test_output(ctx, rng, total),
                0,
                3.0,
            )
        k = kind()
        seeded = "hash" in tried and rng.random() < 0.5
        intentions = [
            "Run the test again.",
            "Let me re-run the failing test.",
            "Re-run to check the output now.",
            "Run the tests again and compare.",
        ]
        command = ("PYTHONHASHSEED=0 " if seeded else "") + ctx.test_cmd(
            vary(rng, ["", "", " -q"]) if not ctx.django else ""
        )
        return Step(think(rng, intentions), command, test_output(ctx, rng, total - 1, [failure(k)]), 1, 3.0)

    def hashseed(i: int) -> Step:
        tried.add("hash")
        tried.add("set")
        k = rng.choice(["time", "addr"])
        seed = vary(rng, ["0", "0", "42", "123"])
        intentions = [
            "String hashing is randomised; pin PYTHONHASHSEED and run again.",
            f"Run with PYTHONHASHSEED={seed} so set ordering is fixed.",
            "Fix the hash seed.",
        ]
        return Step(
            think(rng, intentions),
            f"PYTHONHASHSEED={seed} {ctx.test_cmd()}",
            test_output(ctx, rng, total - 1, [failure(k)]),
            1,
            3.0,
        )

    def compare(i: int) -> Step:
        if rng.random() < 0.5:
            out = "\n".join(f"{hashlib.md5(str(rng.random()).encode()).hexdigest()}  -" for _ in range(3))
            return Step(
                think(
                    rng, ["Is the script's output even stable? Hash three runs.", "Compare the output of several runs."]
                ),
                f"for i in 1 2 3; do {ctx.py} {ctx.repro} | md5sum; done",
                out,
                0,
                3.0,
            )
        k = kind()
        first, second = actual(k)[0], actual(k)[0]
        at = rng.randint(1, 4)
        out = f"{at}c{at}\n< {first}\n---\n> {second}"
        return Step(
            think(rng, ["Diff two consecutive runs to see what changes.", "What exactly differs between runs?"]),
            f"diff <({ctx.py} {ctx.repro}) <({ctx.py} {ctx.repro})",
            out,
            1,
            2.0,
        )

    def show(i: int) -> Step:
        k = kind()
        lines = [actual(k)[0], f"{words[0]}: {vary(rng, ['ok', 'True', '1'])}"]
        return Step(
            think(
                rng,
                [
                    "Print what the object looks like now.",
                    "Let me look at the output directly.",
                    f"Run {ctx.repro} and look at the text.",
                ],
            ),
            f"{ctx.py} {ctx.repro}",
            "\n".join(lines),
            0,
            1.0,
        )

    def sort_fix(i: int) -> Step:
        k = kind()
        tried.add(k)
        edits = {
            "set": (
                f"sed -i 's/for {words[0][:1]} in self._fields/for {words[0][:1]} in sorted(self._fields)/' {ctx.source}",
                "Sort the fields before joining them.",
            ),
            "time": (
                f"sed -i 's/datetime.now()/datetime(2025, 11, 18, 17, 5, 31)/' {ctx.test_file}",
                "Freeze the timestamp in the test.",
            ),
            "addr": (
                f"sed -i \"s/assert str(obj) == expected/assert re.sub(r'0x[0-9a-f]+', '0x', str(obj)) == re.sub(r'0x[0-9a-f]+', '0x', expected)/\" {ctx.test_file}",
                "Mask memory addresses before comparing.",
            ),
            "hash": (
                f"sed -i 's/hash(self._key)/hashlib.md5(self._key.encode()).hexdigest()[:8]/' {ctx.source}",
                "Use a stable digest instead of hash().",
            ),
        }
        command, thought = edits[k]
        return Step(think(rng, [thought, f"{thought} That should make it deterministic."]), command, "", 0)

    def update_expected(i: int) -> Step:
        got = actual(kind())[0]
        return Step(
            think(
                rng,
                [
                    "Update the expected string to what the code produces now.",
                    "Maybe the expectation is just stale; set it to the current output.",
                ],
            ),
            f"sed -i \"s/expected = .*/expected = '{got}'/\" {ctx.test_file}",
            "",
            0,
        )

    def grep(i: int) -> Step:
        lines = [
            f"{rng.randint(20, 300)}:        self._fields = set({words[0][:1]} for {words[0][:1]} in fields)",
            f"{rng.randint(300, 600)}:        return '%s(%s)' % (type(self).__name__, ', '.join(self._fields))",
            f"{rng.randint(600, 900)}:        self._created = datetime.now()",
        ]
        rng.shuffle(lines)
        return Step(
            think(
                rng,
                [
                    "Look for sources of nondeterminism in the module.",
                    "Where could ordering or timestamps come from?",
                    "Search the code for sets, ids and now().",
                ],
                ["", ""],
            ),
            f"grep -n 'set(\\|frozenset\\|datetime.now\\|id(self\\|hash(' {ctx.source}",
            "\n".join(sorted(lines, key=lambda line: int(line.split(":")[0]))),
        )

    k0 = kind()
    body = f"from {ctx.dotted} import *\n\nobj = {ctx.cls}({', '.join(repr(w) for w in words)})\nprint(str(obj))\nprint('{words[0]}:', bool(obj))"
    preamble = write_repro(ctx, rng, body)
    opener = Step(
        vary(
            rng,
            [
                "Run the tests to make sure the change works.",
                "Now run the relevant tests.",
                "Check the existing tests pass.",
            ],
        ),
        ctx.test_cmd(),
        test_output(ctx, rng, total - 1, [failure(k0)]),
        1,
        3.0,
    )
    moves: list[tuple[Move, int]] = [
        (test, 5),
        (hashseed, 2),
        (compare, 2),
        (show, 2),
        (sort_fix, 3),
        (update_expected, 1),
        (grep, 2),
    ]
    return loop_steps(rng, n, opener, moves, "the output changing on every run", preamble, test)
