# ruff: noqa: E501
"""Loop family on generator cleanup: a reader generator made to flush its buffer when closed early, which a closed generator cannot do."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import Attempt, Ctx, Fail, Leak, addr, churn, py_edit


def generator_ignored_generatorexit(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A batching reader closed early by its consumer: yields in `finally` and `except GeneratorExit`, context managers, iterator classes; never both flushed and closed."""
    src, tf = ctx.source, ctx.test_file
    gen = f"iter_{ctx.stem}_records"
    body = f"def {gen}(path, batch=100):\n    fh = open(path)\n    buf = []\n    try:\n        for line in fh:\n            buf.append(_decode(line))\n            if len(buf) >= batch:\n                yield from buf\n                buf.clear()\n    finally:\n        fh.close()\n    yield from buf\n"
    cases = (
        "partial_read",
        "early_break",
        "flush_on_close",
        "propagates_errors",
        "header_only",
        "empty_file",
        "islice",
        "closes_file",
    )

    def name(case: str = "") -> str:
        return f"test_{ctx.stem}_{case or rng.choice(cases)}"

    def fail(kind: str) -> Fail:
        table = {
            "ignored": (
                "RuntimeError: generator ignored GeneratorExit",
                "gen.close()",
                [(gen, rng.choice(["yield from buf", "yield item", "yield buf.pop(0)"]))],
                rng.choice(["early_break", "partial_read", "closes_file", "islice"]),
            ),
            "lost": (
                f"AssertionError: assert {rng.randint(0, 100)} == {rng.choice([150, 230, 101, 199])}",
                "assert len(seen) == len(expected)",
                [],
                "flush_on_close",
            ),
            "raise": (
                f"Failed: DID NOT RAISE <class '{rng.choice(['ValueError', ctx.cls + 'Error', 'UnicodeDecodeError'])}'>",
                "with pytest.raises(ValueError):",
                [],
                "propagates_errors",
            ),
            "stop": (
                "RuntimeError: generator raised StopIteration",
                f"rows = list({gen}(path))",
                [(gen, "header = next(fh)")],
                rng.choice(["empty_file", "header_only"]),
            ),
            "notiter": (
                "TypeError: '_GeneratorContextManager' object is not iterable",
                f"for rec in {gen}(path):",
                [],
                rng.choice(["partial_read", "islice", "empty_file"]),
            ),
            "didnt_stop": (
                "RuntimeError: generator didn't stop",
                f"with {gen}(path) as records:",
                [("__exit__", 'raise RuntimeError("generator didn\'t stop")')],
                rng.choice(["early_break", "flush_on_close"]),
            ),
            "open": (
                f"AssertionError: assert False\n +  where False = <_io.TextIOWrapper name='{ctx.tmp(rng)}' mode='r' encoding='UTF-8'>.closed",
                "assert reader._fh.closed",
                [],
                "closes_file",
            ),
            "isgen": (
                f"AssertionError: assert False\n +  where False = <function isgenerator at {addr(rng)}>(<{ctx.cls}RecordIter object at {addr(rng)}>)",
                f"assert inspect.isgenerator({gen}(path))",
                [],
                "closes_file",
            ),
        }
        error, code, frames, case = table[kind]
        return Fail(name(case), error, code, frames)

    def unraisable() -> Leak:
        return Leak(
            name(rng.choice(["early_break", "islice", "partial_read"])),
            f"<generator object {gen} at {addr(rng)}>",
            "RuntimeError: generator ignored GeneratorExit",
            [(f"/testbed/{src}", rng.randint(40, 700), gen, rng.choice(["yield from buf", "yield item"]))],
        )

    def outcome(thought: str, kinds: list[str], noisy: bool = False) -> Step:
        fails = [fail(k) for k in kinds]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}" if fails else tf]),
            fails,
            rng.choice(["", " -x", " -q"]),
            [unraisable()] if noisy else [],
        )

    def flush_except(k: int) -> list[Step]:
        return [
            Step(
                "When the consumer stops early, close() throws GeneratorExit at the yield and the buffered records are lost. Catch GeneratorExit and flush the buffer before closing.",
                py_edit(
                    src,
                    "    finally:\n        fh.close()\n",
                    "    except GeneratorExit:\n        yield from buf\n        raise\n    finally:\n        fh.close()\n",
                ),
                "patched",
            ),
            outcome("Rerun the reader tests.", ["ignored", rng.choice(["lost", "ignored"])], noisy=rng.random() < 0.5),
        ]

    def yield_in_finally(k: int) -> list[Step]:
        return [
            Step(
                "Move the flush into the finally block so it runs on every exit path, close included.",
                py_edit(
                    src,
                    "    finally:\n        fh.close()\n    yield from buf\n",
                    "    finally:\n        fh.close()\n        yield from buf\n",
                ),
                "patched",
            ),
            outcome("Rerun.", ["ignored"], noisy=rng.random() < 0.6),
        ]

    def swallow(k: int) -> list[Step]:
        return [
            Step(
                "Don't yield on close at all: catch GeneratorExit, hand the buffered records to the sink directly, and return.",
                py_edit(
                    src,
                    "    finally:\n        fh.close()\n",
                    "    except GeneratorExit:\n        for item in buf:\n            _emit(item)\n        return\n    finally:\n        fh.close()\n",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["lost", "raise", "open"], rng.randint(1, 2))),
        ]

    def return_in_finally(k: int) -> list[Step]:
        return [
            Step(
                "Make sure the generator always finishes cleanly: return from the finally block after closing.",
                py_edit(
                    src, "    finally:\n        fh.close()\n", "    finally:\n        fh.close()\n        return\n"
                ),
                "patched",
            ),
            outcome("Rerun.", ["raise", "lost"]),
        ]

    def header(k: int) -> list[Step]:
        return [
            Step(
                "Read the header with next() before the loop so a partial batch knows its columns.",
                py_edit(src, "    buf = []\n    try:\n", "    buf = []\n    header = next(fh)\n    try:\n"),
                "patched",
            ),
            outcome("Rerun.", ["stop", rng.choice(["ignored", "lost"])]),
        ]

    def context_manager(k: int) -> list[Step]:
        return [
            Step(
                f"Turn {gen} into a context manager so callers close it deterministically and the flush happens in __exit__.",
                f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\ns = s.replace('def {gen}(', '@contextlib.contextmanager\\ndef {gen}(', 1)\nif 'import contextlib' not in s:\n    s = 'import contextlib\\n' + s\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            outcome("Rerun.", rng.sample(["notiter", "didnt_stop"], rng.randint(1, 2))),
        ]

    def iterator_class(k: int) -> list[Step]:
        cls = f"{ctx.cls}RecordIter"
        return [
            Step(
                f"A generator can't yield once it's closed. Write an iterator class {cls} with an explicit close() that flushes, and return it from {gen}.",
                f"cat >> {src} <<'EOF'\n\n\nclass {cls}:\n    def __init__(self, path, batch=100):\n        self._fh = open(path)\n        self._buf = []\n        self.batch = batch\n\n    def __iter__(self):\n        return self\n\n    def __next__(self):\n        if not self._buf:\n            self._fill()\n        if not self._buf:\n            self.close()\n            raise StopIteration\n        return self._buf.pop(0)\n\n    def close(self):\n        _flush(self._buf)\n        self._fh.close()\nEOF",
                "",
            ),
            outcome("Rerun.", rng.sample(["isgen", "open", "lost"], rng.randint(1, 2))),
        ]

    def probe(k: int) -> list[Step]:
        return [
            Step(
                "Let me watch what happens on an early close by hand.",
                f"python - <<'EOF'\nfrom {ctx.dotted} import {gen}\nopen('/tmp/recs.txt', 'w').write('\\n'.join(str(i) for i in range(250)))\ng = {gen}('/tmp/recs.txt')\nfirst = [next(g) for _ in range(3)]\ntry:\n    g.close()\nexcept Exception as e:\n    print(type(e).__name__, e)\nprint(first, g.gi_frame)\nEOF",
                rng.choice(
                    [
                        f"RuntimeError generator ignored GeneratorExit\n[{{'id': 0}}, {{'id': 1}}, {{'id': 2}}] <frame at {addr(rng)}, file '/testbed/{src}', line {rng.randint(40, 700)}, code {gen}>",
                        "[{'id': 0}, {'id': 1}, {'id': 2}] None",
                        f'Traceback (most recent call last):\n  File "<stdin>", line 4, in <module>\n  File "<stdin>", line 4, in <listcomp>\nStopIteration\nException ignored in: <generator object {gen} at {addr(rng)}>\nRuntimeError: generator ignored GeneratorExit',
                    ]
                ),
            )
        ]

    def reread_test(k: int) -> list[Step]:
        line = rng.randint(30, 400)
        return [
            Step(
                "Let me re-read what the flush test actually expects.",
                f"grep -n -A10 'def {name('flush_on_close')}' {tf}",
                f"{line}:    def {name('flush_on_close')}(self):\n{line + 1}-        path = write_records(self.tmpdir, 150)\n{line + 2}-        seen = []\n{line + 3}-        for rec in {gen}(path, batch=100):\n{line + 4}-            seen.append(rec)\n{line + 5}-            if len(seen) == 50:\n{line + 6}-                break\n{line + 7}-        self.assertEqual(len(seen), 150)\n"
                if ctx.django
                else f"{line}:def {name('flush_on_close')}(tmp_path):\n{line + 1}-    path = write_records(tmp_path, 150)\n{line + 2}-    seen = []\n{line + 3}-    for rec in {gen}(path, batch=100):\n{line + 4}-        seen.append(rec)\n{line + 5}-        if len(seen) == 50:\n{line + 6}-            break\n{line + 7}-    assert len(seen) == 150\n",
            )
        ]

    first = [
        outcome("Let me run the reader tests.", ["lost", "open"]),
        Step(f"Let me look at {gen}.", f"grep -n 'def {gen}' -A14 {src}", f"{rng.randint(40, 600)}:" + body),
    ]
    attempts: list[Attempt] = [
        flush_except,
        yield_in_finally,
        swallow,
        return_in_finally,
        header,
        context_manager,
        iterator_class,
        probe,
        reread_test,
    ]
    return churn(ctx, rng, n, first, attempts, "flushing the record generator when it is closed early", gen, body)
