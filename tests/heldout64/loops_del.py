# ruff: noqa: E501
"""Loop family on finalizers: a `__del__` that writes its journal at interpreter shutdown, when its globals are already gone."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import Attempt, Ctx, Fail, Leak, addr, churn, py_edit


def del_at_shutdown_noise_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A subprocess test wants a clean stderr and the journal written: each `__del__` guard trades the shutdown noise for lost data, a leak, or another error."""
    src, tf, holder = ctx.source, ctx.test_file, ctx.holder
    body = f"class {holder}:\n    def __init__(self, path):\n        self.path = path\n        self._fh = open(path, 'a')\n        self._pending = []\n\n    def __del__(self):\n        if self._pending:\n            with open(self.path + '.journal', 'w') as fh:\n                json.dump(self._pending, fh)\n        self._fh.close()\n"

    def noise(kind: str) -> str:
        line = rng.randint(40, 700)
        head = f'Exception ignored in: <function {holder}.__del__ at {addr(rng)}>\nTraceback (most recent call last):\n  File "/testbed/{src}", line {line}, in __del__\n'
        return (
            head
            + {
                "open": "NameError: name 'open' is not defined",
                "import": "    import json\nImportError: sys.meta_path is None, Python is likely shutting down",
                "none": f"    {rng.choice(['json.dump(self._pending, fh)', 'os.fsync(fh.fileno())'])}\nAttributeError: 'NoneType' object has no attribute '{rng.choice(['dump', 'fsync'])}'",
                "attr": f"    self._fh.close()\nAttributeError: '{holder}' object has no attribute '_fh'",
                "closed": "    json.dump(self._pending, fh)\nValueError: I/O operation on closed file.",
            }[kind]
        )

    def fail(kind: str) -> Fail:
        path = ctx.tmp(rng)
        if kind in ("open", "import", "none", "attr", "closed"):
            shown = noise(kind)
            lines = shown.split("\n")
            error = (
                f"AssertionError: {lines[0][:60]!r}... [truncated]... != ''\n"
                + "\n".join(f"- {line}" for line in lines)
                if ctx.django
                else f"AssertionError: assert '{shown[:12]}...{lines[-1][-14:]}\\n' == ''\n  - \n"
                + "\n".join(f"  + {line}" for line in lines)
            )
            return Fail(
                f"test_{ctx.stem}_{rng.choice(['no_output_at_exit', 'subprocess_exit'])}",
                error,
                "assert proc.stderr == ''",
            )
        table = {
            "journal": (
                f"AssertionError: assert False\n +  where False = <function exists at {addr(rng)}>('{path}.journal')",
                "assert os.path.exists(store.path + '.journal')",
                "journal_written",
            ),
            "alive": (
                f"AssertionError: assert <{ctx.dotted}.{holder} object at {addr(rng)}> is None\n +  where <{ctx.dotted}.{holder} object at {addr(rng)}> = <weakref at {addr(rng)}; to '{holder}' at {addr(rng)}>()",
                "assert ref() is None",
                "collected",
            ),
        }
        error, code, case = table[kind]
        return Fail(f"test_{ctx.stem}_{case}", error, code)

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds if k != "resource")}.values())
        leaks = [
            Leak(
                f"test_{ctx.stem}_{rng.choice(['partial_init', 'reopen', 'put_many'])}",
                "<_io.FileIO [closed]>",
                f"ResourceWarning: unclosed file <_io.TextIOWrapper name='{ctx.tmp(rng)}' mode='a' encoding='UTF-8'>",
            )
            for k in kinds
            if k == "resource"
        ]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf]),
            fails,
            rng.choice(["", " -q", " -x", " -p no:cacheprovider"]),
            leaks,
        )

    def guard(k: int) -> list[Step]:
        return [
            Step(
                "At shutdown the module globals and builtins may already be gone when __del__ runs. Bail out if they are.",
                py_edit(
                    src,
                    "    def __del__(self):\n",
                    "    def __del__(self):\n        if json is None or open is None:\n            return\n",
                ),
                "patched",
            ),
            outcome("Rerun the store tests.", [rng.choice(["open", "none"]), rng.choice(["journal", "attr"])]),
        ]

    def local_import(k: int) -> list[Step]:
        return [
            Step(
                "Import json inside __del__ so it doesn't depend on the module global surviving.",
                py_edit(src, "        if self._pending:\n", "        import json\n        if self._pending:\n"),
                "patched",
            ),
            outcome("Rerun.", ["import", rng.choice(["journal", "open"])]),
        ]

    def default_args(k: int) -> list[Step]:
        return [
            Step(
                "Bind what __del__ needs as default arguments; they're evaluated at definition time and survive module teardown.",
                py_edit(
                    src,
                    "    def __del__(self):\n        if self._pending:\n            with open(self.path + '.journal', 'w') as fh:\n                json.dump(self._pending, fh)\n",
                    "    def __del__(self, _open=open, _dump=json.dump):\n        if self._pending:\n            with _open(self.path + '.journal', 'w') as fh:\n                _dump(self._pending, fh)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["attr", "closed", "resource"], rng.randint(1, 2))),
        ]

    def swallow(k: int) -> list[Step]:
        return [
            Step(
                "Errors in __del__ can't be handled by anyone anyway. Wrap the body in try/except so nothing is printed at exit.",
                py_edit(
                    src,
                    "    def __del__(self):\n",
                    "    def __del__(self):\n        try:\n            self._flush_journal()\n        except Exception:\n            pass\n\n    def _flush_journal(self):\n",
                ),
                "patched",
            ),
            outcome("Rerun.", ["journal", rng.choice(["resource", "journal"])]),
        ]

    def atexit_hook(k: int) -> list[Step]:
        return [
            Step(
                "Don't rely on __del__ at all: register the flush with atexit when the store is created, so it runs before module teardown.",
                py_edit(
                    src,
                    "        self._pending = []\n",
                    "        self._pending = []\n        atexit.register(self._flush_journal)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", ["alive", rng.choice(["resource", "closed"])]),
        ]

    def finalize(k: int) -> list[Step]:
        return [
            Step(
                "Replace __del__ with weakref.finalize over the pending list and the handle, not self, so it neither resurrects the object nor runs after teardown.",
                py_edit(
                    src,
                    "        self._pending = []\n",
                    "        self._pending = []\n        self._finalizer = weakref.finalize(self, _write_journal, self.path, self._pending, self._fh)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["closed", "journal", "resource"], rng.randint(1, 2))),
        ]

    def by_hand(k: int) -> list[Step]:
        path = f"/tmp/{ctx.stem}_probe{rng.choice(['', '.db', '.log', '.dat'])}"
        kind = rng.choice(["open", "import", "none", "attr", "closed", ""])
        shown = noise(kind) + "\n" if kind else ""
        snippet = f"import {ctx.dotted} as m; s = m.{holder}('{path}'); s.put(dict(k=1))"
        command, tail = rng.choice(
            [
                (f'python -c "{snippet}"; echo rc=$?', "rc=0"),
                (
                    f'python -X dev -c "{snippet}" 2>&1 | head -20; ls {path}.journal',
                    rng.choice([f"ls: cannot access '{path}.journal': No such file or directory", f"{path}.journal"]),
                ),
            ]
        )
        return [
            Step("Let me reproduce the subprocess check by hand and see what's printed at exit.", command, shown + tail)
        ]

    def reread(k: int) -> list[Step]:
        line = rng.randint(30, 400)
        return [
            Step(
                "Let me re-read the subprocess test.",
                f"grep -n -A9 'def test_{ctx.stem}_no_output_at_exit' {tf}",
                f"{line}:    def test_{ctx.stem}_no_output_at_exit(self):\n{line + 1}-        path = os.path.join(self.tmpdir, 'x')\n{line + 2}-        code = 'import {ctx.dotted} as m; s = m.{holder}(%r); s.put(dict(k=1))' % path\n{line + 3}-        proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)\n{line + 4}-        self.assertEqual(proc.returncode, 0)\n{line + 5}-        self.assertEqual(proc.stderr, '')\n{line + 6}-        self.assertTrue(os.path.exists(path + '.journal'))\n"
                if ctx.django
                else f"{line}:def test_{ctx.stem}_no_output_at_exit(tmp_path):\n{line + 1}-    code = f\"import {ctx.dotted} as m; s = m.{holder}({{str(tmp_path / 'x')!r}}); s.put(dict(k=1))\"\n{line + 2}-    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)\n{line + 3}-    assert proc.returncode == 0\n{line + 4}-    assert proc.stderr == ''\n{line + 5}-    assert (tmp_path / 'x.journal').exists()\n",
            )
        ]

    first = [
        outcome(f"Let me run the {holder} tests.", ["open"]),
        Step(f"Let me look at {holder}.", f"grep -n 'class {holder}' -A14 {src}", f"{rng.randint(40, 600)}:" + body),
    ]
    attempts: list[Attempt] = [guard, local_import, default_args, swallow, atexit_hook, finalize, by_hand, reread]
    return churn(
        ctx, rng, n, first, attempts, f"the noise {holder}.__del__ prints at interpreter exit", "__del__", body
    )
