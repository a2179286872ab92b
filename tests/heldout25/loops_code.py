"""Loops on the change itself: a patch that will not apply, a strict xfail that now passes, floats that differ in the last bit."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout25.text import Ctx, Maker, failing, passing, pick, weave


def _hunk(ctx: Ctx, rng: random.Random, line: int) -> str:
    arg = pick(rng, ["value", "obj", "name", "data"])
    return (
        f"--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},7 +{line},9 @@ def {ctx.stem}({arg}):\n"
        f"     if {arg} is None:\n         return None\n-    return {ctx.cls}({arg})\n"
        f"+    if isinstance({arg}, {ctx.cls}):\n+        return {arg}\n+    return {ctx.cls}({arg})\n"
    )


def patch_rejected(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent writes its fix as a unified diff by hand; git apply and patch keep rejecting it."""
    line = rng.randint(40, 900)

    def apply(rng: random.Random, i: int) -> Step:
        at = line + rng.randint(-6, 6)
        tool = pick(
            rng,
            [
                "git apply",
                "git apply -v",
                "git apply --ignore-whitespace",
                "git apply --recount",
                "patch -p1 <",
                "git apply --3way",
            ],
        )
        where = pick(rng, ["/tmp/fix.patch", "/tmp/fix.diff", "fix.patch"])
        if tool.startswith("patch"):
            out, rc = (
                f"patching file {ctx.source}\nHunk #1 FAILED at {at}.\n1 out of 1 hunk FAILED -- saving rejects to file {ctx.source}.rej",
                1,
            )
        elif rng.random() < 0.4:
            out, rc = (f"error: corrupt patch at line {rng.randint(8, 14)}", 128)
        elif "3way" in tool:
            out, rc = (
                f"error: patch failed: {ctx.source}:{at}\nFalling back to three-way merge...\n"
                f"error: repository lacks the necessary blob to perform 3-way merge.\nerror: {ctx.source}: patch does not apply",
                1,
            )
        else:
            out, rc = (
                f"Checking patch {ctx.source}...\nerror: while searching for:\n    if value is None:\n        return None\n\n"
                f"error: patch failed: {ctx.source}:{at}\nerror: {ctx.source}: patch does not apply",
                1,
            )
        return Step(
            pick(
                rng,
                [
                    "I'll write the change as a patch and apply it.",
                    "The hunk header must have been off; rewriting the patch.",
                    "Let me regenerate the patch with the exact context lines.",
                    "Trying a more lenient apply.",
                ],
            ),
            f"cat > {where} <<'EOF'\n{_hunk(ctx, rng, at)}EOF\n{tool} {where}",
            out,
            rc,
            0.3,
        )

    looks: list[Maker] = [
        lambda rng, i: Step(
            "Let me see the exact lines the hunk should match.",
            f"sed -n '{line - rng.randint(2, 8)},{line + rng.randint(8, 20)}p' {ctx.source}",
            f"def {ctx.stem}(value):\n    if value is None:\n        return None\n\n    return {ctx.cls}(value)",
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "Let me check the rejected hunk.",
            f"cat {ctx.source}.rej",
            f"--- {ctx.source}\n+++ {ctx.source}\n@@ -{line},7 +{line},9 @@\n     if value is None:",
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "Are there tabs or trailing spaces in the context?",
            f"sed -n '{line},{line + 6}p' {ctx.source} | cat -A | head",
            f"    if value is None:$\n        return None$\n$\n    return {ctx.cls}(value)$",
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "Is the tree clean?",
            "git status --short",
            pick(rng, ["", f"?? {ctx.source}.rej", f"?? {ctx.source}.orig\n?? {ctx.source}.rej"]),
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "Where exactly is the function?",
            f"grep -n 'def {ctx.stem}' {ctx.source}",
            f"{line + rng.randint(-2, 2)}:def {ctx.stem}(value):",
            0,
            0.1,
        ),
    ]
    return weave(rng, n, [apply, apply, apply], looks, "getting the patch to apply")


def strict_xpass(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The fix makes a test marked as an expected failure pass, which a strict marker reports as a failure."""
    name = ctx.test_name(rng)
    reason = pick(
        rng,
        [
            f"{ctx.cls} does not handle this yet",
            "known bug, see ticket",
            f"{ctx.stem} returns the wrong type",
            "not implemented",
        ],
    )

    def run(rng: random.Random, i: int) -> Step:
        passed = rng.randint(5, 90)
        if ctx.django:
            marks = "." * passed + "u"
            out = (
                f"Testing against Django installed in '/testbed/django' with up to {rng.choice([1, 2])} processes\nSystem check identified no issues (0 silenced).\n"
                f"{marks}\n"
                + "-" * 70
                + f"\nRan {passed + 1} tests in {rng.uniform(0.05, 3):.3f}s\n\nFAILED (unexpected successes=1)"
            )
        else:
            out = failing(ctx, rng, name, [f"[XPASS(strict)] {reason}"], "", passed).replace(
                f"::{name} - ", f"::{name}"
            )
        return Step(
            pick(
                rng,
                [
                    "Running the tests for the change.",
                    "Let me run the module's tests again.",
                    "Re-running to see if that failure is gone.",
                ],
            ),
            ctx.test_cmd(rng, name if rng.random() < 0.5 else ""),
            out,
            1,
            rng.uniform(1, 30),
        )

    def tweak(rng: random.Random, i: int) -> Step:
        at = rng.randint(30, 800)
        return Step(
            pick(
                rng,
                [
                    "That test fails after my change, so maybe my fix breaks its case; narrowing the condition.",
                    "I'll make the new branch more conservative so the old behaviour stays for that case.",
                    "Restoring the original behaviour in one branch to see if the failure goes away.",
                ],
            ),
            pick(
                rng,
                [
                    f"sed -i '{at}s/isinstance(value, {ctx.cls})/type(value) is {ctx.cls}/' {ctx.source}",
                    f"sed -i '{at}s/return value$/return {ctx.cls}(value)/' {ctx.source}",
                    f"git diff --stat && sed -i '{at}d' {ctx.source}",
                ],
            ),
            "" if rng.random() < 0.7 else f" {ctx.source} | {rng.randint(3, 20)} +++++++--\n 1 file changed",
            0,
            0.3,
        )

    looks: list[Maker] = [
        lambda rng, i: Step(
            "Let me look at the failing test.",
            f"grep -n -B4 -A12 'def {name}' {ctx.test_file}",
            (
                f"{rng.randint(20, 600)}-    @expectedFailure"
                if ctx.django
                else f'{rng.randint(20, 600)}-@pytest.mark.xfail(reason="{reason}")'
            )
            + f"\n{rng.randint(20, 600)}:def {name}():\n    assert {ctx.stem}(None) is None",
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "What does the config say about xfail?",
            pick(
                rng,
                ["grep -n xfail setup.cfg tox.ini pyproject.toml pytest.ini 2>/dev/null", "grep -rn xfail_strict ."],
            ),
            pick(rng, ["setup.cfg:12:xfail_strict = true", "tox.ini:31:xfail_strict=true"]),
            0,
            0.2,
        ),
        lambda rng, i: Step(
            "Does the test fail on the original code too?",
            f"git stash && {ctx.test_cmd(rng, name)} ; git stash pop",
            f"Saved working directory and index state WIP on main\n{passing(ctx, rng, rng.randint(5, 90))}\nOn branch main\nChanges not staged for commit:\n\tmodified:   {ctx.source}",
            0,
            8,
        ),
    ]
    return weave(rng, n, [run, tweak, run], looks, "the test that now fails after my fix")


def float_tolerance(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Computed floats differ from the expected ones in the last bits; the agent reorders arithmetic and rounds instead of comparing with a tolerance."""
    name = ctx.test_name(rng)
    base = pick(rng, ["0.3", "1.1", "2.675", "0.7", "12.34"])

    def off(rng: random.Random) -> str:
        return repr(float(base) + rng.choice([1, -1, 2]) * float(base) * 2.220446049250313e-16)

    def run(rng: random.Random, i: int) -> Step:
        got = off(rng)
        if rng.random() < 0.4 and not ctx.django:
            diff = rng.uniform(1, 9)
            summary = "AssertionError: "
            body = [
                "E   AssertionError: ",
                "E   Not equal to tolerance rtol=1e-07, atol=0",
                "E   ",
                f"E   Mismatched elements: {rng.randint(1, 4)} / {rng.choice([6, 12, 24, 100])}",
                f"E   Max absolute difference: {diff:.7f}e-16",
                f"E   Max relative difference: {diff / 3:.8f}e-16",
            ]
            summary += "\nNot equal to tolerance rtol=1e-07, atol=0"
        else:
            summary = f"AssertionError: {got} != {base}" if ctx.django else f"assert {got} == {base}"
            body = [f">       assert result == {base}", f"E       assert {got} == {base}"]
        return Step(
            pick(
                rng,
                [
                    "Running the test again.",
                    "Let me see if the values match now.",
                    "Checking the comparison after the change.",
                ],
            ),
            ctx.test_cmd(rng, name),
            failing(ctx, rng, name, body, summary.split("\n")[0], rng.randint(2, 60)),
            1,
            rng.uniform(1, 20),
        )

    def tweak(rng: random.Random, i: int) -> Step:
        at = rng.randint(30, 800)
        expr = pick(
            rng,
            [
                "round(total, 15)",
                "float(str(total))",
                "sum(sorted(parts))",
                "math.fsum(parts)",
                "total * 1.0",
                "(a + b) + c",
                "a + (b + c)",
                "float(Decimal(total))",
            ],
        )
        return Step(
            pick(
                rng,
                [
                    "The last digits differ; let me change how the total is accumulated.",
                    f"Maybe rounding fixes it: using {expr}.",
                    "Floating point noise; I'll compute it in a different order.",
                ],
            ),
            f"sed -i '{at}s/return .*/return {expr}/' {ctx.source}",
            "",
            0,
            0.3,
        )

    looks: list[Maker] = [
        lambda rng, i: Step(
            "Let me print the value with full precision.",
            f'python -c "from {ctx.dotted} import *; print(repr({base}), {pick(rng, ["0.1 + 0.2", "1.1 * 3", "2.675 * 1"])})"',
            f"{base} {off(rng)}",
            0,
            0.6,
        ),
        lambda rng, i: Step(
            "What does the test compare exactly?",
            f"grep -n -A8 'def {name}' {ctx.test_file}",
            f"    def {name}(self):\n        result = {ctx.stem}(parts)\n        "
            + (f"self.assertEqual(result, {base})" if ctx.django else f"assert result == {base}"),
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "Let me look at the arithmetic in the function.",
            f"grep -n 'total' {ctx.source} | head -n 15",
            "\n".join(
                f"{rng.randint(30, 800)}:        total {pick(rng, ['+=', '='])} {pick(rng, ['part', 'value * weight', 'a + b'])}"
                for _ in range(3)
            ),
            0,
            0.1,
        ),
    ]
    return weave(rng, n, [run, tweak, run], looks, "the floating point mismatch")
