"""Productive episodes of edit-and-check: debug prints whose values change, red-green rounds, a rename
checked after each file, the module's suite rerun with failures falling."""

from __future__ import annotations

import re

from . import drift
from .context import Ctx, pick
from .shell import Step, step
from .talk import say


def print_debug(ctx: Ctx, _: int) -> list[Step]:
    rng = ctx.rng
    number, code = ctx.fail_at
    fn = ctx.function_at(number)
    name = rng.choice(("debug_issue.py", "debug.py", "inspect_values.py"))
    names = re.findall(r"\b([a-z_]\w*)\b", code.split("=")[0] if "=" in code else code) or ["value"]
    var = next(
        (n for n in names if n not in ("self", "return", "if", "for", "in", "not", "and", "or", "is", "None")), "value"
    )
    body = f"{ctx.script_body()}\nprint('DEBUG {var}:', repr(result))"
    steps = [
        ctx.write_script(
            f"I want to see what `{var}` looks like inside `{fn}` for a few inputs. Let me write a small debug script.",
            body,
            name,
        )
    ]
    values: list[str] = []
    for i in range(rng.randint(4, 8)):
        if i:
            change = rng.choice(
                (
                    "args = (0,)",
                    "args = ([],)",
                    "args = (None,)",
                    f"args = ({rng.randint(2, 99)},)",
                    "args = ('a',)",
                    "args = ((1, 2),)",
                )
            )
            steps.append(
                step(
                    pick(
                        rng,
                        (
                            "Now let me try a different input.",
                            "Let me change the input to {c} and compare.",
                            "Interesting. What about {c}?",
                        ),
                        c=f"`{change}`",
                    ),
                    f"sed -i 's/^args = .*/{change}/' {name}",
                    0,
                    "",
                )
            )
        value = rng.choice(
            (
                f"<object at {drift.address(rng)}>",
                f"[{', '.join(str(rng.randint(0, 9)) for _ in range(rng.randint(0, 4)))}]",
                "None",
                f"{rng.uniform(0, 10):.4f}",
                f"'{drift.token(rng, 5).lower()}'",
                f"({rng.randint(0, 5)}, {rng.randint(0, 5)})",
            )
        )
        values.append(value)
        out = f"calling <function {fn} at {drift.address(rng)}>\nresult: {value}\nDEBUG {var}: {value!r}"
        steps.append(
            step(
                say(rng, "script", script=name)
                if not i
                else pick(rng, ("Running it again.", "Let me see what it prints now.", "Run the debug script.")),
                f"python {name}",
                0,
                out,
                1,
            )
        )
    steps.append(
        step(
            f"The values make sense now: `{var}` goes from {values[0]} to {values[-1]} depending on the input. I can remove the debug script.",
            f"rm {name}",
            0,
            "",
        )
    )
    return steps


def _falling(ctx: Ctx, rounds: int) -> list[list[str]]:
    """Failing tests per round, one fewer (or two) each time, ending with none."""
    tests = [*ctx.tests, "test_repr", "test_equality", "test_pickle", "test_copy"][: rounds + 2]
    failing, found = list(tests), []
    while failing:
        found.append(list(failing))
        del failing[: ctx.rng.choice((1, 1, 2))]
    return [*found, []]


def tdd(ctx: Ctx, _: int) -> list[Step]:
    rng = ctx.rng
    number = ctx.fail_at[0]
    test_file = ctx.test_path
    rounds = _falling(ctx, rng.randint(2, 4))
    body = "\n\n".join(
        f"def {t}():\n    result = {ctx.function_at(number)}()\n    assert result is not None" for t in rounds[0]
    )
    steps = [
        step(
            "I'll write the tests first, based on the PR description, and watch them fail.",
            f"cat <<'EOF' >> {test_file}\n\n\n{body}\nEOF",
            0,
            "",
        )
    ]
    total = rng.randint(8, 40)
    for i, failing in enumerate(rounds):
        error = ctx.error_line()
        steps.append(
            ctx.run_tests(
                "Running the new tests."
                if not i
                else pick(
                    rng,
                    (
                        "{n} left. Running again.",
                        "Let me rerun the tests after this change.",
                        "Progress. Running the tests again.",
                    ),
                    n=len(failing),
                ),
                [ctx.failure(t, error) for t in failing],
                total,
                0,
            )
        )
        if failing:
            target = ctx.code_line()[0]
            fields = {"path": ctx.focus, "fn": ctx.function_at(target), "line": target}
            new = ctx.files[ctx.focus][target] + rng.choice(
                ("  # handle empty input", "  # normalise", "  # keep order")
            )
            steps.append(ctx.edit(f"`{failing[0]}` fails. " + say(rng, "edit", **fields), target, new))
    return steps


def refactor_check(ctx: Ctx, _: int) -> list[Step]:
    rng = ctx.rng
    text = {
        path: "\n".join(lines.values())
        for path, lines in ctx.files.items()
        if path.endswith(".py") and path.split("/")[0] == ctx.focus.split("/")[0]
    }
    words = sorted({w for w in re.findall(r"\b(_?[a-z]+_[a-z_]+)\b", text[ctx.focus]) if len(w) > 6})
    rng.shuffle(words)
    old = max(words or ["get_value"], key=lambda w: sum(w in t for t in text.values()))
    new = old.lstrip("_") if old.startswith("_") else f"_{old}"
    files = [p for p, t in text.items() if re.search(rf"\b{old}\b", t)][: rng.randint(2, 6)] or [ctx.focus]
    package = ctx.focus.split("/")[0]
    check = rng.choice(
        (
            f"python -m pyflakes {' '.join(files)} | head -20",
            f"python -c 'import {package}' && echo import ok",
            "git diff --stat",
        )
    )
    steps = [
        step(
            f"`{old}` should be renamed to `{new}` so it matches the rest of the module. I'll do it file by file and check after each.",
            f"grep -rln '{old}' {package} | head",
            0,
            "\n".join(files),
        )
    ]
    changed = 0
    for done, path in enumerate(files, 1):
        steps.append(
            step(
                pick(rng, ("Renaming in `{p}`.", "Next, `{p}`.", "Now `{p}`."), p=path),
                f"sed -i 's/\\b{old}\\b/{new}/g' {path}",
                0,
                "",
            )
        )
        changed += len(re.findall(rf"\b{old}\b", text[path]))
        out = (
            "import ok"
            if "import ok" in check
            else ""
            if "pyflakes" in check
            else f" {done} file{'s' * (done > 1)} changed, {changed} insertions(+), {changed} deletions(-)"
        )
        steps.append(
            step(pick(rng, ("Checking nothing broke.", "Same check as before.", "Verifying.")), check, 0, out, 1)
        )
    steps.append(ctx.run_tests("All renamed. Let me run the tests once.", [], rng.randint(10, 80), 0))
    return steps


def suite_rerun(ctx: Ctx, _: int) -> list[Step]:
    rng = ctx.rng
    rounds = _falling(ctx, rng.randint(2, 5))
    total = rng.randint(20, 120)
    steps: list[Step] = []
    for i, failing in enumerate(rounds):
        steps.append(
            ctx.run_tests(
                say(rng, "tests", test=ctx.test_path) if not i else "Let me run the whole module again after that fix.",
                [
                    ctx.failure(
                        t,
                        ctx.error_line()
                        if j == 0
                        else f"AssertionError: {rng.choice(('1 != 0', 'False is not true', 'None != []'))}",
                    )
                    for j, t in enumerate(failing)
                ],
                total,
                0,
            )
        )
        if failing:
            target = ctx.code_line()[0]
            steps.append(
                ctx.read(
                    f"`{failing[0]}` still fails. Let me look at the code it exercises.",
                    ctx.focus,
                    (target - 8, target + 8),
                    form=0,
                )
            )
            steps.append(
                ctx.edit(
                    say(rng, "edit", path=ctx.focus, fn=ctx.function_at(target), line=target),
                    target,
                    ctx.files[ctx.focus][target] + "  # " + failing[0].removeprefix("test_"),
                )
            )
    return steps
