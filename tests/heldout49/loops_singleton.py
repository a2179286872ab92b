# ruff: noqa: E501
"""A loop on a module-level singleton: a registry filled at import that every test adds to.

The agent renames, clears, pops and reorders; the duplicates and counts move between tests, because
the registry outlives each test and the built-ins registered at import must stay.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout49.text import Attempt, Ctx, churn, py_edit, rerun, test_step


def _edit(thought: str, command: str) -> Step:
    return Step(thought, command, "patched")


def registry_residue(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A module-level registry keeps what earlier tests registered: duplicates and counts that drift."""
    names = ctx.cases(rng, 4)
    code = f"register_{ctx.stem}(name, handler)"

    def errors() -> list[tuple[str, str]]:
        out = []
        for name in rng.sample(names, rng.randint(1, 3)):
            handler = rng.choice(["upper", "json", "csv", "noop", f"{ctx.stem}_x"])
            out.append(
                (
                    name,
                    rng.choice(
                        [
                            f"ValueError: {ctx.stem} handler '{handler}' is already registered",
                            f"AssertionError: assert {rng.randint(4, 12)} == {rng.randint(1, 3)}",
                            f"AssertionError: assert '{handler}' not in ['default', '{handler}', 'csv']",
                        ]
                    ),
                )
            )
        return out

    first = [
        test_step(ctx, rng, "Let me run the tests now that the registration change is in.", "", errors(), code=code)
    ]

    def unique(k: int) -> list[Step]:
        return [
            _edit(
                "Tests register the same name more than once. Let me give each test a unique handler name.",
                py_edit(
                    ctx.test_file,
                    "name = 'custom'",
                    rng.choice(
                        [
                            "name = f'custom_{id(handler)}'",
                            "name = 'custom_' + uuid.uuid4().hex[:6]",
                            "name = request.node.name",
                        ]
                    ),
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", errors(), code=code),
        ]

    def clear_in_test(k: int) -> list[Step]:
        return [
            _edit(
                f"Let me reset {ctx.registry} at the start of each test.",
                py_edit(ctx.test_file, f"from {ctx.dotted} import ", f"from {ctx.dotted} import {ctx.registry}, "),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [(rng.choice(names), f"KeyError: '{rng.choice(['default', 'json', 'repr'])}'"), *errors()[:1]],
                code=f"{ctx.registry}.clear()",
            ),
        ]

    def allow_override(k: int) -> list[Step]:
        return [
            _edit(
                "Maybe registering twice should just replace the handler. Let me drop the duplicate check.",
                py_edit(
                    ctx.source,
                    f"        raise ValueError(f'{ctx.stem} handler {{name!r}} is already registered')",
                    rng.choice(
                        ["        pass", "        return", "        warnings.warn('replacing an existing handler')"]
                    ),
                ),
            ),
            test_step(
                ctx,
                rng,
                rerun(rng),
                "",
                [(f"test_{ctx.stem}_duplicate_rejected", "Failed: DID NOT RAISE <class 'ValueError'>"), *errors()[:1]],
                code="with pytest.raises(ValueError):",
            ),
            Step(
                "That check is tested on purpose. Putting it back.",
                f"git diff --stat {ctx.source}",
                f" {ctx.source} | {rng.randint(3, 9)} ++--\n 1 file changed",
            ),
        ]

    def counts(k: int) -> list[Step]:
        return [
            Step(
                "Let me see what is in the registry after importing the module.",
                f'python -c "from {ctx.dotted} import {ctx.registry}; print(sorted({ctx.registry}))"',
                str(sorted(rng.sample(["default", "json", "csv", "repr", "upper"], 3))),
            ),
            test_step(
                ctx,
                rng,
                "Only the built-ins at import. Let me run a smaller selection.",
                "",
                errors(),
                extra=rng.choice([" -k registry", " -k 'register or handler'", " -p no:randomly"])
                if not ctx.django
                else rng.choice([" --parallel 1", " --reverse"]),
                code=code,
            ),
        ]

    def unregister(k: int) -> list[Step]:
        return [
            _edit(
                "I'll unregister the handler at the end of the tests that register one.",
                py_edit(
                    ctx.test_file,
                    f"    register_{ctx.stem}(name, handler)\n",
                    rng.choice(
                        [
                            f"    register_{ctx.stem}(name, handler)\n    {ctx.registry}.pop(name, None)\n",
                            f"    register_{ctx.stem}(name, handler)\n    request.addfinalizer(lambda: {ctx.registry}.pop(name, None))\n",
                            f"    register_{ctx.stem}(name, handler)\n    del {ctx.registry}[name]\n",
                        ]
                    ),
                    None,
                ),
            ),
            test_step(ctx, rng, rerun(rng), "", errors(), code=code),
        ]

    attempts: list[Attempt] = [unique, clear_in_test, allow_override, counts, unregister]
    return churn(ctx, rng, n, first, attempts, "the registry state leaking between tests")
