# ruff: noqa: E501
"""Loop family on catastrophic backtracking: a validator whose nested quantifier hangs on a long invalid input."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout60.errors import collection_error, hang
from heldout60.text import Attempt, Ctx, Fail, churn, py_edit, py_edits, test_step

_NAME = r"^([\w.-]+\s?)+$"


def _timings(rng: random.Random, sizes: list[int], base: float, ratio: float) -> str:
    return "\n".join(f"{n:>3} {base * ratio ** (n - sizes[0]):.3f}s" for n in sizes)


def nested_quantifier_hang(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A name validator whose nested quantifier backtracks exponentially on a long invalid input: every bound, guard and rewrite still hangs or rejects a valid name."""
    func = rng.choice([f"_is_valid_{ctx.stem}_name", f"validate_{ctx.stem}_label", f"_{ctx.stem}_name_ok"])
    src, tf = ctx.source, ctx.test_file
    case = f"test_{ctx.stem}_long_invalid_input"
    modern = ctx.python in ("3.11", "3.12")
    a, b, c = ctx.pick(rng, 3)
    words = rng.randint(30, 90)
    state = {"pattern": _NAME, "call": "match"}

    def call() -> str:
        return f"return {ctx.regex}.{state['call']}(value) is not None"

    def compiled() -> str:
        return f'{ctx.regex} = re.compile(r"{state["pattern"]}")'

    def body() -> str:
        return f"{compiled()}\n\n\ndef {func}(value):\n    {call()}\n"

    def stuck(thought: str, extra: str = "") -> Step:
        target = rng.choice([tf, f"{tf}::{case}", ""])
        return hang(ctx, rng, ctx.tests(target, extra or rng.choice(["", " -x", " -q"])), thought, func, call(), case)

    def rejects(thought: str, kinds: list[str]) -> Step:
        values = {
            "long_valid": f"' '.join([{a!r}] * {words})",
            "trailing_space": repr(f"{a} "),
            "underscore": repr(f"_{a}_{b}"),
            "double_space": repr(f"{a}  {b}"),
            "dotted": repr(f"{a}.{b} {c}"),
        }
        fails = [
            Fail(f"test_{ctx.stem}_{k}", "AssertionError: assert True is False", f"assert {func}({values[k]}) is False")
            if k == "double_space"
            else Fail(
                f"test_{ctx.stem}_{k}", "AssertionError: assert False is True", f"assert {func}({values[k]}) is True"
            )
            for k in kinds
        ]
        return test_step(ctx, rng, thought, rng.choice([tf, ""]), fails, rng.choice(["", " -q"]))

    def repattern(thought: str, pattern: str) -> Step:
        old, state["pattern"] = state["pattern"], pattern
        return Step(thought, py_edit(src, f'r"{old}"', f'r"{pattern}"'), "patched")

    def bound(k: int) -> list[Step]:
        new = rng.choice([r"^([\w.-]{1,64}\s?)+$", r"^([\w.-]+\s?){1,32}$", r"^([\w.-]{1,20}\s?){1,20}$"])
        if new == state["pattern"]:
            return near_miss(k)
        edit = repattern(f"Let me bound the repetition so the engine can't try unboundedly many splits: `{new}`.", new)
        if "{1,64}" in new or rng.random() < 0.5:
            return [edit, stuck("Rerun the long-input test.")]
        return [
            edit,
            rejects("Rerun the validator tests without the long-input one.", ["long_valid"]),
            stuck("And the long-input test."),
        ]

    def atomic(k: int) -> list[Step]:
        if modern:  # atomic groups and possessive quantifiers compile from 3.11 on
            return near_miss(k)
        before = state["pattern"]
        new = rng.choice([r"^(?>[\w.-]+\s?)+$", r"^([\w.-]++\s?)+$", r"^(?>[\w.-]+)(?:\s?(?>[\w.-]+))*$"])
        error = (
            "unknown extension ?> at position 2"
            if "?>" in new
            else f"multiple repeat at position {new.index('++') + 1}"
        )
        edit = repattern(
            "An atomic group (or a possessive quantifier) would stop the backtracking into the inner repetition.", new
        )
        run = collection_error(ctx, rng, "Run the tests.", rng.choice([tf, ""]), func, compiled(), f"re.error: {error}")
        back = repattern(
            f"`re` on Python {ctx.python} doesn't support that syntax. Put the previous pattern back.", before
        )
        return [edit, run, back]

    def guard(k: int) -> list[Step]:
        limit = rng.choice([30, 50, 100, 255])
        check = f"    if len(value) > {limit}:\n        return False\n"
        head = f"def {func}(value):\n"
        edit = Step(
            f"Simplest is to refuse long inputs before matching: anything over {limit} characters is invalid anyway.",
            py_edit(src, head, head + check),
            "patched",
        )
        if limit > 41:
            return [edit, stuck("Run the long-input test again.")]
        undo = Step(
            "That rejects legitimately long names. Remove the length check again.",
            py_edit(src, head + check, head),
            "patched",
        )
        return [edit, rejects("Run the whole module.", ["long_valid"]), undo]

    def fullmatch(k: int) -> list[Step]:
        old_call, old_pattern = call(), state["pattern"]
        state["call"] = "fullmatch" if state["call"] == "match" else "match"
        pattern = (
            old_pattern.removeprefix("^").removesuffix("$") if state["call"] == "fullmatch" else f"^{old_pattern}$"
        )
        state["pattern"] = pattern
        why = (
            "Maybe the anchors make the engine retry from every position; fullmatch without ^ and $ should only try once."
            if state["call"] == "fullmatch"
            else "fullmatch made no difference. Back to match with explicit anchors."
        )
        return [
            Step(why, py_edits(src, [(old_call, call()), (f'r"{old_pattern}"', f'r"{pattern}"')]), "patched"),
            stuck("Rerun."),
        ]

    def near_miss(k: int) -> list[Step]:
        new, why = rng.choice(
            [
                (r"^([\w.-]+\s*)*$", "let the separator repeat and the group be optional"),
                (r"^(\s?[\w.-]+)+$", "put the optional separator before the word instead of after it"),
                (r"^(?:[\w.-]|\s)+?$", "match one character at a time with an alternation"),
                (r"^([\w.-]*\s?[\w.-]*)+$", "split the word around the separator"),
            ]
        )
        if state["call"] == "fullmatch":
            new = new.removeprefix("^").removesuffix("$")
        if new == state["pattern"]:
            return [timing(k)]
        before = state["pattern"]
        edit = repattern(f"Let me restructure the pattern: {why}, `{new}`.", new)
        if "|" in new:
            run = rejects("Run the module with this pattern.", ["double_space"])
            return [
                edit,
                run,
                repattern("That accepts runs of spaces it must reject. Back to the previous pattern.", before),
            ]
        return [edit, stuck("And the long-input test.")]

    def timing(k: int) -> Step:
        sizes = rng.choice([[14, 16, 18, 20, 22], [16, 18, 20, 22], [12, 15, 18, 21, 24]])
        return Step(
            "Let me measure how the time grows with the input length to confirm it's the backtracking.",
            f"python - <<'EOF'\nimport time\nfrom {ctx.dotted} import {func}\nfor n in {sizes!r}:\n    t = time.perf_counter()\n    {func}('a' * n + '!')\n    print('%3d %.3fs' % (n, time.perf_counter() - t))\nEOF",
            _timings(rng, sizes, 0.002 * 2 ** (sizes[0] - 14) * rng.uniform(0.7, 1.6), rng.uniform(1.95, 2.05)),
            seconds=rng.uniform(4, 30),
        )

    def third_party(k: int) -> list[Step]:
        installed = rng.random() < 0.5
        steps = [
            Step(
                "The third-party `regex` module supports a timeout; let me see whether it's available.",
                rng.choice(["pip install regex", "python -m pip install -q regex"]),
                f"Requirement already satisfied: regex in {ctx.site} (2023.{rng.randint(3, 12)}.{rng.randint(1, 28)})"
                if installed
                else "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f3a2c1e5d60>: Failed to establish a new connection: [Errno 101] Network is unreachable')': /simple/regex/\nERROR: Could not find a version that satisfies the requirement regex (from versions: none)\nERROR: No matching distribution found for regex",
                rc=0 if installed else 1,
                seconds=rng.uniform(2, 25),
            )
        ]
        if installed:
            timed = call().replace("(value)", "(value, timeout=0.5)")
            pairs = [(call(), timed), ("import re\n", "import regex as re\n")]
            steps += [
                Step("Use regex with a timeout and treat a timeout as invalid.", py_edits(src, pairs), "patched"),
                test_step(
                    ctx,
                    rng,
                    "Run the tests.",
                    tf,
                    [
                        Fail(
                            case,
                            "TimeoutError: regex timed out",
                            f"assert not {func}('a' * 40 + '!')",
                            [(func, timed.strip())],
                        )
                    ],
                ),
                Step(
                    "It raises instead of returning False, and the project can't take a new dependency for this anyway. Undo it.",
                    py_edits(src, [(new, old) for old, new in pairs]),
                    "patched",
                ),
            ]
        return steps

    def split_based(k: int) -> list[Step]:
        if rng.random() < 0.6:
            edit = "    parts = value.split(' ')\n    return bool(value) and all(p.replace('.', '').replace('-', '').isalnum() for p in parts)"
            outcome = rejects(
                "Run the validator tests.", rng.sample(["underscore", "trailing_space"], rng.randint(1, 2))
            )
        else:
            edit = "    return bool(value.strip()) and all(p and set(p) <= _NAME_CHARS for p in value.split())"
            fails = [
                Fail(
                    f"test_{ctx.stem}_{name}",
                    "NameError: name '_NAME_CHARS' is not defined",
                    f"assert {func}({a!r}) is True",
                    [(func, edit.strip())],
                )
                for name in rng.sample(
                    ["dotted", "spaces", "long_invalid_input", "empty", "unicode"], rng.randint(2, 4)
                )
            ]
            outcome = test_step(ctx, rng, "Run the validator tests.", tf, fails, rng.choice(["", " -q"]))
        return [
            Step(
                "Let me avoid the regex altogether and check each whitespace-separated part.",
                py_edit(src, f"    {call()}", edit),
                "patched",
            ),
            outcome,
            Step(
                "That doesn't hold up either. Put the regex call back.", py_edit(src, edit, f"    {call()}"), "patched"
            ),
        ]

    def revert(k: int) -> list[Step]:
        state.update(pattern=_NAME, call="match")
        return [
            Step(
                "Let me go back to the original pattern and start from a clean state.",
                f"git checkout -- {src} && git diff --stat",
                "",
            ),
            stuck("Confirm the original still hangs.", rng.choice([" -x", " -q -x"])),
        ]

    first = [
        stuck("Let me run the tests for the validator I changed."),
        Step(
            "That hung. Let me look at the pattern.",
            f"grep -n '{ctx.regex}' -B2 -A6 {src}",
            f"{rng.randint(20, 300)}:" + body(),
        ),
    ]
    attempts: list[Attempt] = [
        bound,
        atomic,
        guard,
        fullmatch,
        near_miss,
        lambda k: [timing(k)],
        third_party,
        split_based,
        revert,
        near_miss,
    ]
    return churn(ctx, rng, n, first, attempts, "the validator regex that hangs on long invalid input", func, body)
