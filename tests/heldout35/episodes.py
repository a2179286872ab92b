# ruff: noqa: E501
"""Productive episodes on the loops' surface: the same limit met once or twice, then the real fix — a smaller
fixture, the right subset, a CPU path, a streaming read, a serial run, an iterative walk — and the work goes on."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout35.loops_compute import _partial
from heldout35.text import Ctx, look, traceback


def _edit(ctx: Ctx, path: str, old: str, new: str) -> str:
    return f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\ns = s.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF"


def _passes(ctx: Ctx, rng: random.Random, thought: str, target: str = "") -> Step:
    target = target or rng.choice([ctx.test_file, f"{ctx.test_file}::{ctx.test_name}"])
    return Step(
        thought,
        f"python -m pytest {target} -q",
        pytest_output(ctx, rng, target, rng.randint(1, 60), []),
        seconds=rng.uniform(0.8, 9),
    )


def fixture_shrunk(ctx: Ctx, rng: random.Random) -> list[Step]:
    """MemoryError on a big fixture once or twice, then the fixture made small enough to test the behaviour."""
    big = rng.choice(["5_000_000", "10**7", "8_000_000"])
    small = rng.choice(["1_000", "500", "2_000", "200"])
    steps = [
        Step(
            "Run the test for the new behaviour.",
            f"python -m pytest {ctx.test_file}::{ctx.test_name} -q",
            "E   MemoryError\n" + traceback(ctx, rng, "MemoryError", 1) + f"\n1 failed in {rng.uniform(20, 90):.2f}s",
            rc=1,
            seconds=rng.uniform(20, 90),
        ),
        Step(
            f"The fixture `{ctx.fixture}` builds {big} rows. Let me look at it.",
            f"grep -n -A6 'def {ctx.fixture}' {ctx.tests_dir}/conftest.py",
            f"{rng.randint(12, 140)}:def {ctx.fixture}(request):\n    n = {big}\n    return [make_row(i) for i in range(n)]\n",
        ),
    ]
    if rng.random() < 0.5:
        steps.append(look(ctx, rng))
    steps += [
        Step(
            f"The behaviour does not depend on the size; {small} rows exercise the same path. Shrink it.",
            _edit(ctx, f"{ctx.tests_dir}/conftest.py", f"n = {big}", f"n = {small}"),
            "patched",
        ),
        _passes(ctx, rng, "Run the test again with the smaller fixture.", f"{ctx.test_file}::{ctx.test_name}"),
        _passes(ctx, rng, "Passes. Now the whole module.", ctx.test_file),
    ]
    return steps


def subset_found(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The full suite times out once; the agent finds the tests that cover its change and runs only those."""
    a, b = rng.randint(8, 60), rng.randint(10, 70)
    return [
        Step(
            "Run the test suite to check for regressions.",
            "python -m pytest -q",
            _partial(ctx, rng, ctx.tests_dir),
            seconds=rng.uniform(55, 60),
            timed_out=True,
        ),
        Step(
            f"The whole suite is too slow for this shell. Find the tests that import {ctx.stem}.",
            f"grep -rln '{ctx.stem}' {ctx.tests_dir} --include='test_*.py' | head",
            f"{ctx.test_file}\n{ctx.tests_dir}/test_utils.py\n",
        ),
        Step(
            "Run those two files only.",
            f"python -m pytest {ctx.test_file} {ctx.tests_dir}/test_utils.py -q",
            f"{'.' * a}{'.' * b}{' ' * 4}[100%]\n{a + b} passed in {rng.uniform(2, 25):.2f}s",
            seconds=rng.uniform(2, 25),
        ),
    ]


def cpu_fallback(ctx: Ctx, rng: random.Random) -> list[Step]:
    """CUDA is missing once; the agent checks, finds the device option, and runs on CPU."""
    return [
        Step(
            "Run my reproduction script.",
            f"python {ctx.script}",
            traceback(ctx, rng, "AssertionError: Torch not compiled with CUDA enabled", 1),
            rc=1,
            seconds=rng.uniform(3, 15),
        ),
        Step(
            "This machine has no GPU. Does the code take a device argument?",
            f"grep -n 'device' {ctx.source} | head -5",
            f"{rng.randint(30, 300)}:def {ctx.func}(values, device=None, **options):\n{rng.randint(310, 600)}:    device = device or default_device()\n",
        ),
        Step(
            "It does. Pass device='cpu' in the script.",
            f"sed -i \"s/{ctx.func}(data)/{ctx.func}(data, device='cpu')/\" {ctx.script} && python {ctx.script}",
            f"{ctx.func} -> ok ({rng.randint(3, 64)} items on cpu, {rng.uniform(0.01, 0.9):.3f}s)",
        ),
        _passes(ctx, rng, "Works on CPU. Run the module's tests (the GPU ones skip themselves)."),
    ]


def streamed_read(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A huge data file is too big to read whole once; the agent streams it and finds the record."""
    rid = rng.randint(10**6, 10**8)
    line = rng.randint(10**5, 9 * 10**6)
    return [
        Step(
            "Load the data file to find the record the test trips on.",
            f"python -c \"import json; d=[json.loads(l) for l in open('{ctx.big}')]; print(len(d))\"",
            "Killed\n",
            rc=137,
            seconds=rng.uniform(30, 90),
        ),
        Step(
            "Killed: how big is the file?",
            f"ls -lh {ctx.big}",
            f"-rw-r--r-- 1 root root {rng.uniform(2.1, 9.7):.1f}G Jan {rng.randint(1, 28)} 10:{rng.randint(10, 59)} {ctx.big}\n",
        ),
        Step(
            "Far too big to load. Stream it and stop at the first record with the failing id.",
            f"grep -n -m1 '\"id\": {rid}' {ctx.big} | cut -c1-200",
            f'{line}:{{"id": {rid}, "ts": {rng.randint(1_600_000_000, 1_700_000_000)}, "kind": "tick", "payload": null}}\n',
            seconds=rng.uniform(4, 30),
        ),
        Step(
            f"The payload is null; {ctx.func} assumes a string. Handle None.",
            _edit(ctx, ctx.source, "payload = record['payload']", "payload = record['payload'] or ''"),
            "patched",
        ),
        _passes(ctx, rng, "Run the tests."),
    ]


def xdist_disabled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A parallel run loses a worker once; run serially, the real failure shows and is fixed."""
    workers = rng.choice([4, 8])
    gw = f"gw{rng.randint(0, workers - 1)}"
    error = f"AssertionError: assert {rng.randint(2, 9)} == {rng.randint(10, 40)}"
    return [
        Step(
            "Run the tests in parallel.",
            f"python -m pytest {ctx.tests_dir} -q -n {workers}",
            f"created: {workers}/{workers} workers\n{'.' * rng.randint(20, 60)}\n[{gw}] node down: Not properly terminated\nreplacing crashed worker {gw}\n= 1 failed, {rng.randint(80, 400)} passed in {rng.uniform(20, 50):.2f}s =",
            rc=1,
            seconds=rng.uniform(20, 50),
        ),
        Step(
            "A crashed worker hides what failed. Run the module serially without xdist.",
            f"python -m pytest {ctx.test_file} -q -p no:xdist",
            pytest_output(
                ctx,
                rng,
                ctx.test_file,
                rng.randint(10, 50),
                [(ctx.test_name, [f">       assert {ctx.func}(data) == expected", f"E       {error}"], error)],
            ),
            rc=1,
            seconds=rng.uniform(2, 12),
        ),
        Step(
            "A real failure: the last chunk is dropped. Look at the loop.",
            f"grep -n 'range(' {ctx.source} | head -3",
            f"{rng.randint(80, 600)}:    for start in range(0, len(values) - size, size):\n",
        ),
        Step(
            "The range stops one chunk early. Fix the bound.",
            _edit(ctx, ctx.source, "range(0, len(values) - size, size)", "range(0, len(values), size)"),
            "patched",
        ),
        _passes(ctx, rng, "Rerun the module serially.", ctx.test_file),
    ]


def recursion_made_iterative(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Deep input overflows once; instead of raising the limit the agent makes the walk iterative."""
    return [
        Step(
            "Run the deep-input test.",
            f"python -m pytest {ctx.test_file}::{ctx.test_name} -q",
            traceback(ctx, rng, "RecursionError: maximum recursion depth exceeded", 3),
            rc=1,
            seconds=rng.uniform(2, 10),
        ),
        Step(
            f"Let me read {ctx.func}.",
            f"grep -n -A8 'def {ctx.func}' {ctx.source}",
            f"{rng.randint(60, 500)}:def {ctx.func}(node, out=None):\n    out = [] if out is None else out\n    out.append(node.value)\n    for child in node.children:\n        {ctx.func}(child, out)\n    return out\n",
        ),
        Step(
            "Raising the recursion limit only moves the crash. Walk the tree with an explicit stack.",
            _edit(
                ctx,
                ctx.source,
                f"    for child in node.children:\n        {ctx.func}(child, out)\n",
                "    stack = list(reversed(node.children))\n    while stack:\n        child = stack.pop()\n        out.append(child.value)\n        stack.extend(reversed(child.children))\n",
            ),
            "patched",
        ),
        _passes(ctx, rng, "Run the deep-input test again.", f"{ctx.test_file}::{ctx.test_name}"),
        _passes(ctx, rng, "And the module.", ctx.test_file),
    ]
