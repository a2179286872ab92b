# ruff: noqa: E501
"""Loops of scratch scripts: a new repro file each round, a module rewritten whole each round, one-liners."""

from __future__ import annotations

import ast
import random

from heldout20.calls import Step
from heldout50.text import (
    CASES,
    EXCEPTIONS,
    INPUTS,
    Ctx,
    Repro,
    churn,
    edit_step,
    failing_case,
    heredoc,
    line_of,
    other,
    py_edit,
    right,
    test_step,
)

HYPOTHESES = (
    "My new theory is that the value is normalised twice on this path.",
    "Maybe the problem is not the splitting at all but the de-duplication afterwards.",
    "I now suspect the bytes branch: it decodes before the separator is chosen.",
    "Perhaps the default argument is shared between calls and keeps state.",
    "It could be the ordering: the result is sorted somewhere I haven't looked.",
    "Maybe my earlier script was misleading and the bug only shows with keyword arguments.",
    "I think the nested case takes a different code path than the flat one.",
    "Possibly the helper strips whitespace only from the first item.",
    "Maybe the issue is about empty items rather than whitespace after all.",
    "What if the caller passes a generator and it is consumed twice?",
)


SED_EDITS = (
    ("return sorted(result)", "return list(result)", "sorting is what reorders the items"),
    ("if not value:", "if value is None:", "falsy input is treated as missing"),
    ("seen = set()", "seen = []", "hashing the keys loses something"),
    ("key = item.lower()", "key = item.casefold()", "lower() is not enough for the unicode case"),
    ("return tuple(result)", "return result", "the tuple conversion surprises the caller"),
    ("sep=','", "sep=None", "the default separator is applied where it should not be"),
    ("value.decode()", "value.decode('latin-1')", "the bytes are not utf-8"),
)


def hypothesis(rng: random.Random) -> str:
    return rng.choice(HYPOTHESES)


def outcome(rng: random.Random, repro: Repro, crash: float = 0.3) -> dict[str, str]:
    """How a run of the script goes wrong this time: a wrong result, or an exception."""
    if rng.random() < crash:
        return {"error": rng.choice(EXCEPTIONS)}
    return {"got": repro.wrong(rng)}


def _names(ctx: Ctx, rng: random.Random) -> list[str]:
    stems = [
        "reproduce_issue.py",
        "reproduce2.py",
        f"repro_{ctx.stem}.py",
        f"reproduce_{ctx.func.strip('_')}.py",
        "scratch.py",
        "check_fix.py",
        "/tmp/repro.py",
        "reproduce_minimal.py",
        f"test_repro_{ctx.stem}.py",
        "debug_issue.py",
        "/tmp/check.py",
        "repro_bytes.py",
        "repro_nested.py",
        "verify.py",
    ]
    rng.shuffle(stems)
    numbered = [f"{stem[:-3]}_{i}.py" for i in range(2, 6) for stem in stems]
    return stems + numbered


def repro_file_proliferation(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A new reproduction script every round, each showing something different, none agreeing with the last."""
    names = iter(_names(ctx, rng))
    first = Repro.drawn(ctx, rng, "reproduce.py")
    made = [first]
    steps = [
        Step("Let me write a small script that reproduces the issue.", first.write, ""),
        first.step(rng, "Now let me run it.", **outcome(rng, first, 0.2)),
    ]

    def new_script(k: int) -> list[Step]:
        repro = Repro.drawn(ctx, rng, next(names))
        made.append(repro)
        thought = f"{hypothesis(rng)} {rng.choice(['Let me write a fresh script for this.', 'I will write a separate reproduction that isolates it.', 'A new, more focused script should show it.', 'Rather than edit the old script I will start a clean one.'])}"
        if rng.random() < 0.5:
            return [repro.written_and_run(rng, thought, **outcome(rng, repro))]
        return [Step(thought, repro.write, ""), repro.step(rng, "Run the new script.", **outcome(rng, repro))]

    def edit_and_rerun(k: int) -> list[Step]:
        repro = rng.choice(made)
        return [
            edit_step(
                ctx,
                rng,
                rng.choice(
                    [
                        "Based on that output, let me change the function.",
                        "The output suggests a different cause.",
                        "Let me try fixing it at the source.",
                    ]
                ),
            ),
            repro.step(rng, f"Let me rerun {repro.path} with the change.", **outcome(rng, repro)),
        ]

    def compare(k: int) -> list[Step]:
        shown = made[-rng.randint(2, min(5, len(made))) :] if len(made) > 1 else made
        outputs = []
        for repro in shown:
            got = repro.wanted if rng.random() < 0.25 else repro.wrong(rng)
            output, _ = repro.run(rng, got=got, error=rng.choice(EXCEPTIONS) if rng.random() < 0.25 else None)
            outputs.append(f"== {repro.path}\n" + "\n".join(output.splitlines()[-2:]))
        paths = " ".join(repro.path for repro in shown)
        return [
            Step(
                "The scripts disagree with each other. Let me run them all side by side.",
                rng.choice(
                    [
                        f'for f in {paths}; do echo "== $f"; python $f 2>&1 | tail -2; done',
                        f"for f in {paths}; do echo == $f; python $f 2>&1 | tail -n 2; done",
                    ]
                ),
                "\n".join(outputs),
                seconds=rng.uniform(1.0, 6.0),
            )
        ]

    attempts = [new_script, new_script, edit_and_rerun, compare]
    return churn(ctx, rng, n, steps, attempts, "reproducing the issue reliably")


def module_body(ctx: Ctx, rng: random.Random, k: int) -> tuple[str, str | None]:
    """A whole new version of the helper module, and what importing it then raises (None: it imports)."""
    out = rng.choice(["out", "result", "items", "parts", "acc"])
    strip = rng.choice(["p.strip()", "p", "p.strip(' ')"])
    shape = rng.randrange(5)
    if shape == 0:
        body = f'"""Helpers for {ctx.func}."""\nimport re\n\n_SPLIT = re.compile(r"\\s*[{rng.choice([",;", ",", ",;|"])}]\\s*")\n\n\ndef {ctx.helper}(value, sep=None):\n    if value is None:\n        return []\n    if isinstance(value, bytes):\n        value = value.decode()\n    if isinstance(value, str):\n        return [p for p in _SPLIT.split(value) if p]\n    return list(value)\n'
    elif shape == 1:
        body = f"from collections.abc import Iterable\n\n\ndef {ctx.helper}(value):\n    {out} = []\n    for item in value:\n        if isinstance(item, Iterable) and not isinstance(item, (str, bytes)):\n            {out}.extend({ctx.helper}(item))\n        else:\n            {out}.append(item)\n    return {out}\n"
    elif shape == 2:
        body = f"def {ctx.helper}(value, sep=','):\n    if not value:\n        return []\n    if isinstance(value, (list, tuple)):\n        value = sep.join(map(str, value))\n    {out} = [{strip} for p in value.split(sep)]\n    return list(dict.fromkeys(p for p in {out} if p))\n"
    elif shape == 3:
        body = f"class _{ctx.cls}Normalizer:\n    def __init__(self, sep=','):\n        self.sep = sep\n\n    def __call__(self, value):\n        if isinstance(value, bytes):\n            value = value.decode('utf-8')\n        {out} = value.split(self.sep) if isinstance(value, str) else list(value)\n        return [{strip} for p in {out}]\n\n\n{ctx.helper} = _{ctx.cls}Normalizer()\n"
    else:
        body = f"from {ctx.dotted} import {ctx.func}\n\n\ndef {ctx.helper}(value, sep=','):\n    {out} = {ctx.func}(value, sep=sep)\n    return [p for p in {out} if p is not None]\n"
    if shape == 4:
        return body, recursion(ctx, rng, out)
    if rng.random() < 0.2:
        lines = body.rstrip().splitlines()
        at = rng.randrange(2, len(lines))
        lines[at] = "  " + lines[at]
        return (
            "\n".join(lines) + "\n",
            f'  File "/testbed/{ctx.source}", line {line_of(rng)}, in {ctx.func}\n    from .{ctx.new_module.rsplit("/", 1)[1][:-3]} import {ctx.helper}\n'
            f'  File "/testbed/{ctx.new_module}", line {at + 1}\n    {lines[at].strip()}\n    ^\nIndentationError: unexpected indent',
        )
    return body, None


def recursion(ctx: Ctx, rng: random.Random, out: str) -> str:
    """The frames below the script's call when the helper calls back into the function that calls it."""
    line = line_of(rng)
    frame = f'  File "/testbed/{ctx.source}", line {line}, in {ctx.func}\n    result = {ctx.helper}(value)\n'
    back = f'  File "/testbed/{ctx.new_module}", line {rng.randint(5, 7)}, in {ctx.helper}\n    {out} = {ctx.func}(value, sep=sep)\n'
    return f"{frame}{back}{frame}{back}  [Previous 2 lines repeated {rng.randint(320, 495)} more times]\n{frame}RecursionError: maximum recursion depth exceeded"


def crashed(repro: Repro, rng: random.Random, frames: str) -> str:
    """What the script prints when its call fails `frames` deep into the source."""
    return f'Traceback (most recent call last):\n  File "{repro.where}", line {rng.randint(6, 12)}, in <module>\n    print(repr({repro.call}))\n{frames}'


def whole_file_heredoc_rewrite(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The helper moved into a new module, which is rewritten whole with `cat >` each round; it never works."""
    repro = Repro.drawn(ctx, rng, rng.choice(["reproduce.py", "repro.py", "reproduce_issue.py"]))
    body, _ = module_body(ctx, rng, 0)
    steps = [
        Step(
            f"I'll move the normalisation into a small helper module, {ctx.new_module}, so the logic is in one place.",
            heredoc(ctx.new_module, body),
            "",
        ),
        Step(
            f"Now make {ctx.func} use the new helper.",
            py_edit(
                ctx.source,
                "    result = []\n",
                f"    from .{ctx.new_module.rsplit('/', 1)[1][:-3]} import {ctx.helper}\n    result = {ctx.helper}(value)\n",
            ),
            "patched",
        ),
        repro.written_and_run(rng, "Let me write a script to check the behaviour.", got=repro.wrong(rng)),
    ]

    def rewrite(k: int) -> list[Step]:
        body, error = module_body(ctx, rng, k)
        thought = rng.choice(
            [
                "That approach is wrong. Let me rewrite the helper module from scratch with a different implementation.",
                "I'll start over on the helper module; patching it piecemeal is getting messy.",
                f"Let me rewrite {ctx.new_module} completely, handling every input type up front.",
                "A cleaner version of the whole helper module should avoid this.",
            ]
        )
        write = Step(thought, heredoc(ctx.new_module, body), "")
        if error:
            return [
                write,
                Step(
                    "Run the script against the new module.",
                    f"python {repro.path}",
                    crashed(repro, rng, error),
                    1,
                    seconds=rng.uniform(0.3, 2.0),
                ),
            ]
        return [write, repro.step(rng, "Run the script against the new module.", **outcome(rng, repro, 0.35))]

    def rewrite_script(k: int) -> list[Step]:
        repro.value = other(rng, INPUTS, repro.value)
        repro.wanted = right(repro.value)
        repro.style = rng.randrange(4)
        return [
            repro.written_and_run(
                rng,
                "Maybe my check script itself is off. Let me rewrite it to test the case from the issue more directly.",
                **outcome(rng, repro),
            )
        ]

    def check_module(k: int) -> list[Step]:
        return [
            rng.choice(
                [
                    Step("Let me look at the module as it is now.", f"cat {ctx.new_module}", body),
                    Step(
                        "Does it at least compile?",
                        f"python -m py_compile {ctx.new_module} && echo compiled",
                        "compiled",
                    ),
                    Step(
                        "Let me see the import in the source.",
                        f"grep -n '{ctx.helper}' {ctx.source}",
                        f"{line_of(rng)}:    from .{ctx.new_module.rsplit('/', 1)[1][:-3]} import {ctx.helper}\n{line_of(rng)}:    result = {ctx.helper}(value)",
                    ),
                ]
            ),
            test_step(
                ctx, rng, "Let me run the tests as well.", [failing_case(ctx, rng) for _ in range(rng.randint(1, 4))]
            ),
        ]

    attempts = [rewrite, rewrite, rewrite_script, check_module]
    return churn(ctx, rng, n, steps, attempts, "the helper module rewrite")


def _oneliner(ctx: Ctx, code: str, flags: str = "") -> str:
    prefix = (
        "import django; from django.conf import settings; settings.configure(); django.setup(); " if ctx.django else ""
    )
    return f'python{flags} -c "{prefix}{code}"'


def _string_tb(error: str) -> str:
    return f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{error}'


def oneliner_probe_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`python -c` probes, each printing a different wrong answer; a new theory and edit after each."""
    imp = f"from {ctx.dotted} import {ctx.func}"

    def probe() -> Step:
        value = rng.choice(INPUTS)
        other_value = other(rng, INPUTS, value)
        kind = rng.randrange(6)
        if kind == 0:
            code, out = f"{imp}; print(repr({ctx.func}({value})))", rng.choice(CASES[value])
        elif kind == 1:
            result = ast.literal_eval(rng.choice(CASES[value]))
            shown = f"{type(result).__name__} {len(result)}" if result is not None else "NoneType"
            code, out = (
                f"{imp}; r = {ctx.func}({value}); print(type(r).__name__, len(r) if r is not None else '')",
                shown,
            )
        elif kind == 2:
            code = f"import inspect; {imp}; print(inspect.signature({ctx.func}))"
            out = f"(value, {rng.choice(['sep=', 'sep=None', 'separator='])}{rng.choice([chr(39) + ',' + chr(39), 'None', ''])}, **options)".replace(
                "=,", "=None,"
            )
        elif kind == 3:
            code, out = f"{imp}; print({ctx.func}({value}) == {ctx.func}({other_value}))", rng.choice(["True", "False"])
        elif kind == 4:
            code, out = (
                f"{imp}; print([{ctx.func}(v) for v in ({value}, {other_value})])",
                f"[{rng.choice(CASES[value])}, {rng.choice(CASES[other_value])}]",
            )
        else:
            code, out = f"{imp}; print({ctx.func}({value}, sep=';'))", rng.choice(CASES[value])
        if rng.random() < 0.3:
            return Step(
                f"{hypothesis(rng)} A quick one-liner will tell.",
                _oneliner(ctx, code, rng.choice(["", "", " -W error"])),
                _string_tb(rng.choice(EXCEPTIONS)),
                1,
            )
        return Step(
            f"{hypothesis(rng)} Let me probe it directly.", _oneliner(ctx, code, rng.choice(["", "", " -X dev"])), out
        )

    def sed_edit() -> Step:
        if rng.random() < 0.5:
            old, new, why = rng.choice(SED_EDITS)
            line = line_of(rng)
            return Step(
                f"That output changes my theory: {why}. Let me edit line {line}.",
                f'sed -i "{line}s/{old}/{new}/" {ctx.source}',
                "",
            )
        return edit_step(ctx, rng, "That output changes my theory.")

    steps = [probe(), probe()]

    def probe_edit_probe(k: int) -> list[Step]:
        return [sed_edit(), probe()]

    def probes(k: int) -> list[Step]:
        return [probe() for _ in range(rng.randint(1, 3))]

    def revert(k: int) -> list[Step]:
        return [
            Step(
                "None of my edits explain what I see. Let me undo them and probe the original code again."
                if k > 2
                else "Let me get back to the original code and probe that first.",
                rng.choice(
                    [
                        f"git checkout -- {ctx.source}",
                        f"git restore {ctx.source}",
                        f"git diff {ctx.source} > /tmp/attempt.diff && git checkout {ctx.source}",
                    ]
                ),
                "",
            ),
            probe(),
        ]

    attempts = [probe_edit_probe, probe_edit_probe, probes, revert]
    return churn(ctx, rng, n, steps, attempts, "pinning down the behaviour with one-liners")
