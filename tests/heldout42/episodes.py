# ruff: noqa: E501
"""Hard negatives: a search that starts as the loops' do, comes up empty once or twice, then finds its answer."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout42.text import Ctx, empty, line, py_edit


def _passing(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    target = ctx.test_file
    cmd = rng.choice(
        [
            f"python -m pytest {target} -q",
            f"python -m pytest {target} -x -q -k {ctx.stem}",
            f"python -m pytest {target}",
        ]
    )
    if ctx.django:
        return Step(
            thought,
            f"cd tests && ./runtests.py {rng.choice(['', '--parallel 1 '])}{ctx.stem} 2>&1 | tail -5",
            f"Ran {rng.randint(8, 120)} tests in {rng.uniform(0.1, 4):.3f}s\n\nOK\n",
            seconds=rng.uniform(3, 20),
        )
    return Step(thought, cmd, pytest_output(ctx, rng, target, rng.randint(4, 60), []), seconds=rng.uniform(2, 15))


def setting_spelling_found(ctx: Ctx, rng: random.Random) -> list[Step]:
    word = ctx.opt.split("_", 1)[1]
    at = line(rng, 20, 400)
    real = f"{ctx.stem}_{word}_enabled"
    return [
        empty(
            f"The issue calls it `{ctx.setting}`. Let me find where it is read.",
            f'grep -rn "{ctx.setting}" {ctx.run.package}/',
        ),
        empty("Maybe lower case.", f"grep -rn '{ctx.opt}' {ctx.run.package}/"),
        Step(
            "The name is probably spelled differently; searching for the distinctive word.",
            f"grep -rn '{word}' {ctx.pkg_dir}/ | head -20",
            f"{ctx.source}:{at}:    {real} = kwargs.pop('{real}', False)\n{ctx.source}:{at + 31}:        if self.{real}:\n",
        ),
        Step(
            f"Found it: the option is `{real}`. Let me read how it's used.",
            f"sed -n '{at},{at + 40}p' {ctx.source}",
            f"    {real} = kwargs.pop('{real}', False)\n    ...\n        if self.{real}:\n            return self._{ctx.stem}(value)\n        return value\n",
        ),
        Step(
            "The flag is read but not honoured when passed positionally. Fixing that.",
            py_edit(ctx.source, f"if self.{real}:", f"if self.{real} or self._options.get('{real}'):"),
            "patched\n",
        ),
        _passing(ctx, rng, "Now the tests for this module."),
    ]


def message_format_traced(ctx: Ctx, rng: random.Random) -> list[Step]:
    dims = rng.randint(2, 5)
    at = line(rng, 40, 600)
    f = f"{ctx.pkg_dir}/base.py"
    return [
        empty(
            "Let me find where this error message is raised.",
            f'grep -rn "Cannot {ctx.verb} {ctx.stem} with {dims} dimensions" {ctx.run.package}/',
        ),
        Step(
            "It must be formatted. Searching for the fixed part of the text.",
            f"grep -rn 'dimensions (got' {ctx.run.package}/",
            f"{f}:{at}:            msg = 'Cannot %s %s with %d dimensions (got %r)' % (verb, name, arr.ndim, arr.dtype.name)\n",
        ),
        Step(
            "There it is. Let me read the check.",
            f"sed -n '{at - 12},{at + 6}p' {f}",
            "    def _check(self, arr, verb):\n        name = self.name\n        if arr.ndim > self.max_ndim:\n            msg = 'Cannot %s %s with %d dimensions (got %r)' % (verb, name, arr.ndim, arr.dtype.name)\n            raise ValueError(msg)\n",
        ),
        Step(
            "The check compares against max_ndim, which is off by one for this case. Fixing it at the cause.",
            py_edit(f, "if arr.ndim > self.max_ndim:", "if arr.ndim > self.max_ndim + 1:"),
            "patched\n",
        ),
        Step(
            "Let me re-run the reproduction.",
            "python repro.py",
            f"OK: {ctx.func} returned shape ({rng.randint(2, 9)}, {rng.randint(2, 9)})\n",
        ),
    ]


def installed_source_consulted(ctx: Ctx, rng: random.Random) -> list[Step]:
    ver = f"{rng.randint(1, 4)}.{rng.randint(0, 26)}.{rng.randint(0, 9)}"
    at = line(rng, 30, 900)
    return [
        Step(
            f"Could {ctx.dep} be changing the value? Let me see which version is installed.",
            f'python -c "import {ctx.dep}; print({ctx.dep}.__version__, {ctx.dep}.__file__)"',
            f"{ver} {ctx.installed}/__init__.py\n",
        ),
        empty(
            f"Does {ctx.dep} touch `{ctx.stem}` at all?",
            f"grep -rn '{ctx.stem}' {ctx.installed}/ --include=*.py | head",
        ),
        Step(
            f"Nothing in {ctx.dep}, so the value must be changed in our code before it is passed on.",
            f"grep -n '{ctx.dep}' {ctx.source}",
            f"{at}:    result = {ctx.dep}.{rng.choice(['asarray', 'wrap', 'call'])}(value)\n",
        ),
        Step(
            "Let me read that call site.",
            f"sed -n '{at - 8},{at + 8}p' {ctx.source}",
            f"    value = list(value)\n    value.reverse()\n    result = {ctx.dep}.asarray(value)\n    return result\n",
        ),
        Step(
            "The list is reversed in place before the call; that's the bug. Removing the reversal.",
            py_edit(ctx.source, "    value.reverse()\n", ""),
            "patched\n",
        ),
        _passing(ctx, rng, "Running the tests for the module."),
    ]


def vendored_copy_pinned(ctx: Ctx, rng: random.Random) -> list[Step]:
    base = ctx.source.split("/", 1)[-1] if ctx.source.startswith(("src/", "lib/")) else ctx.source
    return [
        Step(
            "My change doesn't show up. Which file does Python import?",
            f'python -c "import {ctx.dotted} as m; print(m.__file__)"',
            f"/testbed/build/lib/{base}\n",
        ),
        Step(
            "A stale build/ copy shadows the source. Let me see what's there.", "ls build/", "bdist.linux-x86_64\nlib\n"
        ),
        Step(
            "Removing the stale build and reinstalling in editable mode.",
            "rm -rf build && pip install -e . -q 2>&1 | tail -2",
            "Successfully installed " + f"{ctx.dist}-0.0.0\n",
            seconds=rng.uniform(8, 40),
        ),
        Step(
            "Checking the import again.",
            f'python -c "import {ctx.dotted} as m; print(m.__file__)"',
            f"/testbed/{ctx.source}\n",
        ),
        _passing(ctx, rng, "Now the tests should see my change."),
    ]


def dynamic_attr_located(ctx: Ctx, rng: random.Random) -> list[Step]:
    at = line(rng, 30, 500)
    f = f"{ctx.pkg_dir}/base.py"
    return [
        empty(f"Let me find the definition of `{ctx.func}`.", f"grep -rn 'def {ctx.func}' {ctx.run.package}/"),
        Step(
            "No def; it's probably generated. Looking for setattr.",
            f"grep -rn 'setattr(' {ctx.pkg_dir}/ | head",
            f"{f}:{at}:        setattr(cls, '%s_%s' % (verb, cls.name), _make_method(verb))\n",
        ),
        Step(
            "Generated per verb. Let me read the factory.",
            f"sed -n '{at - 20},{at + 5}p' {f}",
            "def _make_method(verb):\n    def method(self, value):\n        return self._dispatch(verb, value)\n    return method\n",
        ),
        Step(
            "`_make_method` drops keyword arguments. Passing them through.",
            py_edit(
                f,
                "def method(self, value):\n        return self._dispatch(verb, value)",
                "def method(self, value, **kwargs):\n        return self._dispatch(verb, value, **kwargs)",
            ),
            "patched\n",
        ),
        _passing(ctx, rng, "Running the module's tests."),
    ]


def pickaxe_found_commit(ctx: Ctx, rng: random.Random) -> list[Step]:
    sha = f"{rng.randrange(16**7):07x}"
    old = f"_{ctx.verb}_{ctx.stem}_legacy"
    return [
        empty(f"Let me find when `{old}` was removed.", f"git log -S '{old}' --oneline"),
        Step(
            "Maybe it was named without the suffix.",
            f"git log -S '_{ctx.verb}_{ctx.stem}' --oneline -- {ctx.source} | head",
            f"{sha} Refactored {ctx.stem} helpers into {ctx.cls}.\n",
        ),
        Step(
            "Let me see what that commit did.",
            f"git show {sha} --stat && git show {sha} -- {ctx.source} | head -40",
            f" {ctx.source} | {rng.randint(10, 80)} ++++----\n-def _{ctx.verb}_{ctx.stem}(value, strict=True):\n+def _{ctx.verb}_{ctx.stem}(value, strict=False):\n",
        ),
        Step(
            "The default of `strict` flipped in the refactor; restoring it.",
            py_edit(ctx.source, "strict=False", "strict=True"),
            "patched\n",
        ),
        _passing(ctx, rng, "And the tests."),
    ]
