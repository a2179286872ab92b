"""Loop tails besides env-blocked: the agent keeps working and gets nowhere."""

from __future__ import annotations

import re

from . import drift
from .context import Ctx
from .shell import Step, step, unparsed
from .talk import say


def variant(code: str, round_: int) -> str:
    """Another way to write one line of code: the edits an agent tries on it, in turn."""
    indent = code[: len(code) - len(code.lstrip())]
    body = code.strip().rstrip(":")
    colon = ":" if code.rstrip().endswith(":") else ""
    if body.startswith("return "):
        value = body[7:]
        options = [
            f"return ({value})",
            f"return {value} if {value} is not None else None",
            f"return list({value})",
            f"return {value} or None",
        ]
    elif body.startswith(("if ", "elif ")):
        head, cond = body.split(" ", 1)
        options = [f"{head} ({cond})", f"{head} {cond} and True", f"{head} bool({cond})", f"{head} not (not {cond})"]
    elif " = " in body:
        lhs, rhs = body.split(" = ", 1)
        options = [
            f"{lhs} = ({rhs})",
            f"{lhs} = {rhs} or None",
            f"{lhs} = copy.copy({rhs})",
            f"{lhs} = {rhs}  # type: ignore",
        ]
    else:
        options = [f"{body}  # noqa", f"({body})", f"_ = {body}", f"{body}  # keep"]
    notes = ("", "  # handle the edge case", "  # see the PR description", "  # FIXME", "  # fallback")
    return f"{indent}{options[round_ % len(options)]}{colon}{notes[(round_ // len(options)) % len(notes)]}"


def _fields(ctx: Ctx, number: int) -> dict[str, object]:
    fn = ctx.function_at(number)
    words = [
        w
        for w in re.findall(r"[A-Za-z_]\w{5,}", ctx.files[ctx.focus][number])
        if w not in ("return", "isinstance", "self")
    ]
    return {
        "path": ctx.focus,
        "fn": fn,
        "line": number,
        "word": ctx.rng.choice([fn, *words[:2]]),
        "script": ctx.script,
        "test": ctx.test_path,
        "err": ctx.error_line()[:80],
        "a": number - 10,
        "b": number + 20,
    }


def unfixable_bug(ctx: Ctx, length: int, _: int) -> list[Step]:
    rng, (number, _code) = ctx.rng, ctx.fail_at
    fields = _fields(ctx, number)
    steps = [ctx.write_script(say(rng, "write", **fields), ctx.script_body())]
    round_ = 0
    while len(steps) < length:
        target = number if rng.random() < 0.7 else ctx.code_line()[0]
        if rng.random() < 0.08:  # an edit and a rerun in one answer: the harness refuses it
            steps.append(
                unparsed(
                    say(rng, "edit", **fields), [f"sed -n '{number},{number + 3}p' {ctx.focus}", f"python {ctx.script}"]
                )
            )
        steps.append(
            ctx.edit(
                say(rng, "edit", "failed" if round_ else "", **_fields(ctx, target)),
                target,
                variant(ctx.original[ctx.focus][target], round_ + rng.randrange(2)),
            )
        )
        if rng.random() < 0.75:
            steps.append(ctx.run_script(say(rng, "script", **fields), ctx.error_line()))
        else:
            steps.append(
                ctx.run_tests(say(rng, "tests", **fields), [ctx.failure(ctx.tests[0], ctx.error_line())], 14, round_)
            )
        if rng.random() < 0.3:
            steps.append(
                ctx.read(
                    say(rng, "read", "failed", **fields),
                    ctx.focus,
                    (number - rng.randint(5, 15), number + rng.randint(5, 25)),
                )
            )
        elif rng.random() < 0.15:
            steps.append(ctx.grep(say(rng, "grep", **fields), str(fields["word"])))
        round_ += 1
    return steps[:length]


def long_cycle(ctx: Ctx, length: int, _: int) -> list[Step]:
    rng, (number, _code) = ctx.rng, ctx.fail_at
    fields = _fields(ctx, number)
    steps = [ctx.write_script(say(rng, "write", **fields), ctx.script_body())]
    round_ = 0
    while len(steps) < length:
        span = (number - rng.choice((10, 15, 20)), number + rng.choice((10, 20, 30)))
        steps.append(ctx.read(say(rng, "read", "failed" if round_ else "", **fields), ctx.focus, span, form=round_ % 2))
        if rng.random() < 0.7:
            steps.append(ctx.grep(say(rng, "grep", **fields), str(fields["word"])))
        steps.append(
            ctx.edit(
                say(rng, "edit", **fields), number, variant(ctx.original[ctx.focus][number], round_), style=round_ % 3
            )
        )
        steps.append(ctx.run_script(say(rng, "script", **fields), ctx.error_line()))
        if rng.random() < 0.8:
            steps.append(
                ctx.run_tests(
                    say(rng, "tests", **fields), [ctx.failure(ctx.tests[0], ctx.error_line())], 14, round_ % 2
                )
            )
        if rng.random() < 0.6:
            steps.append(ctx.diff(say(rng, "diff", **fields)))
        ctx.files[ctx.focus] = dict(ctx.original[ctx.focus])
        steps.append(
            step(
                say(rng, "revert", **fields),
                rng.choice((f"git checkout -- {ctx.focus}", f"git checkout {ctx.focus}", "git stash")),
                0,
                rng.choice(
                    (
                        "",
                        "Updated 1 path from the index",
                        f"Saved working directory and index state WIP on main: {drift.token(rng, 9, '0123456789abcdef')} Initial",
                    )
                ),
            )
        )
        round_ += 1
    return steps[:length]


def reread(ctx: Ctx, length: int, _: int) -> list[Step]:
    rng = ctx.rng
    files = [ctx.focus, *rng.sample(ctx.other_files(), min(len(ctx.other_files()), rng.randint(1, 3)))]
    spans = {path: [ctx.window(path, rng.choice((20, 30, 50))) for _ in range(2)] for path in files}
    steps: list[Step] = []
    while len(steps) < length:
        path = rng.choice(files)
        a, b = rng.choice(spans[path])
        if rng.random() < 0.25:
            a, b = a + rng.randint(-5, 5), b + rng.randint(-5, 10)
        fields = {**_fields(ctx, ctx.fail_at[0]), "path": path, "a": a, "b": b, "fn": ctx.function_at(a, path)}
        if rng.random() < 0.2:
            word = rng.choice(re.findall(r"[A-Za-z_]\w{4,}", " ".join(ctx.files[path].values())) or ["def"])
            steps.append(ctx.grep(say(rng, "grep", word=word), word, path))
        else:
            steps.append(ctx.read(say(rng, "read", **fields), path, (a, b), form=rng.choice((0, 0, 1, 2))))
    return steps[:length]


def stubborn_retry(ctx: Ctx, length: int, _: int) -> list[Step]:
    rng = ctx.rng
    fields = _fields(ctx, ctx.fail_at[0])
    growing = rng.random() < 0.35
    use_tests = rng.random() < 0.5
    base = ctx.test_command(0) if use_tests else f"python {ctx.script}"
    steps = [] if use_tests else [ctx.write_script(say(rng, "write", **fields), ctx.script_body())]
    log: list[str] = []
    while len(steps) < length:
        wrap = rng.choice(("{c}", "{c}", "{c} 2>&1", "cd /testbed && {c}", "sleep 5 && {c}", "{c} 2>&1 | tail -40"))
        kind = "tests" if use_tests else "script"
        if use_tests:
            run = ctx.run_tests(
                say(rng, kind, "failed" if steps else "", **fields), [ctx.failure(ctx.tests[0], ctx.error_line())], 9, 0
            )
        else:
            run = ctx.run_script(say(rng, kind, "failed" if len(steps) > 1 else "", **fields), ctx.error_line())
        command = wrap.format(c=base)
        out = run.observation.split("<output>\n", 1)[1].rsplit("</output>", 1)[0]
        if growing:
            log.append(out)
            command = f"{base} >> run.log 2>&1; tail -c 6000 run.log"
            out = "".join(log)[-6000:]
        steps.append(step(run.answer.split("\n\n```")[0].removeprefix("THOUGHT: "), command, 1, out, run.seconds))
    return steps[:length]


def flip_flop(ctx: Ctx, length: int, _: int) -> list[Step]:
    rng, (number, _code) = ctx.rng, ctx.fail_at
    fields = _fields(ctx, number)
    original = ctx.original[ctx.focus][number]
    fixes = [variant(original, 0), variant(original, 1)]
    tests = [*ctx.tests, "test_default_behaviour", "test_backwards_compat"][:2]
    errors = [
        ctx.error_line(),
        f"AssertionError: {rng.choice(('False is not true', '1 != 2', 'None != []', 'Lists differ'))}",
    ]
    steps: list[Step] = []
    round_ = 0
    while len(steps) < length:
        which = round_ % 2
        why = f"That fixed `{tests[1 - which]}` but broke `{tests[which]}`. " if round_ else ""
        steps.append(ctx.edit(why + say(rng, "edit", **fields), number, fixes[which], style=rng.randrange(3)))
        steps.append(
            ctx.run_tests(say(rng, "tests", **fields), [ctx.failure(tests[which], errors[which])], 16, round_ % 3)
        )
        if rng.random() < 0.35:
            steps.append(ctx.read(say(rng, "read", **fields), ctx.focus, (number - 12, number + 12)))
        if rng.random() < 0.2:
            steps.append(ctx.diff(say(rng, "diff")))
        round_ += 1
    return steps[:length]
