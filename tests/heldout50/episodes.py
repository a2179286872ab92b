# ruff: noqa: E501
"""The hard negatives: a few reproduction scripts or probes go wrong, then the cause is found and the tests pass."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout50.loops_scripts import crashed, module_body, recursion
from heldout50.text import (
    CASES,
    EXCEPTIONS,
    INPUTS,
    Ctx,
    Repro,
    edit_step,
    heredoc,
    line_of,
    other,
    py_edit,
    right,
    test_step,
)


def _source(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    line = line_of(rng)
    return Step(
        thought,
        rng.choice([f"sed -n '{line},{line + 14}p' {ctx.source}", f"grep -n -A12 'def {ctx.func}' {ctx.source}"]),
        f"def {ctx.func}(value, sep=',', **options):\n    if value is None:\n        return options.get('default')\n    if isinstance(value, str):\n        parts = value.split(sep)\n    else:\n        parts = list(value)\n    result = []\n    for item in parts:\n        key = {ctx.helper}(item)\n        result.append(item)\n    return result\n",
    )


def _fix(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    return Step(
        thought,
        py_edit(
            ctx.source,
            "        result.append(item)\n",
            f"        if key:\n            result.append({rng.choice(['key', 'item.strip()', 'key if isinstance(item, str) else item'])})\n",
        ),
        "patched",
    )


def _green(ctx: Ctx, rng: random.Random) -> Step:
    return test_step(
        ctx,
        rng,
        rng.choice(
            [
                "Now the tests.",
                "Let me run the module's tests to make sure nothing else broke.",
                "And the existing tests:",
            ]
        ),
        [],
    )


def repro_pinned_cause(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Two scripts disagree, the function is read, one cause explains both, both scripts and the tests pass."""
    first = Repro.drawn(ctx, rng, "reproduce.py")
    second = Repro.drawn(ctx, rng, rng.choice(["reproduce2.py", f"repro_{ctx.stem}.py"]))
    steps = [
        first.written_and_run(rng, "Let me reproduce the issue with a script.", got=first.wrong(rng)),
        second.written_and_run(rng, "Let me try a second input to see how general this is.", got=second.wrong(rng)),
    ]
    if rng.random() < 0.5:
        third = Repro.drawn(ctx, rng, "/tmp/repro3.py")
        steps.append(
            third.written_and_run(rng, "And one with a different shape of input.", error=rng.choice(EXCEPTIONS))
        )
    steps += [
        _source(
            ctx, rng, "The scripts show different symptoms; rather than write more of them, let me read the function."
        ),
        _fix(
            ctx,
            rng,
            f"Both symptoms come from the same place: every item is appended unchanged, whatever {ctx.helper} made of it. Let me use the normalised key and skip empty ones.",
        ),
        Step(
            "Run both scripts again.",
            f"python {first.path}; python {second.path}",
            first.run(rng)[0] + "\n" + second.run(rng)[0],
        ),
        _green(ctx, rng),
        Step("Clean up the scratch scripts.", f"rm -f {first.path} {second.path} /tmp/repro3.py", ""),
    ]
    return steps


def helper_module_settled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A new helper module calls back into the function, the recursion is seen once, the module rewritten once, fine."""
    module = ctx.new_module.rsplit("/", 1)[1][:-3]
    repro = Repro.drawn(ctx, rng, "reproduce.py", style=rng.choice([0, 3]))
    body, error = module_body(ctx, rng, 0)
    while error:
        body, error = module_body(ctx, rng, 0)
    return [
        Step(
            f"I'll put the normalisation in a helper module that reuses {ctx.func}.",
            heredoc(
                ctx.new_module,
                f"from {ctx.dotted} import {ctx.func}\n\n\ndef {ctx.helper}(value, sep=','):\n    items = {ctx.func}(value, sep=sep)\n    return [p for p in items if p]\n",
            ),
            "",
        ),
        Step(
            "Use it from the source.",
            py_edit(
                ctx.source,
                "    result = []\n",
                f"    from .{module} import {ctx.helper}\n    result = {ctx.helper}(value)\n",
            ),
            "patched",
        ),
        Step(
            "Check it with a script.",
            heredoc(repro.path, repro.body, f"python {repro.path}"),
            crashed(repro, rng, recursion(ctx, rng, "items")),
            1,
        ),
        Step(
            f"Infinite recursion: {ctx.helper} calls {ctx.func}, which now calls {ctx.helper}. The helper has to work on the raw value itself, so I'll write it standalone.",
            heredoc(ctx.new_module, body),
            "",
        ),
        repro.step(rng, "Rerun the script."),
        _green(ctx, rng),
    ]


def probe_narrowed_to_cause(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A few one-liners disagree, the helper is read, the cause fixed, the one-liner and the tests right."""
    prefix = (
        "import django; from django.conf import settings; settings.configure(); django.setup(); " if ctx.django else ""
    )
    imp = f"{prefix}from {ctx.dotted} import {ctx.func}"
    values = rng.sample(INPUTS, 3)
    wanted = right(values[0])
    steps = [
        Step(
            "Let me probe the function directly.",
            f'python -c "{imp}; print(repr({ctx.func}({values[0]})))"',
            other(rng, CASES[values[0]], wanted),
        ),
        Step(
            "And with another input.",
            f'python -c "{imp}; print(repr({ctx.func}({values[1]})))"',
            other(rng, CASES[values[1]], right(values[1])),
        ),
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                "A third shape of input.",
                f'python -c "{imp}; print(repr({ctx.func}({values[2]})))"',
                f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{rng.choice(EXCEPTIONS)}',
                1,
            )
        )
    line = line_of(rng)
    steps += [
        Step(
            f"The results vary with the input type, so the helper is the common factor. Let me read {ctx.helper}.",
            f"grep -n -A6 'def {ctx.helper}' {ctx.source}",
            f"{line}:def {ctx.helper}(item):\n{line + 1}-    if isinstance(item, bytes):\n{line + 2}-        item = item.decode()\n{line + 3}-    return item.lower()\n",
        ),
        Step(
            f"{ctx.helper} neither strips nor accepts non-strings, which explains all three outputs. Fix it there.",
            py_edit(ctx.source, "    return item.lower()\n", "    return str(item).strip().lower()\n"),
            "patched",
        ),
        Step("Probe again.", f'python -c "{imp}; print(repr({ctx.func}({values[0]})))"', wanted),
        _green(ctx, rng),
    ]
    return steps


def traceback_root_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One exception patched, a second appears, the patching stops, the value's origin fixed, all green."""
    repro = Repro.drawn(ctx, rng, rng.choice(["reproduce.py", "reproduce_bug.py"]), style=rng.choice([0, 2, 3]))
    first, second = rng.sample(EXCEPTIONS, 2)
    return [
        Step("Let me reproduce the crash.", repro.write, ""),
        repro.step(rng, "Run it.", error=first),
        edit_step(ctx, rng, f"A {first.split(':')[0]}."),
        repro.step(rng, "Rerun.", error=second),
        Step(
            "A different exception from the same input: I'm patching symptoms. Let me undo that and look at where the value is built.",
            f"git checkout -- {ctx.source} && grep -n 'parts\\|{ctx.helper}' {ctx.source} | head",
            f"{line_of(rng)}:        parts = value.split(sep)\n{line_of(rng)}:        parts = list(value)\n{line_of(rng)}:        key = {ctx.helper}(item)\n",
        ),
        Step(
            "Non-string inputs go through list(value) and keep nested or bytes items. Normalise them there, once.",
            py_edit(
                ctx.source,
                "        parts = list(value)\n",
                f"        parts = [p.decode() if isinstance(p, bytes) else p for p in {ctx.helper}(value)]\n",
            ),
            "patched",
        ),
        repro.step(rng, "Rerun the script."),
        _green(ctx, rng),
    ]


def expectation_read_from_docs(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The script's expectation doubted once, settled from the existing tests, the function fixed, all green."""
    path = rng.choice(["reproduce.py", "repro_expected.py"])
    value = rng.choice(INPUTS)
    wanted = right(value)
    guess = rng.choice(CASES[value][1:])
    got = other(rng, CASES[value], guess, wanted)
    line = line_of(rng)
    body = f'{ctx.imports}\nEXPECTED = {guess}\nvalue = {value}\ngot = {ctx.func}(value)\nprint("got     ", repr(got))\nprint("expected", repr(EXPECTED))\nprint("PASS" if got == EXPECTED else "FAIL")\n'
    return [
        Step(
            "Let me write a script with the result I expect.",
            heredoc(path, body, f"python {path}"),
            f"got      {got}\nexpected {guess}\nFAIL",
        ),
        Step(
            "Before I change anything I should make sure my expectation is right. Let me see what the existing tests assert for similar input.",
            f"grep -n -B2 -A4 '{ctx.func}(' {ctx.test_file} | head -30",
            f"{line}-def {ctx.case(rng)}():\n{line + 1}-    value = {value}\n{line + 2}:    assert {ctx.func}(value) == {wanted}\n",
        ),
        Step(
            f"The tests already state it: {wanted}. My guess was wrong; fix the script.",
            f'sed -i "s/^EXPECTED = .*/EXPECTED = {wanted}/" {path}',
            "",
        ),
        _source(ctx, rng, "Now the function itself."),
        _fix(ctx, rng, f"Items are appended before {ctx.helper} is applied."),
        Step("Rerun.", f"python {path}", f"got      {wanted}\nexpected {wanted}\nPASS"),
        _green(ctx, rng),
    ]


def repro_cases_converged(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A table of cases: two fail, one fix leaves one, the helper read, a second fix, every case and test passing."""
    path = rng.choice(["repro_cases.py", "check_cases.py"])
    cases = [(value, right(value)) for value in rng.sample(INPUTS, rng.randint(4, 6))]
    rows = "".join(f"    ({value}, {wanted}),\n" for value, wanted in cases)
    body = f'{ctx.imports}\nCASES = [\n{rows}]\n\nfor value, wanted in CASES:\n    got = {ctx.func}(value)\n    print("PASS" if got == wanted else "FAIL", repr(value), "->", repr(got))\n'
    bad = rng.sample(range(len(cases)), 2)

    def table(failing: list[int]) -> str:
        return "\n".join(
            f"{'FAIL' if i in failing else 'PASS'} {value} -> {other(rng, CASES[value], wanted) if i in failing else wanted}"
            for i, (value, wanted) in enumerate(cases)
        )

    return [
        Step(
            "Let me write the cases from the issue as a table and run it.",
            heredoc(path, body, f"python {path}"),
            table(bad),
        ),
        edit_step(ctx, rng, "Two cases fail."),
        Step("Rerun the table.", f"python {path}", table(bad[1:])),
        _source(
            ctx,
            rng,
            "One left, a different kind of input. Rather than special-case it, let me read the whole function.",
        ),
        _fix(ctx, rng, "The remaining case fails for the same underlying reason: the item is appended raw."),
        Step("Rerun the table.", f"python {path}", table([])),
        _green(ctx, rng),
    ]
