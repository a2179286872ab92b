"""Loop families: conversions tweaked back and forth, and one diff paged over and over."""

from __future__ import annotations

import random

from heldout20.calls import SUBMIT, Step
from heldout20.text import Ctx, give_up, vary

_CONVERSIONS = [
    "int(value)",
    "float(value)",
    "Decimal(value)",
    "str(value)",
    "int(float(value))",
    "Decimal(str(value))",
    "float(str(value).replace(',', ''))",
    "value",
]
# What each way of converting fails with on the rows (ints, numeric strings, "1,250", float weights).
_ERRORS = {
    "int(value)": [
        "ValueError: invalid literal for int() with base 10: '{num}.5'",
        "ValueError: invalid literal for int() with base 10: '1,{num}50'",
    ],
    "float(value)": [
        "ValueError: could not convert string to float: '1,{num}50'",
        "TypeError: unsupported operand type(s) for +: 'float' and 'decimal.Decimal'",
    ],
    "Decimal(value)": [
        "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]",
        "TypeError: conversion from float to Decimal is not supported",
        "TypeError: unsupported operand type(s) for *: 'decimal.Decimal' and 'float'",
    ],
    "str(value)": [
        "TypeError: can't multiply sequence by non-int of type 'float'",
        'TypeError: can only concatenate str (not "int") to str',
    ],
    "int(float(value))": ["ValueError: could not convert string to float: '1,{num}50'"],
    "Decimal(str(value))": [
        "decimal.InvalidOperation: [<class 'decimal.ConversionSyntax'>]",
        "TypeError: unsupported operand type(s) for *: 'decimal.Decimal' and 'float'",
    ],
    "float(str(value).replace(',', ''))": [
        "TypeError: unsupported operand type(s) for +: 'float' and 'decimal.Decimal'",
        "TypeError: unsupported operand type(s) for +=: 'decimal.Decimal' and 'float'",
    ],
    "value": [
        "TypeError: unsupported operand type(s) for +: 'int' and 'str'",
        "TypeError: can't multiply sequence by non-int of type 'float'",
    ],
}


def type_ping_pong(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    func = f"_{ctx.stem}_total"
    script = rng.choice([f"check_{ctx.stem}.py", "reproduce_issue.py", f"test_{ctx.stem}_values.py"])
    current = rng.choice(_CONVERSIONS[:3])
    line = rng.randint(80, 700)
    steps: list[Step] = []
    last_error = ""
    while len(steps) < length - 1:
        roll = rng.random()
        edited = bool(steps) and steps[-1].output == ""
        looked = bool(steps) and steps[-1].rc == 0 and not edited
        if not steps or (edited and roll < 0.85):
            error = rng.choice([e for e in _ERRORS[current] if e != last_error] or _ERRORS[current]).format(
                num=rng.randint(1, 9)
            )
            last_error = error
            line += rng.choice([-2, -1, 0, 1, 2, 3])
            out = (
                f'Traceback (most recent call last):\n  File "/testbed/{script}", line 4, in <module>\n    print({func}(rows))\n'
                f'  File "/testbed/{ctx.source}", line {line}, in {func}\n    total = total + {current} * weight\n{error}'
            )
            command = vary(rng, [f"python {script}", f"python {script} 2>&1 | tail -4", f"python -X dev {script}"])
            if "tail" in command:
                out = "\n".join(out.splitlines()[-4:])
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Let me run it again.",
                            "Running the script to check the conversion.",
                            "Let me see if that fixed it.",
                            "Re-running the reproduction.",
                        ],
                    ),
                    command,
                    out,
                    1,
                )
            )
        elif looked or roll < 0.7:
            new = rng.choice([c for c in _CONVERSIONS if c != current])
            escaped = current.replace("(", "\\(").replace(")", "\\)")
            edits = [
                f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\ns = s.replace({current + ' * weight'!r}, {new + ' * weight'!r})\nopen(p, 'w').write(s)\nEOF"
            ]
            if "'" not in current + new:
                edits += [
                    f"sed -i 's/total = total + {escaped} \\* weight/total = total + {new} * weight/' {ctx.source}",
                    f"sed -i '{line}s/{escaped}/{new}/' {ctx.source}",
                ]
            command = vary(rng, edits)
            kind = new.split("(")[0]
            thought = vary(
                rng,
                [
                    f"The value must be converted with {kind} before the arithmetic. Changing `{current}` to `{new}`.",
                    f"`{current}` gives the wrong type here; `{new}` should match the other operand.",
                    f"Let me try `{new}` instead, so both sides of the operation agree.",
                    f"Maybe the weights are {rng.choice(['floats', 'Decimals', 'strings', 'ints'])}. Switching to `{new}`.",
                ],
            )
            current = new
            steps.append(Step(thought, command, ""))
        else:
            command = vary(
                rng,
                [
                    f"sed -n '{line - 6},{line + 4}p' {ctx.source}",
                    f"grep -n 'weight' {ctx.source} | head",
                    f'python -c "from {ctx.dotted} import *; print(type(DEFAULT_WEIGHT))"',
                ],
            )
            if command.startswith("sed"):
                out = f"def {func}(rows):\n    total = 0\n    for value, weight in rows:\n        if value is None:\n            continue\n        total = total + {current} * weight\n    return total"
            elif command.startswith("grep"):
                out = f"{line - 12}:DEFAULT_WEIGHT = Decimal('1.0')\n{line}:        total = total + {current} * weight"
            else:
                out = "<class 'decimal.Decimal'>"
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Let me look at the types involved.",
                            "Let me check the function again.",
                            "What type does the weight have?",
                        ],
                    ),
                    command,
                    out,
                )
            )
    first = steps[0]
    first.thought = f"I'll check {func} with the mixed rows from the issue: ints, strings and floats."
    first.command = f"cat <<'EOF' > {script}\nfrom {ctx.dotted} import *\n\nrows = [(3, 1), ('2.5', 0.5), ('1,250', 1)]\nprint({func}(rows))\nEOF\npython {script}"
    return [*steps, give_up(rng, "the type conversion")]


_NEIGHBOURS = [
    "utils",
    "base",
    "core",
    "compat",
    "helpers",
    "validation",
    "config",
    "io",
    "formatting",
    "registry",
    "cache",
    "decorators",
    "exceptions",
    "functional",
]


def big_diff(ctx: Ctx, rng: random.Random, old: str, new: str) -> list[tuple[str, str]]:
    """Per file, the diff a package-wide rename left: many small hunks."""
    base = ctx.source.rsplit("/", 1)[0]
    files = [ctx.source] + [
        f"{base}/{n}.py" for n in rng.sample(_NEIGHBOURS, rng.randint(7, 12)) if f"{base}/{n}.py" != ctx.source
    ]
    diffs = []
    for path in files:
        hunks = [
            f"diff --git a/{path} b/{path}",
            f"index {rng.randrange(16**10):010x}..{rng.randrange(16**10):010x} 100644",
            f"--- a/{path}",
            f"+++ b/{path}",
        ]
        at = 1
        for _ in range(rng.randint(3, 14)):
            at += rng.randint(12, 90)
            call = rng.choice(["value", "obj", "args[0]", "self.data", "item", "name"])
            hunks += [
                f"@@ -{at},7 +{at},7 @@ def {rng.choice(_NEIGHBOURS)}_{rng.choice(['get', 'set', 'check', 'make', 'load'])}(",
                "     if not " + call + ":",
                "         return None",
                f"-    result = {old}({call})",
                f"+    result = {new}({call})",
                "     if result is None:",
                f"         raise ValueError({call!r})",
                "     return result",
            ]
        diffs.append((path, "\n".join(hunks)))
    return diffs


def diff_review_loop(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    old, new = f"_{ctx.stem}_coerce", f"coerce_{ctx.stem}"
    diffs = big_diff(ctx, rng, old, new)
    whole = "\n".join(text for _, text in diffs)
    lines = whole.splitlines()
    base = ctx.source.rsplit("/", 1)[0]
    stat = "\n".join(
        f" {path:<{max(len(p) for p, _ in diffs)}} | {text.count(chr(10) + '-    ') * 2:>3} {'+' * 8}{'-' * 8}"
        for path, text in diffs
    )
    stat += f"\n {len(diffs)} files changed, {whole.count(chr(10) + '+    ')} insertions(+), {whole.count(chr(10) + '-    ')} deletions(-)"
    steps = [
        Step(
            f"`{old}` is private but used across {base}; I'll rename it to `{new}` everywhere so the public helper is consistent.",
            f"grep -rl '{old}' {base} | xargs sed -i 's/{old}/{new}/g' && git diff --stat",
            stat,
        )
    ]
    while len(steps) < length - 1:
        pick = rng.randrange(8)
        start = rng.randrange(0, max(1, len(lines) - 150), 50)
        if pick == 0:
            command, out = vary(rng, ["git diff --stat", "git --no-pager diff --stat", "git diff --stat HEAD"]), stat
            thought = vary(
                rng,
                [
                    "Let me look at the summary of the changes again.",
                    "Which files did the rename touch? Checking the stat again.",
                ],
            )
        elif pick in (1, 2):
            command, out = (
                vary(rng, ["git diff", "git --no-pager diff", "git diff HEAD", "git diff | cat", "git diff | less"]),
                whole,
            )
            thought = vary(
                rng,
                [
                    "Let me review the full diff again to make sure nothing unintended changed.",
                    "I should verify the rename didn't touch anything it shouldn't have. Showing the whole diff.",
                    "I'm not sure I've seen every hunk. Showing the diff again.",
                ],
            )
        elif pick == 3:
            command, out = f"git diff | sed -n '{start + 1},{start + 150}p'", "\n".join(lines[start : start + 150])
            thought = vary(
                rng,
                [
                    "The output was cut. Let me page through the diff in parts.",
                    "Let me look at the middle of the diff, which was elided.",
                    "Showing the next part of the diff.",
                ],
            )
        elif pick == 4:
            command = vary(rng, ["git diff | head -200", "git diff | head -120", "git diff | head -300"])
            out = "\n".join(lines[: int(command.rsplit(" ", 1)[1][1:])])
            thought = vary(
                rng, ["Let me look at the start of the diff again.", "Let me re-read the first hunks carefully."]
            )
        elif pick == 5:
            path, out = rng.choice(diffs)
            command = f"git diff -- {path}"
            thought = vary(rng, [f"Let me check the changes in {path}.", f"Looking at {path} again."])
        elif pick == 6:
            command, out = (
                "git status --short",
                "\n".join(f" M {path}" for path, _ in diffs) + f"\n?? check_{ctx.stem}.py",
            )
            thought = vary(rng, ["Let me check which files are modified.", "What is the state of the working tree?"])
        else:
            command = vary(rng, ["git diff | wc -l", "git diff --numstat | head -20"])
            out = (
                f"{len(lines)}"
                if "wc" in command
                else "\n".join(f"{t.count(chr(10) + '+    ')}\t{t.count(chr(10) + '-    ')}\t{p}" for p, t in diffs)
            )
            thought = vary(rng, ["How big is the diff exactly?", "Let me count the changed lines per file."])
        steps.append(Step(thought, command, out))
    done = vary(
        rng,
        [
            "I've gone over the rename many times now and can't settle whether it's all right. Submitting as it is.",
            "I keep re-reading the same diff. I'll submit the change.",
        ],
    )
    return [*steps, Step(done, SUBMIT)]
