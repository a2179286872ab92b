# ruff: noqa: E501
"""Productive look-alikes on lifetimes: a generator's cleanup, a finalizer at exit, state leaking between tests; each traced to its cause and green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import Ctx, Fail, Leak, addr, py_edit


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def generator_closed_by_caller(ctx: Ctx, rng: random.Random) -> list[Step]:
    """`generator ignored GeneratorExit` once; the yield in the GeneratorExit handler removed, cleanup left to finally; the early-exit caller closes it."""
    src = ctx.source
    gen = f"iter_{ctx.stem}_records"
    line = rng.randint(40, 600)
    ignored = Fail(
        ctx.case(rng, ("early_break", "first_record", "islice")),
        "RuntimeError: generator ignored GeneratorExit",
        "gen.close()",
        [(gen, "yield from buf")],
    )
    noise = Leak(
        ctx.case(rng, ("partial_read", "header_only")),
        f"<generator object {gen} at {addr(rng)}>",
        "RuntimeError: generator ignored GeneratorExit",
        [(f"/testbed/{src}", line + 9, gen, "yield from buf")],
    )
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the reader tests.",
            "",
            [ignored],
            rng.choice(["", " -q"]),
            [noise] if rng.random() < 0.5 else [],
        ),
        Step(
            f"Let me read {gen}.",
            f"sed -n '{line},{line + 14}p' {src}",
            f"def {gen}(path, batch=100):\n    fh = open(path)\n    buf = []\n    try:\n        for line in fh:\n            buf.append(_decode(line))\n            if len(buf) >= batch:\n                yield from buf\n                buf.clear()\n    except GeneratorExit:\n        yield from buf\n        raise\n    finally:\n        fh.close()\n    yield from buf\n",
        ),
        Step(
            "The GeneratorExit handler yields again, and a generator that yields after close() is asked to stop raises exactly this RuntimeError. Nothing can be handed to a consumer that has stopped iterating anyway; the tail is only for consumers that run to the end, which the last `yield from buf` already covers. Drop the handler and keep the close in finally.",
            py_edit(src, "    except GeneratorExit:\n        yield from buf\n        raise\n", ""),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                "",
                [
                    Fail(
                        ctx.case(rng, ("first_record", "islice")),
                        f"AssertionError: assert False\n +  where False = <_io.TextIOWrapper name='{ctx.tmp(rng)}' mode='r' encoding='UTF-8'>.closed",
                        "assert reader_file.closed",
                    )
                ],
                " -q",
            ),
            Step(
                f"That caller takes the first record with next() and keeps the generator alive, so its finally never runs. Close it explicitly with contextlib.closing in first_{ctx.stem}_record.",
                py_edit(
                    src,
                    f"    return next({gen}(path), None)\n",
                    f"    with contextlib.closing({gen}(path)) as records:\n        return next(records, None)\n",
                ),
                "patched",
            ),
        ]
    steps.append(_green(ctx, rng, "Run the reader tests again."))
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Quick check that an early close is silent and closes the file.",
                f"python - <<'EOF'\nfrom {ctx.dotted} import {gen}\nopen('/tmp/recs.txt', 'w').write('\\n'.join(str(i) for i in range(250)))\ng = {gen}('/tmp/recs.txt')\nnext(g)\ng.close()\nprint(g.gi_frame)\nEOF",
                "None",
            )
        )
    return steps


def del_swapped_for_finalize(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Shutdown noise from `__del__` in the subprocess test; a weakref.finalize over the journal and handle, not self; clean stderr, journal written."""
    src, holder = ctx.source, ctx.holder
    line = rng.randint(40, 600)
    noise = f'Exception ignored in: <function {holder}.__del__ at {addr(rng)}>\nTraceback (most recent call last):\n  File "/testbed/{src}", line {line + 8}, in __del__\n{rng.choice(["NameError: name " + repr("open") + " is not defined", "    json.dump(self._pending, fh)" + chr(10) + "AttributeError: " + repr("NoneType") + " object has no attribute " + repr("dump")])}'
    lines = noise.split("\n")
    error = (
        f"AssertionError: {lines[0][:60]!r}... [truncated]... != ''\n" + "\n".join(f"- {x}" for x in lines)
        if ctx.django
        else f"AssertionError: assert '{noise[:12]}...{lines[-1][-14:]}\\n' == ''\n  - \n"
        + "\n".join(f"  + {x}" for x in lines)
    )
    case = f"test_{ctx.stem}_no_output_at_exit"
    slots = rng.random() < 0.4
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the {holder} tests.",
            "",
            [Fail(case, error, "assert proc.stderr == ''")],
            rng.choice(["", " -q"]),
        ),
        Step(
            f"Let me read {holder}.__del__.",
            f"sed -n '{line},{line + 12}p' {src}",
            f"class {holder}:\n{chr(10).join([chr(32) * 4 + '__slots__ = (' + repr('path') + ', ' + repr('_fh') + ', ' + repr('_pending') + ')', '']) if slots else ''}    def __init__(self, path):\n        self.path = path\n        self._fh = open(path, 'a')\n        self._pending = []\n\n    def __del__(self):\n        if self._pending:\n            with open(self.path + '.journal', 'w') as fh:\n                json.dump(self._pending, fh)\n        self._fh.close()\n",
        ),
        Step(
            "The store lives until interpreter shutdown, where __del__ runs after module globals and builtins are torn down. weakref.finalize callbacks still registered at exit run from atexit, before that teardown. Move the work into a module-level function that gets the path, the pending list and the handle (not self, or the object would never die), and register it in __init__.",
            py_edit(
                src,
                "    def __del__(self):\n        if self._pending:\n            with open(self.path + '.journal', 'w') as fh:\n                json.dump(self._pending, fh)\n        self._fh.close()\n",
                "    def close(self):\n        self._finalizer()\n",
            )
            + "\n"
            + py_edit(
                src,
                "        self._pending = []\n",
                "        self._pending = []\n        self._finalizer = weakref.finalize(self, _write_journal, path, self._pending, self._fh)\n",
            )
            + f"\ncat >> {src} <<'EOF'\n\n\ndef _write_journal(path, pending, fh):\n    if pending:\n        with open(path + '.journal', 'w') as out:\n            json.dump(pending, out)\n    fh.close()\nEOF",
            "patched\npatched",
        ),
    ]
    if slots:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                "",
                [
                    Fail(
                        f"test_{ctx.stem}_{rng.choice(['put_many', 'reopen'])}",
                        f"TypeError: cannot create weak reference to '{holder}' object",
                        f"store = {holder}(path)",
                        [
                            (
                                "__init__",
                                "self._finalizer = weakref.finalize(self, _write_journal, path, self._pending, self._fh)",
                            )
                        ],
                    )
                ],
                " -q",
            ),
            Step(
                f"{holder} has __slots__, so it needs a __weakref__ slot.",
                py_edit(
                    src,
                    "    __slots__ = ('path', '_fh', '_pending')\n",
                    "    __slots__ = ('path', '_fh', '_pending', '_finalizer', '__weakref__')\n",
                ),
                "patched",
            ),
        ]
    path = f"/tmp/{ctx.stem}_probe{rng.choice(['', '.db', '.log'])}"
    steps += [
        Step(
            "Check the exit path by hand.",
            f"rm -f {path}*; python -c \"import {ctx.dotted} as m; s = m.{holder}('{path}'); s.put(dict(k=1))\"; echo rc=$?; cat {path}.journal",
            'rc=0\n[{"k": 1}]',
        ),
        _green(ctx, rng, "Clean stderr and the journal is written. Run the tests."),
    ]
    return steps


def leaked_global_restored(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A test passes alone and fails in the module; the test that configures module defaults found; patched through monkeypatch or mock; green both orders."""
    tf, dj = ctx.test_file, ctx.django
    short = ctx.dotted.rsplit(".", 1)[-1]
    victim = ctx.case(rng, ("defaults", "encoding", "backend_lookup"))
    polluter = ctx.case(rng, ("configure_strict", "override", "strict_mode"))
    while polluter == victim:
        polluter = ctx.case(rng, ("configure_strict", "override", "strict_mode"))
    fail = Fail(
        victim,
        "AssertionError: assert {'backend': 'default', 'encoding': 'utf-8', 'strict': True} == {'backend': 'default', 'encoding': 'utf-8', 'strict': False}\n  Omitting 2 identical items, use -vv to show\n  Differing items:\n  {'strict': True} != {'strict': False}",
        f"assert {short}._defaults == DEFAULTS",
    )
    line = rng.randint(40, 600)
    steps = [
        test_step(ctx, rng, "Let me run the tests of the module I changed.", "", [fail], rng.choice(["", " -q"])),
        test_step(ctx, rng, f"Does {victim} fail on its own?", f"{tf}::{victim}", [], rng.choice(["", " -q"])),
        Step(
            "Passes alone, so an earlier test leaves strict=True in the module defaults. Which tests call configure()?",
            f"grep -n 'configure(' {tf}",
            f"{line}:{'        ' if dj else '    '}configure(strict=True)\n",
        ),
        Step(
            "Let me see that test.",
            f"sed -n '{line - 2},{line + 3}p' {tf}",
            f"    def {polluter}(self):\n        configure(strict=True)\n        with self.assertRaises(ValueError):\n            load(BAD)\n"
            if dj
            else f"def {polluter}():\n    configure(strict=True)\n    with pytest.raises(ValueError):\n        load(BAD)\n",
        ),
        Step(
            f"{polluter} changes the module-level defaults and never restores them. Patch the dict for the duration of that test only.",
            py_edit(
                tf,
                "        configure(strict=True)\n        with self.assertRaises(ValueError):\n            load(BAD)\n",
                f"        with mock.patch.dict({short}._defaults, strict=True):\n            with self.assertRaises(ValueError):\n                load(BAD)\n",
            )
            if dj
            else py_edit(
                tf,
                f"def {polluter}():\n    configure(strict=True)\n",
                f"def {polluter}(monkeypatch):\n    monkeypatch.setitem({short}._defaults, 'strict', True)\n",
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerun the module."),
    ]
    if dj:
        steps.append(
            _green(ctx, rng, "And in reverse order, to be sure nothing else depends on order.", extra=" --reverse")
        )
    else:
        steps.append(
            Step(
                "And in reverse order, to be sure nothing else depends on order.",
                f"python -m pytest -q -p no:randomly $(python -m pytest {tf} --collect-only -q 2>/dev/null | grep :: | tac | tr '\\n' ' ')",
                f"{'.' * ctx.module_tests}{' ' * max(1, 73 - ctx.module_tests)}[100%]\n{ctx.module_tests} passed in {rng.uniform(0.3, 5):.2f}s",
                seconds=rng.uniform(2, 9),
            )
        )
    return steps
