# ruff: noqa: E501
"""Loop family on wrapping: help text filled with textwrap, each option flipped breaking another case, paragraphs never kept."""

from __future__ import annotations

import random
import re
import textwrap
from collections.abc import Callable

from heldout20 import text as base
from heldout20.calls import Step
from heldout72.models import Case, Model, State, flip, looks, py
from heldout72.text import Attempt, Ctx, give_up

_WRAPS = ("format_{}_help", "_wrap_{}_text", "{}_description", "fill_{}_help")
_RERUN = ("Run the tests again.", "Rerun.", "Let me see what fails now.", "Check the tests.", "Rerun the module.")
WRAP_REF: State = {"para": "split", "long": "0", "hyphen": "0"}


def _options(st: State) -> dict[str, bool]:
    return {"break_long_words": st["long"] == "1", "break_on_hyphens": st["hyphen"] == "1"}


def wrap_impl(st: State, case: Case) -> str:
    text, width = case.args
    options = _options(st)
    if st["para"] == "fill":
        return textwrap.fill(text, width, **options)
    if st["para"] == "lines":
        return "\n".join(textwrap.fill(line, width, **options) for line in text.splitlines())
    return "\n\n".join(textwrap.fill(p, width, **options) for p in re.split(r"\n\s*\n", text.strip()))


def wrap_render(func: str) -> Callable[[State], str]:
    def render(st: State) -> str:
        extra = ("" if st["long"] == "1" else ", break_long_words=False") + (
            "" if st["hyphen"] == "1" else ", break_on_hyphens=False"
        )
        lines = [f"def {func}(text, width=70):", '    """Wrap help text to `width` columns."""']
        lines += {
            "fill": [f"    return textwrap.fill(text, width{extra})"],
            "lines": [f"    return '\\n'.join(textwrap.fill(line, width{extra}) for line in text.splitlines())"],
            "split": [
                "    paragraphs = re.split(r'\\n\\s*\\n', text.strip())",
                f"    return '\\n\\n'.join(textwrap.fill(p, width{extra}) for p in paragraphs)",
            ],
        }[st["para"]]
        return "\n".join([*lines, ""])

    return render


def wrap_cases(ctx: Ctx, func: str) -> list[Case]:
    s = ctx.stem
    specs = [
        (
            "long_url",
            f"Read the {s} guide at https://example.org/docs/{s}/configuration/advanced-options.html before changing it.",
            40,
        ),
        ("hyphenated", f"Enables the read-only, non-blocking and thread-safe {s} cache for all workers.", 30),
        (
            "paragraphs",
            f"Controls how the {s} values are rendered in the output.\n\nSet it to an empty string to turn rendering off.",
            50,
        ),
        ("reflow", f"This {s} option was\nwrapped at a narrow\nwidth earlier.", 60),
        ("short", f"Show the {s} version and exit.", 70),
    ]
    cases = []
    for name, body, width in specs:
        want = wrap_impl(WRAP_REF, Case(name, (body, width), "", ""))
        cases.append(
            Case(
                name, (body, width), want, f"{func}(text, width={width})", (f"text = {body!r}", f"expected = {want!r}")
            )
        )
    return cases


def wrap_width_break_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Wrapping help text: URLs split, hyphenated words broken, paragraphs merged or left unwrapped; each flag flipped breaks another case."""
    func = ctx.named(_WRAPS)
    model = Model(
        ctx, func, wrap_cases(ctx, func), wrap_impl, wrap_render(func), {"para": "fill", "long": "1", "hyphen": "1"}
    )
    options = [
        ("long", "0", "The URL gets split in the middle. Pass break_long_words=False so long words stay whole."),
        (
            "long",
            "1",
            "With break_long_words=False a long word overflows the width. Let textwrap break long words again.",
        ),
        ("hyphen", "0", "Lines break after hyphens ('read-' / 'only'). Pass break_on_hyphens=False."),
        (
            "hyphen",
            "1",
            "Without hyphen breaks the lines come out longer than expected. Restore the default break_on_hyphens.",
        ),
        (
            "para",
            "lines",
            "fill() joins all lines into one paragraph and the blank line disappears. Wrap each line on its own instead.",
        ),
        (
            "para",
            "fill",
            "Wrapping line by line doesn't reflow text that was already wrapped. Go back to fill() over the whole text.",
        ),
    ]
    tried: set[str] = set()

    def edit(k: int) -> list[Step]:
        thought, command = flip(rng, model, options, tried)
        return [Step(thought, command, "patched"), model.check(rng, rng.choice(_RERUN))]

    def experiment(k: int) -> list[Step]:
        case = model.case(rng.choice(model.failing_names()))
        text, width = case.args
        kwargs = rng.choice(
            [
                {},
                {"break_long_words": False},
                {"break_on_hyphens": False},
                {"break_long_words": False, "break_on_hyphens": False},
            ]
        )
        shown = "".join(f", {k}={v}" for k, v in kwargs.items())
        return [
            Step(
                f"Let me see how textwrap splits the {case.name.replace('_', ' ')} text{' with ' + ', '.join(kwargs) if kwargs else ''}.",
                py(["import textwrap", f"print(textwrap.wrap({text!r}, {width}{shown}))"]),
                repr(textwrap.wrap(text, width, **kwargs)),
            )
        ]  # type: ignore[arg-type]

    def probe(k: int) -> list[Step]:
        name = rng.choice(model.failing_names())
        return [model.probe(rng, f"What does {func} give for the {name.replace('_', ' ')} text?", name)]

    def widths(k: int) -> list[Step]:
        case = model.case(rng.choice(model.failing_names()))
        got = model.result(case)
        return [
            Step(
                "Let me check the length of each output line against the width.",
                py(
                    [
                        f"from {ctx.dotted} import {func}",
                        f"print([len(line) for line in {func}({case.args[0]!r}, {case.args[1]}).split(chr(10))])",
                    ]
                ),
                repr([len(line) for line in str(got).split("\n")]),
            )
        ]

    first = [model.run(rng, "Let me run the help-text tests."), model.show(rng, f"Let me look at {func}.")]
    attempts: list[Attempt] = [edit, edit, edit, experiment, probe, widths]
    return base.churn(
        rng,
        n,
        first,
        attempts,
        lambda: looks(model, rng),
        lambda: give_up(rng, "wrapping the help text the way the tests expect"),
        0.3,
    )
