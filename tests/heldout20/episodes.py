"""Productive episodes: the same surfaces as the loops, met once and dealt with, inside real resolved runs."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.loops_c import big_diff
from heldout20.text import Ctx, pytest_output, vary


def golden_updated_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    test = f"{ctx.tests_dir}/test_{ctx.stem}_golden.py"
    golden = f"{ctx.tests_dir}/golden/{ctx.stem}_report.txt"
    name = f"test_{ctx.stem}_report_matches_golden"
    line = rng.randint(6, 40)
    body = [
        f"    def {name}():",
        f"        actual = render_report({ctx.cls}())",
        "        expected = GOLDEN.read_text()",
        ">       assert actual == expected, unified(expected, actual)",
        "E       AssertionError: golden file differs:",
        f"E         --- {golden}",
        "E         +++ actual",
        f"E         @@ -{line},3 +{line},3 @@",
        f"E          [{ctx.stem}] section {line // 7 + 1}",
        f"E         -  {ctx.stem}: unsupported",
        f"E         +  {ctx.stem}: handled",
        "",
        f"{test}:23: AssertionError",
    ]
    steps = [
        Step(
            f"Let me also run the golden-file test for {ctx.stem}, since the fix changes what the report prints.",
            f"python -m pytest {test} -q",
            pytest_output(ctx, rng, test, rng.randint(3, 8), [(name, body, "AssertionError: golden file differs:")]),
            1,
            seconds=2,
        ),
        Step(
            "The only difference is the line my fix is meant to change: the old golden output recorded the bug. Let me see how the test regenerates its file.",
            f"grep -n 'UPDATE_GOLDEN' {test}",
            '9:UPDATE = os.environ.get("UPDATE_GOLDEN")\n26:    if UPDATE:\n27:        GOLDEN.write_text(actual)',
        ),
        Step(
            "I'll regenerate the golden file with UPDATE_GOLDEN=1 and check that only that line changed.",
            f"UPDATE_GOLDEN=1 python -m pytest {test} -q >/dev/null; git diff {golden}",
            f"diff --git a/{golden} b/{golden}\nindex {rng.randrange(16**7):07x}..{rng.randrange(16**7):07x} 100644\n--- a/{golden}\n+++ b/{golden}\n@@ -{line},3 +{line},3 @@\n [{ctx.stem}] section {line // 7 + 1}\n-  {ctx.stem}: unsupported\n+  {ctx.stem}: handled\n ",
        ),
    ]
    steps.append(
        Step(
            "Only the intended line changed. Running the golden test normally.",
            f"python -m pytest {test} -q",
            pytest_output(ctx, rng, test, rng.randint(4, 9), []),
            seconds=2,
        )
    )
    return steps


_OWN_WARNINGS = [
    (
        "invalid escape sequence \\d",
        'pattern = re.compile("\\d+")',
        'sed -i \'s/re.compile("\\\\\\\\d+")/re.compile(r"\\\\\\\\d+")/\' {script}',
    ),
    (
        "Using or importing the ABCs from 'collections' instead of from 'collections.abc' is deprecated since Python 3.3, and in 3.10 it will stop working",
        "from collections import Mapping",
        "sed -i 's/from collections import Mapping/from collections.abc import Mapping/' {script}",
    ),
    (
        "inspect.getargspec() is deprecated since Python 3.0, use inspect.signature() or inspect.getfullargspec()",
        "spec = inspect.getargspec(lambda x: x)",
        "sed -i 's/inspect.getargspec(/inspect.getfullargspec(/' {script}",
    ),
    (
        "The 'warn' method is deprecated, use 'warning' instead",
        'log.warn("no value for %s", "x")',
        "sed -i 's/log.warn(/log.warning(/' {script}",
    ),
    (
        "Please use assertEqual instead.",
        "case.assertEquals(result, expected)",
        "sed -i 's/assertEquals(/assertEqual(/g' {script}",
    ),
]


def deprecations_cleared(ctx: Ctx, rng: random.Random) -> list[Step]:
    script = f"check_{ctx.stem}_warnings.py"
    # A bad escape is a compile-time error, so it is the first one Python reports.
    own = sorted(rng.sample(_OWN_WARNINGS, rng.randint(2, 3)), key=lambda warning: not warning[0].startswith("invalid"))
    body = [
        "import inspect",
        "import logging",
        "import re",
        "import unittest",
        f"from {ctx.dotted} import *",
        "",
        "log = logging.getLogger(__name__)",
        "case = unittest.TestCase()",
        f"result = expected = {ctx.cls!r}",
        *(code for _, code, _ in own),
        f"print({ctx.cls + ': ok'!r})",
    ]
    run = vary(rng, [f"python -W error {script}", f"python -W error::DeprecationWarning {script}"])
    source = "\n".join(body)
    steps: list[Step] = []
    for number, (text, code, fix) in enumerate(own):
        line = body.index(code) + 1
        out = f'Traceback (most recent call last):\n  File "/testbed/{script}", line {line}, in <module>\n    {code}\nDeprecationWarning: {text}'
        if text.startswith("invalid escape"):
            out = f'  File "/testbed/{script}", line {line}\n    {code}\n{" " * (code.index("(") + 6)}^\nSyntaxError: {text}'
        if number:
            steps.append(Step("That one is fixed; the next warning is also in my script.", run, out, 1))
        else:
            thought = f"Let me check {ctx.cls} the way the issue's users call it, with warnings as errors so nothing deprecated slips in."
            steps.append(Step(thought, f"cat <<'EOF' > {script}\n{source}\nEOF\n{run}", out, 1))
        steps.append(
            Step(
                f"This warning is from my own script (line {line}), so I'll fix the call.",
                fix.format(script=script),
                "",
            )
        )
    steps.append(
        Step(
            "All the deprecated calls in the script are fixed. Running it under -W error once more.",
            run,
            f"{ctx.cls}: ok",
        )
    )
    return steps


def lock_cleared(ctx: Ctx, rng: random.Random) -> list[Step]:
    lock = "/testbed/.git/index.lock"
    return [
        Step(
            "Let me stage my change so I can compare against the index later.",
            f"git add {ctx.source} && git status --short",
            f"fatal: Unable to create '{lock}': File exists.\n\nAnother git process seems to be running in this repository, e.g.\nan editor opened by 'git commit'. Please make sure all processes\nare terminated then try again. If it still fails, a git process may have\ncrashed in this repository earlier:\nremove the file manually to continue.",
            128,
        ),
        Step(
            "A leftover index.lock. Let me check that no git process is running before removing it.",
            vary(rng, ["ps aux | grep -c '[g]it '", "pgrep -a git || echo 'no git process'"]),
            "0" if rng.random() < 0.5 else "no git process",
            rng.choice([0, 1]),
        ),
        Step(
            "No git process holds it, so the lock is stale. Removing it and retrying.",
            f"rm -f {lock} && git add {ctx.source} && git status --short",
            f"M  {ctx.source}\n?? reproduce_issue.py",
        ),
    ]


def directory_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    script = f"check_{ctx.stem}.py"
    inner = ctx.dotted.replace(".", "/") + ".py"
    line = rng.randint(100, 800)
    fails = (
        f'Traceback (most recent call last):\n  File "/testbed/{script}", line 3, in <module>\n    print({ctx.stem}_result([]))\n'
        f'  File "/testbed/{ctx.source}", line {line}, in {ctx.stem}_result\n    return _normalize(value)[0]\nIndexError: list index out of range'
    )
    fix = "s/return _normalize(value)\\[0\\]/return next(iter(_normalize(value)), None)/"
    return [
        Step(
            f"Let me check the empty-input edge case of {ctx.stem}_result.",
            f"cat <<'EOF' > {script}\nfrom {ctx.dotted} import *\n\nprint({ctx.stem}_result([]))\nEOF\npython {script}",
            fails,
            1,
        ),
        Step("It indexes an empty list. I'll make it return None instead.", f"sed -i '{fix}' build/lib/{inner}", ""),
        Step("Let me run the check again.", f"python {script}", fails, 1),
        Step(
            "Exactly the same output, and the traceback points at /testbed/"
            + ctx.source
            + ", not build/lib: I edited a stale build copy. Let me confirm which file is imported.",
            f"python -c 'import {ctx.dotted} as m; print(m.__file__)'",
            f"/testbed/{ctx.source}",
        ),
        Step(
            "Right, the tests import the source tree. Applying the change there.",
            f"sed -i '{fix}' {ctx.source} && python {script}",
            "None",
        ),
    ]


def conversion_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    func = f"_{ctx.stem}_total"
    script = f"check_{ctx.stem}_total.py"
    line = rng.randint(80, 600)

    def failing(code: str, error: str) -> str:
        return f'Traceback (most recent call last):\n  File "/testbed/{script}", line 4, in <module>\n    print({func}(rows))\n  File "/testbed/{ctx.source}", line {line}, in {func}\n    {code}\n{error}'

    steps = [
        Step(
            f"Let me check {func} with string weights, as they come from the config.",
            f"cat <<'EOF' > {script}\nfrom {ctx.dotted} import *\n\nrows = [('3', 1.0), ('2.5', 0.5), ('1,250', 1.0)]\nprint({func}(rows))\nEOF\npython {script}",
            failing("total = total + value * weight", "TypeError: can't multiply sequence by non-int of type 'float'"),
            1,
        ),
        Step(
            "`value` arrives as a string. Converting it with Decimal(str(...)) keeps the precision, and the weight must be a Decimal too.",
            f"sed -i '{line}s/value \\* weight/Decimal(str(value)) * Decimal(str(weight))/' {ctx.source}",
            "",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Running the check again.",
                f"python {script}",
                failing(
                    "total = total + Decimal(str(value)) * Decimal(str(weight))",
                    "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]",
                ),
                1,
            ),
            Step(
                "One value is '1,250': a thousands separator. I'll strip it before converting.",
                f'sed -i \'{line}s/Decimal(str(value))/Decimal(str(value).replace(",", ""))/\' {ctx.source}',
                "",
            ),
        ]
    steps.append(
        Step("Now the check should pass.", f"python {script}", f"{rng.randint(10, 999)}.{rng.randint(10, 99)}")
    )
    return steps


def careful_review(ctx: Ctx, rng: random.Random) -> list[Step]:
    old, new = f"_{ctx.stem}_coerce", f"coerce_{ctx.stem}"
    base = ctx.source.rsplit("/", 1)[0]
    diffs = big_diff(ctx, rng, old, new)[: rng.randint(4, 6)]
    last = diffs[-1][0]
    diffs[-1] = (
        last,
        diffs[-1][1]
        + f"\n@@ -{rng.randint(900, 1400)},4 +{rng.randint(900, 1400)},4 @@\n # Kept for third-party code written against the old name.\n-{old} = _{ctx.stem}_coerce_impl\n+{new} = _{ctx.stem}_coerce_impl\n ",
    )
    width = max(len(path) for path, _ in diffs)
    stat = "\n".join(
        f" {path:<{width}} | {text.count(chr(10) + '-') * 2:>3} {'+' * 6}{'-' * 6}" for path, text in diffs
    )
    steps = [
        Step(
            f"`{old}` is used across {base}; I'll rename it to `{new}` and then review the result.",
            f"grep -rl '{old}' {base} | xargs sed -i 's/{old}/{new}/g'",
            "",
        ),
        Step(
            "The rename touched several files. I'll go through the diff file by file, starting with the summary.",
            "git diff --stat",
            stat + f"\n {len(diffs)} files changed",
        ),
    ]
    for number, (path, text) in enumerate(diffs):
        thought = (
            vary(rng, [f"Next file: {path}.", f"Now {path}.", f"Reviewing {path}."]) if number else f"First {path}."
        )
        steps.append(Step(thought, f"git diff -- {path}", text))
    steps.append(
        Step(
            f"All hunks are the intended rename except the last one in {last}: the sed also renamed the backwards-compatible alias. I'll add the old name back.",
            f"sed -i '/^{new} = _{ctx.stem}_coerce_impl/a {old} = {new}' {last} && git diff --stat",
            stat + f"\n {len(diffs)} files changed",
        )
    )
    return steps
