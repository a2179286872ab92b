"""Productive episodes with the loops' surfaces: the same error met once or twice, then genuinely resolved."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import addr
from heldout25.loops_code import _hunk
from heldout25.text import Ctx, failing, passing, pick


def network_avoided(ctx: Ctx, rng: random.Random) -> list[Step]:
    """pip cannot reach the index once; the agent finds the package already installed and moves on."""
    name = pick(rng, ["hypothesis", "packaging", "docutils", "pytz"])
    version = f"{rng.randint(1, 6)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
    steps = [
        Step(
            f"I'd like {name} for a quick check; installing it.",
            f"pip install {name}",
            f"WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by "
            f"'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at {addr(rng)}>: Failed to establish a new connection: "
            f"[Errno -3] Temporary failure in name resolution')': /simple/{name}/\nERROR: Could not find a version that satisfies the requirement {name} "
            f"(from versions: none)\nERROR: No matching distribution found for {name}",
            1,
            rng.uniform(8, 30),
        ),
        Step(
            "No network here. It may already be in the environment.",
            f"pip show {name} | head -n 3",
            f"Name: {name}\nVersion: {version}\nSummary: {pick(rng, ['A library', 'Core utilities', 'Documentation utilities'])}",
            0,
            0.7,
        ),
        Step(
            f"{name} {version} is installed already, so I can use it directly.",
            f'python -c "import {name}; print({name}.__version__)"',
            version,
            0,
            0.5,
        ),
    ]
    return steps


def patch_reapplied(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A hand-written patch fails once; the agent reads the real lines and makes the edit with Python instead."""
    line = rng.randint(40, 900)
    return [
        Step(
            "I'll write the change as a patch.",
            f"cat > /tmp/fix.patch <<'EOF'\n{_hunk(ctx, rng, line)}EOF\ngit apply /tmp/fix.patch",
            f"error: patch failed: {ctx.source}:{line}\nerror: {ctx.source}: patch does not apply",
            1,
            0.3,
        ),
        Step(
            "The context lines must differ. Let me look at the actual code.",
            f"grep -n -A6 'def {ctx.stem}' {ctx.source} | head -n 12",
            f"{line + 3}:def {ctx.stem}(value, strict=False):\n{line + 4}-    if value is None:\n{line + 5}-        return None\n{line + 6}-    return {ctx.cls}(value)",
            0,
            0.1,
        ),
        Step(
            "The signature has an extra argument, so the hunk never matched. A direct edit is simpler.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\nold = '        return None\\n    return {ctx.cls}(value)\\n'\n"
            f"new = '        return None\\n    if isinstance(value, {ctx.cls}):\\n        return value\\n    return {ctx.cls}(value)\\n'\n"
            "assert s.count(old) == 1\nopen(p, 'w').write(s.replace(old, new))\nEOF",
            "",
            0,
            0.3,
        ),
        Step(
            "Checking the edit landed.",
            f"git diff {ctx.source} | head -n 20",
            f"diff --git a/{ctx.source} b/{ctx.source}\n@@ -{line + 5},3 +{line + 5},5 @@\n         return None\n+    if isinstance(value, {ctx.cls}):\n+        return value\n     return {ctx.cls}(value)",
            0,
            0.1,
        ),
    ]


def files_closed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The reproduction runs out of descriptors once; the leak is in the agent's own loop, and closing it fixes the run."""
    limit = rng.choice([256, 512, 1024])
    count = rng.randint(2, 9) * 1000
    return [
        Step(
            "Running the stress reproduction.",
            "python reproduce.py",
            f'Traceback (most recent call last):\n  File "/testbed/reproduce.py", line {rng.randint(6, 20)}, in <module>\n'
            f"OSError: [Errno 24] Too many open files: '/tmp/tmp{rng.randrange(16**6):06x}/case_{rng.randint(200, limit)}.txt'",
            1,
            1.5,
        ),
        Step(
            "What is the descriptor limit?",
            "ulimit -n; grep -n 'open(' reproduce.py",
            f"{limit}\n{rng.randint(6, 20)}:    fh = open(path, 'w')",
            0,
            0.1,
        ),
        Step(
            f"My script opens {count} files and never closes them; that's the leak, not the library. Using a with block.",
            "sed -i \"s/    fh = open(path, 'w')/    with open(path, 'w') as fh: pass/\" reproduce.py && python reproduce.py",
            f"wrote {count} files\nall {ctx.cls} checks passed",
            0,
            2.0,
        ),
    ]


def xpass_unmarked(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The fix makes a strict xfail pass; the agent sees the marker tracked this very bug and removes it."""
    name = ctx.test_name(rng)
    passed = rng.randint(5, 90)
    if ctx.django:
        first = (
            f"System check identified no issues (0 silenced).\n{'.' * passed}u\n"
            + "-" * 70
            + f"\nRan {passed + 1} tests in {rng.uniform(0.05, 3):.3f}s\n\nFAILED (unexpected successes=1)"
        )
        marker, remove = "    @expectedFailure", f"sed -i '/@expectedFailure/d' {ctx.test_file}"
    else:
        first = failing(ctx, rng, name, ["[XPASS(strict)] known bug"], "", passed).replace(f"::{name} - ", f"::{name}")
        marker, remove = (
            '@pytest.mark.xfail(reason="known bug", strict=True)',
            f"sed -i '/xfail(reason=\"known bug\"/d' {ctx.test_file}",
        )
    return [
        Step("Running the module's tests with the fix.", ctx.test_cmd(rng), first, 1, rng.uniform(2, 20)),
        Step(
            "That test passes unexpectedly. Let me see what it was marked for.",
            f"grep -n -B3 -A6 'def {name}' {ctx.test_file}",
            f"{rng.randint(20, 600)}-{marker}\n{rng.randint(20, 600)}:def {name}():\n    assert {ctx.stem}(None) is None",
            0,
            0.1,
        ),
        Step("The expected failure documents exactly the bug I fixed, so the marker should go.", remove, "", 0, 0.1),
        Step("Running the tests again.", ctx.test_cmd(rng), passing(ctx, rng, passed + 1), 0, rng.uniform(2, 20)),
    ]


def tolerance_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A float differs in the last bit once; the agent's own check switches to a tolerance and passes."""
    base = pick(rng, ["0.3", "1.1", "0.7"])
    got = repr(float(base) + float(base) * 2.220446049250313e-16)
    return [
        Step(
            "Running my check script.",
            "python check_values.py",
            f'Traceback (most recent call last):\n  File "/testbed/check_values.py", line {rng.randint(5, 15)}, in <module>\n    assert result == {base}, result\nAssertionError: {got}',
            1,
            0.8,
        ),
        Step(
            "That's a one-ulp difference from summation order, which the library never promised; my check should compare with a tolerance.",
            "sed -i 's/assert result == "
            + base
            + ", result/assert math.isclose(result, "
            + base
            + "), result/' check_values.py && sed -i '1i import math' check_values.py && python check_values.py",
            "ok",
            0,
            0.8,
        ),
    ]


def syntax_backported(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The agent's change uses syntax the environment's Python lacks; it checks the version once and rewrites it."""
    line = rng.randint(40, 800)
    full = ctx.run.pytest_header.split("Python ", 1)[1].split(",", 1)[0]
    return [
        Step(
            "Let me run the reproduction with my change.",
            "python reproduce.py",
            f'Traceback (most recent call last):\n  File "/testbed/reproduce.py", line 1, in <module>\n    from {ctx.dotted} import {ctx.cls}\n'
            f'  File "/testbed/{ctx.source}", line {line}\n    match value:\n          ^\nSyntaxError: invalid syntax',
            1,
            0.6,
        ),
        Step(
            "A match statement is a syntax error here; which Python is this?",
            "python --version",
            f"Python {full}",
            0,
            0.1,
        ),
        Step(
            f"Python {full} predates match. Rewriting it as an if/elif chain.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\ns = s.replace('    match value:\\n        case None:\\n', '    if value is None:\\n')\n"
            "s = s.replace('        case _:\\n', '    else:\\n')\nopen(p, 'w').write(s)\nEOF\npython -m py_compile "
            + ctx.source,
            "",
            0,
            0.4,
        ),
        Step(
            "It compiles; rerunning the reproduction.",
            "python reproduce.py",
            pick(rng, ["OK", f"{ctx.cls}: ok", "All checks passed."]),
            0,
            0.6,
        ),
    ]
