# ruff: noqa: E501
"""Loop family on a TypeVar bound: a registry made Generic, and no bound, constraint or Self fits every use."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout62.looks import churn, edit
from heldout62.text import Attempt, Ctx, Diag, mypy_step


def typevar_bound_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A registry made Generic over a TypeVar bound to the base class: every bound, constraint and Self either breaks a use or the import."""
    src, base, sub, attr = ctx.source, ctx.base, ctx.sub, ctx.attr
    reg = f"{ctx.cls}Registry"
    body = f'T = TypeVar("T", bound="{base}")\n\n\nclass {reg}(Generic[T]):\n    def __init__(self) -> None:\n        self._items: {ctx.dct("str", "T")} = dict()\n\n    def register(self, key: str, item: T) -> T:\n        self._items[key] = item\n        return item\n\n    def get(self, key: str, default: {ctx.opt("T")} = None) -> T:\n        return self._items.get(key, default)\n'
    other = ctx.other(rng)
    mod = ctx.dotted

    def d(message: str, code: str, notes: tuple[str, ...] = (), path: str = "") -> Diag:
        return Diag(rng.randint(15, 800), message, code, notes, path)

    pool = {
        "str": lambda: d(f'Type argument "str" of "{reg}" must be a subtype of "{base}"', "type-var", (), other),
        "cls": lambda: d(
            f'Value of type variable "T" of "register" of "{reg}" cannot be "type[{sub}]"', "type-var", (), other
        ),
        "ret": lambda: d(f'Incompatible return value type (got "{ctx.opt("T")}", expected "T")', "return-value"),
        "unbound": lambda: d(
            f'Type variable "{mod}.T" is unbound',
            "valid-type",
            (
                '(Hint: Use "Generic[T]" or "Protocol[T]" base class to bind "T" inside a class)',
                '(Hint: Use "T" in function signature to bind "T" inside a function)',
            ),
        ),
        "name": lambda: d(f'Name "{base}" is not defined', "name-defined"),
        "constraint": lambda: d(f'"str" has no attribute "{attr}"', "attr-defined"),
        "instance": lambda: d(
            f'Incompatible types in assignment (expression has type "{sub}", variable has type "type[{base}]")',
            "assignment",
            (),
            other,
        ),
        "self": lambda: d('Module "typing" has no attribute "Self"', "attr-defined"),
        "target": lambda: d(
            'Incompatible types in assignment (expression has type "K", target has type "T")', "assignment"
        ),
        "ignore": lambda: d('Unused "type: ignore" comment', "unused-ignore", (), other),
        "attr": lambda: d(f'"{base}" has no attribute "{attr}"', "attr-defined", (), other),
    }

    def run(thought: str, keys: list[str]) -> Step:
        picked = rng.sample(keys, max(1, len(keys) - rng.randint(0, 1)))
        return mypy_step(ctx, rng, thought, [pool[k]() for k in picked])

    def runtime(thought: str, error: str) -> Step:
        return Step(
            thought,
            f'python -c "import {mod}"',
            f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "/testbed/{src}", line {rng.randint(3, 40)}, in <module>\n    {error.split("|")[0]}\n{error.split("|")[1]}',
            rc=1,
        )

    def import_base(k: int) -> list[Step]:
        return [
            Step(
                f"mypy can't resolve the string bound. Import {base} at module level.",
                edit(rng, src, "from typing import", f"from {ctx.run.module} import {base}\nfrom typing import"),
                "patched",
            ),
            runtime(
                "Make sure the module still imports.",
                f"from {ctx.run.module} import {base}|ImportError: cannot import name '{base}' from partially initialized module '{ctx.run.module}' (most likely due to a circular import) (/testbed/{ctx.run.package}/__init__.py)",
            ),
        ]

    def type_checking(k: int) -> list[Step]:
        return [
            Step(
                "Circular import, so import it only under TYPE_CHECKING.",
                edit(
                    rng,
                    src,
                    f"from {ctx.run.module} import {base}\n",
                    f"if TYPE_CHECKING:\n    from {ctx.run.module} import {base}\n",
                ),
                "patched",
            ),
            run("Run mypy.", ["str", "cls", "ret", rng.choice(["name", "attr"])]),
        ]

    def type_bound(k: int) -> list[Step]:
        return [
            Step(
                f"Most registrations pass the class itself, not an instance: the bound should be type[{base}].",
                edit(rng, src, f'T = TypeVar("T", bound="{base}")', f'T = TypeVar("T", bound="type[{base}]")'),
                "patched",
            ),
            run("Rerun mypy.", ["str", "instance", "ret", "attr"]),
        ]

    def constrained(k: int) -> list[Step]:
        return [
            Step(
                f"The alias registry stores strings. Constrain T to {base} or str instead of bounding it.",
                edit(rng, src, f'T = TypeVar("T", bound="{base}")', f'T = TypeVar("T", "{base}", str)'),
                "patched",
            ),
            run("Check.", ["constraint", "ret", "cls", "instance"]),
        ]

    def optional_default(k: int) -> list[Step]:
        return [
            Step(
                "get() can return the default, which may be None; its return type has to say so.",
                edit(
                    rng,
                    src,
                    f"default: {ctx.opt('T')} = None) -> T:",
                    f"default: {ctx.opt('T')} = None) -> {ctx.opt('T')}:",
                ),
                "patched",
            ),
            run("And now?", ["str", "cls", "attr", "attr", "ignore"]),
        ]

    def module_typevar(k: int) -> list[Step]:
        return [
            Step(
                "Maybe a second TypeVar for register() only, so what it returns doesn't depend on the class parameter.",
                edit(
                    rng,
                    src,
                    "    def register(self, key: str, item: T) -> T:",
                    '    def register(self, key: str, item: "K") -> "K":',
                )
                + f"\nsed -i 's/^T = TypeVar(\\(.*\\))$/T = TypeVar(\\1)\\nK = TypeVar(\"K\")/' {src}",
                "patched",
            ),
            run("Run mypy.", ["target", "str", "cls", "ret"]),
        ]

    def drop_generic(k: int) -> list[Step]:
        return [
            Step(
                f"Perhaps {reg} doesn't need to be Generic at all if the methods carry T themselves.",
                edit(rng, src, f"class {reg}(Generic[T]):", f"class {reg}:"),
                "patched",
            ),
            run("Check.", ["unbound", "unbound", "str", "attr"]),
        ]

    def use_self(k: int) -> list[Step]:
        return [
            Step(
                "register() returns what it was given; typing.Self should express that without a bound.",
                edit(rng, src, "from typing import", "from typing import Self\nfrom typing import"),
                "patched",
            ),
            runtime(
                "Quick import check.",
                f"from typing import Self|ImportError: cannot import name 'Self' from 'typing' (/opt/miniconda3/envs/testbed/lib/python{ctx.python}/typing.py)",
            )
            if ctx.python in ("3.8", "3.9", "3.10")
            else run("mypy again.", ["self", "str", "cls"]),
        ]

    def ignore_uses(k: int) -> list[Step]:
        return [
            Step(
                f"The uses in {other} are fine at runtime. Ignore type-var there.",
                f"sed -i 's/\\({reg}\\[.*\\]\\)$/\\1  # type: ignore[type-var]/' {other} && grep -n 'ignore\\[type-var\\]' {other}",
                f"{rng.randint(20, 500)}:_aliases: {reg}[str] = {reg}()  # type: ignore[type-var]",
            ),
            run("Rerun.", ["ignore", "cls", "ret", "instance"]),
        ]

    first = [
        run("The registry is generic now; let me type-check the module.", ["str", "cls", "ret", "name"]),
        Step(f"Let me look at {reg} again.", f"grep -n -B3 -A14 'class {reg}' {src}", body),
    ]
    attempts: list[Attempt] = [
        import_base,
        type_checking,
        type_bound,
        constrained,
        optional_default,
        module_typevar,
        drop_generic,
        use_self,
        ignore_uses,
    ]
    return churn(ctx, rng, n, first, attempts, f"the TypeVar bound on {reg}", body, reg)
