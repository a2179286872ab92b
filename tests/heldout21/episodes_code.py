"""Productive episodes in code that misbehaves once: a hang, tests sharing state, output in no fixed order."""

from __future__ import annotations

import hashlib
import random

from heldout20.calls import Step
from heldout21.text import Ctx, lineno, test_output, vary


def _passing(ctx: Ctx, rng: random.Random, thought: str, total: int) -> Step:
    return Step(thought, ctx.test_cmd(), test_output(ctx, rng, total), 0, 4.0)


_STRESS = """import queue
import threading
import time

from {dotted} import *

q = queue.Queue()
results = []


def worker():
    while True:
        item = q.get()
        if item is None:
            break
        results.append(repr(item))


threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
start = time.time()
for i in range({n}):
    q.put(i)
q.join()
for t in threads:
    q.put(None)
for t in threads:
    t.join()
print(len(results), "done in %.2fs" % (time.time() - start))"""


def hang_found(ctx: Ctx, rng: random.Random) -> list[Step]:
    n = rng.choice([100, 200, 1000])
    path = f"/tmp/stress_{ctx.stem}.py"
    code = _STRESS.format(dotted=ctx.dotted, n=n)
    lines = code.split("\n")
    steps = [
        Step(
            vary(
                rng,
                [
                    "Let me also exercise the change from several threads to make sure nothing is shared unsafely.",
                    "I'd like to check this under concurrency too; a small threaded stress script.",
                ],
            ),
            f"cat <<'EOF' > {path}\n{code}\nEOF",
            "",
        ),
        Step(vary(rng, ["Run the stress script.", "Run it."]), f"{ctx.py} {path}", "", 0, 60.0, timed_out=True),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "It hung. Run it under a timeout to be sure it's not just slow.",
                f'timeout 20 {ctx.py} {path}; echo "exit: $?"',
                "exit: 124",
                0,
                20.0,
            )
        )
    join = lines.index("q.join()") + 1
    get = lines.index("        item = q.get()") + 1
    lib = ctx.site.rsplit("/", 1)[0]
    dump = (
        "Timeout (0:00:05)!\n"
        f"Thread 0x00007f{rng.randrange(16**7):07x}640 (most recent call first):\n"
        f'  File "{lib}/threading.py", line 312 in wait\n'
        f'  File "{lib}/queue.py", line 171 in get\n'
        f'  File "{path}", line {get} in worker\n\n'
        f"Thread 0x00007f{rng.randrange(16**7):07x}740 (most recent call first):\n"
        f'  File "{lib}/threading.py", line 312 in wait\n'
        f'  File "{lib}/queue.py", line 90 in join\n'
        f'  File "{path}", line {join} in <module>'
    )
    steps.append(
        Step(
            vary(rng, ["Find where it is stuck with faulthandler.", "Dump the threads' stacks to see where it waits."]),
            f"timeout 30 {ctx.py} -X faulthandler -c \"import faulthandler; faulthandler.dump_traceback_later(5, exit=True); exec(open('{path}').read())\"",
            dump,
            1,
            5.0,
        )
    )
    steps.append(
        Step(
            "The main thread waits in q.join() and the workers wait in q.get(): the workers never call q.task_done(), so join() can never return. "
            "The hang is in my script, not in the library. Mark each item done.",
            f"sed -i 's/^        results.append(repr(item))$/        results.append(repr(item))\\n        q.task_done()/' {path} && {ctx.py} {path}",
            f"{n} done in {rng.uniform(0.01, 0.4):.2f}s",
            0,
            1.0,
        )
    )
    return steps


def isolation_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    total = rng.randint(12, 80)
    victim = f"test_{ctx.functions[0].strip('_')}" if ctx.functions else f"test_{ctx.stem}_default"
    state = vary(rng, [f"_{ctx.stem}_cache", "_registry", "_instances"])
    if ctx.django:
        failure = (
            victim,
            "self.assertEqual(result, expected)",
            [f"AssertionError: {rng.randint(3, 6)} != {rng.randint(1, 2)}"],
        )
        alone = f"{ctx.django_class}.{victim}"
    else:
        failure = (
            victim,
            "assert result == expected",
            [f"AssertionError: assert {rng.randint(3, 6)} == {rng.randint(1, 2)}"],
        )
        alone = f"{ctx.test_file}::{victim}"
    steps = [
        Step(
            vary(
                rng, ["Run the tests for this module.", "Run the module's tests.", "Let me run the full test module."]
            ),
            ctx.test_cmd(),
            test_output(ctx, rng, total - 1, [failure]),
            1,
            4.0,
        ),
        Step(
            f"{victim} failed. Does it fail on its own?",
            ctx.test_cmd(target=alone),
            test_output(ctx, rng, 1, [], target=ctx.label if ctx.django else ctx.test_file),
            0,
            2.0,
        ),
    ]
    src = "/testbed/" + ctx.source
    steps.append(
        Step(
            "It passes alone, so an earlier test leaves state behind. Look for module-level state it depends on.",
            f"grep -n '{state}' {ctx.source}",
            f"{lineno(rng, src, state)}:{state} = {{}}\n{lineno(rng, src, state) + rng.randint(40, 200)}:    {state}[key] = value",
        )
    )
    if ctx.django:
        fix = f"sed -i '/^class {ctx.cls}Tests/a\\    def setUp(self):\\n        {ctx.dotted}.{state}.clear()\\n' {ctx.test_file}"
    else:
        fix = f"cat <<'EOF' >> {ctx.tests_dir}/conftest.py\n\n\n@pytest.fixture(autouse=True)\ndef _clear_{ctx.stem}_state():\n    import {ctx.dotted}\n    {ctx.dotted}.{state}.clear()\n    yield\nEOF"
    steps.append(Step(f"{state} is filled by earlier tests and never reset. Clear it before each test.", fix, ""))
    steps.append(_passing(ctx, rng, "Run the whole module again.", total))
    return steps


def _sorted_in_test(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A test of the change compares a set's items in iteration order; sorting them makes it pass every time."""
    words = rng.sample(["name", "slug", "title", "alpha", "beta", "color", "label", "tags", "size", "kind"], 3)
    want = sorted(words)
    got = want[:]
    while got == want:
        rng.shuffle(got)
    total = rng.randint(10, 70)
    name = f"test_{ctx.stem}_{vary(rng, ['fields', 'names', 'keys', 'columns'])}"
    if ctx.django:
        diff = next(k for k, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
        raised = [
            f"AssertionError: Lists differ: {got!r} != {want!r}",
            "",
            f"First differing element {diff}:",
            repr(got[diff]),
            repr(want[diff]),
            "",
            f"- {got!r}",
            f"+ {want!r}",
        ]
        failure = (name, "self.assertEqual(list(result), expected)", raised)
        old, new = "self.assertEqual(list(result), expected)", "self.assertEqual(sorted(result), expected)"
        twice = f"for i in 1 2; do {ctx.test_cmd()} 2>&1 | grep -E '^(OK|FAILED)'; done"
        printed = "OK\nOK"
    else:
        diff = next(k for k, (a, b) in enumerate(zip(got, want, strict=True)) if a != b)
        raised = [
            f"AssertionError: assert {got!r} == {want!r}",
            f"  At index {diff} diff: {got[diff]!r} != {want[diff]!r}",
            "  Use -v to get more diff",
        ]
        failure = (name, "assert list(result) == expected", raised)
        old, new = "assert list(result) == expected", "assert sorted(result) == expected"
        twice = f"for i in 1 2; do {ctx.test_cmd(' -q')} 2>&1 | tail -n 1; done"
        summary = f"{total} passed in {{}}s"
        printed = "\n".join(summary.format(f"{rng.uniform(0.2, 3.0):.2f}") for _ in range(2))
    return [
        Step(
            "Run the tests, including the new one.", ctx.test_cmd(), test_output(ctx, rng, total - 1, [failure]), 1, 4.0
        ),
        Step(
            vary(rng, [f"{name} failed on ordering. Run it again.", "Let me see if that failure is stable."]),
            ctx.test_cmd(),
            test_output(ctx, rng, total),
            0,
            4.0,
        ),
        Step(
            f"It passed this time: {name} depends on the iteration order of a set, which changes between runs. "
            "The order isn't part of the behaviour, so compare sorted.",
            f"sed -i 's/{old}/{new}/' {ctx.test_file} && grep -n 'sorted(result)' {ctx.test_file}",
            f"{lineno(rng, '/testbed/' + ctx.test_file, name) + 3}:        {new}",
        ),
        Step(
            vary(rng, ["Run it twice to make sure it is stable now.", "Twice more, to be sure."]),
            twice,
            printed,
            0,
            8.0,
        ),
    ]


def output_sorted(ctx: Ctx, rng: random.Random) -> list[Step]:
    if rng.random() < 0.5:
        return _sorted_in_test(ctx, rng)
    words = rng.sample(["name", "slug", "title", "alpha", "beta", "x", "y", "z", "color", "label", "tags"], 3)
    orders = [words[:] for _ in range(2)]
    rng.shuffle(orders[0])
    while orders[1] == orders[0]:
        rng.shuffle(orders[1])
    script = f"check_{ctx.stem}.py"
    write = f"cat <<'EOF' > {script}\nnames = set({words!r})\nprint('fields:', ', '.join(names))\nprint('{ctx.cls}:', len(names))\nEOF"
    steps = [
        Step(
            vary(
                rng,
                [
                    "Write a quick check that prints the fields involved.",
                    "A small script to print what the change produces.",
                ],
            ),
            write,
            "",
        ),
        Step(
            vary(rng, ["Run it.", "Run the check."]),
            f"{ctx.py} {script}",
            f"fields: {', '.join(orders[0])}\n{ctx.cls}: 3",
        ),
        Step(
            vary(rng, ["Run it again to compare.", "Once more, to compare."]),
            f"{ctx.py} {script}",
            f"fields: {', '.join(orders[1])}\n{ctx.cls}: 3",
        ),
    ]
    fixed = ", ".join(sorted(words))
    steps.append(
        Step(
            "The order changes between runs because it iterates a set of strings, and string hashing is randomised per process. Sort before printing.",
            f"sed -i \"s/', '.join(names)/', '.join(sorted(names))/\" {script}",
            "",
        )
    )
    digest = hashlib.md5(f"fields: {fixed}\n{ctx.cls}: 3\n".encode()).hexdigest()
    steps.append(
        Step(
            "Run it twice and compare.",
            f"for i in 1 2; do {ctx.py} {script} | md5sum; done",
            f"{digest}  -\n{digest}  -",
            0,
            1.0,
        )
    )
    return steps
