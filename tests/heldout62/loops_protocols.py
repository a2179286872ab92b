# ruff: noqa: E501
"""Loop family on structural types: a Protocol that no implementation quite matches."""

from __future__ import annotations

import random
import re

from heldout20.calls import Step
from heldout62.looks import churn, edit
from heldout62.testrun import Fail, test_step
from heldout62.text import Attempt, Ctx, Diag, mypy_step


def _revealed(sig: str, owner: str) -> str:
    """A method's signature as mypy's reveal_type prints it on the class."""
    sig = re.sub(
        r"\b(object|str|bool)\b",
        r"builtins.\1",
        sig.replace(" = ...", " =").replace("def render(self, ", f"def (self: {owner}, "),
    )
    return sig


def protocol_member_conflict_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A Protocol for the renderers: each signature change makes another implementation conflict, never all at once."""
    src, f, cls = ctx.source, ctx.func, ctx.cls
    proto = f"Supports{cls}Render"
    impls = [f"{ctx.sub}Renderer", f"Plain{cls}Renderer", f"Legacy{cls}Renderer"]
    where = {impl: ctx.other(rng) for impl in impls}
    sigs = [
        "def render(self, value: object, *, strict: bool = ...) -> str",
        "def render(self, value: object) -> str",
        "def render(self, value: object, strict: bool = ...) -> str",
        "def render(self, value: Any, **options: Any) -> str",
        "def render(self, object, /, *, strict: bool = ...) -> str",
        "def render(self, value: str, *, strict: bool = ...) -> str",
    ]
    body = f"class {proto}(Protocol):\n    name: str\n\n    {sigs[0]}: ...\n\n\ndef {f}(renderer: {proto}, value: object) -> str:\n    if not isinstance(renderer, {proto}):\n        raise TypeError('not a renderer: ' + repr(renderer))\n    return renderer.render(value, strict=True)\n"

    def conflict(impl: str, expected: str, got: str) -> Diag:
        return Diag(
            rng.randint(20, 800),
            f'Argument 1 to "{f}" has incompatible type "{impl}"; expected "{proto}"',
            "arg-type",
            (
                f'Following member(s) of "{impl}" have conflicts:',
                "    Expected:",
                f"        {expected}",
                "    Got:",
                f"        {got}",
            ),
            where[impl],
        )

    def missing(impl: str, member: str = "name") -> Diag:
        return Diag(
            rng.randint(20, 800),
            f'Argument 1 to "{f}" has incompatible type "{impl}"; expected "{proto}"',
            "arg-type",
            (f'"{impl}" is missing following "{proto}" protocol member:', f"    {member}"),
            where[impl],
        )

    def settable(impl: str) -> Diag:
        return Diag(
            rng.randint(20, 800),
            f'Argument 1 to "{f}" has incompatible type "{impl}"; expected "{proto}"',
            "arg-type",
            (f"Protocol member {proto}.name expected settable variable, got read-only attribute",),
            where[impl],
        )

    checkable = Diag(
        rng.randint(20, 400), "Only @runtime_checkable protocols can be used with instance and class checks", "misc"
    )

    def run(thought: str, diags: list[Diag]) -> Step:
        return mypy_step(ctx, rng, thought, rng.sample(diags, max(1, len(diags) - rng.randint(0, 1))))

    def drift(expected: str) -> list[Diag]:
        """The implementations whose signature differs from the protocol's current one."""
        got = rng.sample([s for s in sigs if s != expected], 2)
        return [conflict(impls[0], expected, got[0]), conflict(impls[2], expected, got[1])]

    def add_strict(k: int) -> list[Step]:
        impl = rng.choice(impls[1:])
        return [
            Step(
                f"{impl} has no `strict` keyword. Add it there so it matches the protocol.",
                edit(rng, where[impl], "    def render(self, value):", "    def render(self, value, *, strict=False):"),
                "patched",
            ),
            run("Check mypy again.", [*drift(sigs[0]), missing(impls[1]), checkable]),
        ]

    def loosen(k: int) -> list[Step]:
        sig = rng.choice(sigs[2:4])
        return [
            Step(
                "The implementations disagree on how `strict` is passed; loosen the protocol so all of them fit.",
                edit(rng, src, f"    {sigs[0]}: ...", f"    {sig}: ..."),
                "patched",
            ),
            run("Rerun mypy.", [*drift(sig), settable(impls[0])]),
        ]

    def positional(k: int) -> list[Step]:
        return [
            Step(
                "Some implementations name the parameter differently; make `value` positional-only in the protocol.",
                edit(rng, src, "def render(self, value: object,", "def render(self, value: object, /,"),
                "patched",
            ),
            run("Run mypy.", [*drift(sigs[4]), missing(impls[2], rng.choice(["name", "render"]))]),
        ]

    def runtime_checkable(k: int) -> list[Step]:
        case = ctx.case(rng, ["rejects_non_renderer", "bad_renderer", "type_error"])
        return [
            Step(
                "isinstance() against a Protocol needs @runtime_checkable.",
                edit(rng, src, f"class {proto}(Protocol):", f"@runtime_checkable\nclass {proto}(Protocol):"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests too, since the isinstance check now does something at runtime.",
                ctx.test_file,
                [
                    Fail(
                        case,
                        "Failed: DID NOT RAISE <class 'TypeError'>",
                        "with pytest.raises(TypeError):",
                    )
                ],
            ),
            run("And mypy.", [*drift(sigs[0]), settable(impls[0])]),
        ]

    def property_name(k: int) -> list[Step]:
        return [
            Step(
                "One renderer exposes `name` as a property; declare it read-only in the protocol as well.",
                edit(rng, src, "    name: str\n", "    @property\n    def name(self) -> str: ...\n"),
                "patched",
            ),
            run("Rerun.", [*drift(sigs[0]), missing(impls[1], "render"), checkable]),
        ]

    def abc(k: int) -> list[Step]:
        return [
            Step(
                "Maybe a Protocol is the wrong tool: make it an ABC and have the renderers inherit from it.",
                edit(rng, src, f"class {proto}(Protocol):", f"class {proto}(abc.ABC):")
                + f"\nsed -i 's/^class \\({impls[2]}\\)(object):/class \\1({proto}):/' {where[impls[2]]}",
                "patched",
            ),
            run(
                "mypy.",
                [
                    Diag(
                        rng.randint(20, 800),
                        f'Cannot instantiate abstract class "{impls[2]}" with abstract attribute "render"',
                        "abstract",
                        (),
                        where[impls[2]],
                    ),
                    Diag(
                        rng.randint(20, 800),
                        f'Argument 1 to "{f}" has incompatible type "{impls[0]}"; expected "{proto}"',
                        "arg-type",
                        (),
                        where[impls[0]],
                    ),
                    Diag(
                        rng.randint(20, 800),
                        f'Argument 1 to "{f}" has incompatible type "{impls[1]}"; expected "{proto}"',
                        "arg-type",
                        (),
                        where[impls[1]],
                    ),
                ],
            ),
        ]

    def casts(k: int) -> list[Step]:
        impl = rng.choice(impls)
        return [
            Step(
                f"Cast where {impl} is passed in; it does work at runtime.",
                f"sed -i 's/{f}(\\([a-z_]*\\), /{f}(cast({proto}, \\1), /' {where[impl]}",
                "",
            ),
            run(
                "Check.",
                [
                    *drift(sigs[0]),
                    Diag(rng.randint(20, 800), f'Redundant cast to "{proto}"', "redundant-cast", (), where[impl]),
                    Diag(rng.randint(2, 30), f'Name "{proto}" is not defined', "name-defined", (), where[impl]),
                ],
            ),
        ]

    def reveal(k: int) -> list[Step]:
        impl = rng.choice(impls)
        got = rng.choice(sigs[1:])
        return [
            Step(
                f"Let me ask mypy what it thinks {impl}.render is.",
                f"printf 'from {ctx.dotted} import *\\nfrom {where[impl][:-3].replace('/', '.')} import {impl}\\nreveal_type({impl}.render)\\n' > /tmp/reveal_render.py && mypy /tmp/reveal_render.py 2>&1 | tail -3",
                f'/tmp/reveal_render.py:3: note: Revealed type is "{_revealed(got, where[impl][:-3].replace("/", ".").removeprefix("lib.").removeprefix("src.") + "." + impl)}"\nSuccess: no issues found in 1 source file',
            )
        ]

    first = [
        run(
            f"With {proto} in place, let me run mypy over the module and its callers.",
            [*drift(sigs[0]), missing(impls[1]), checkable],
        ),
        Step("Let me read the protocol and the function using it.", f"grep -n -A14 'class {proto}' {src}", body),
    ]
    attempts: list[Attempt] = [add_strict, loosen, positional, runtime_checkable, property_name, abc, casts, reveal]
    return churn(ctx, rng, n, first, attempts, f"making every renderer satisfy {proto}", body, proto)
