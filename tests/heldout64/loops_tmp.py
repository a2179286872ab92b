# ruff: noqa: E501
"""Loop family on temporary directories: a TemporaryDirectory whose owner is dropped, cleaned implicitly, twice, or not at all."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import Attempt, Ctx, Fail, Leak, addr, churn, py_edit


def _tmpname(ctx: Ctx, rng: random.Random) -> str:
    return f"/tmp/{ctx.stem}-{''.join(rng.choices('abcdefghijklmnopqrstuvwxyz0123456789_', k=8))}"


def implicit_tempdir_cleanup_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A working directory from a TemporaryDirectory whose object is dropped: implicit cleanup warnings, files vanishing, double removal, residue."""
    src, tf, holder = ctx.source, ctx.test_file, ctx.holder
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}"
    body = f"class {holder}:\n    def __init__(self, name):\n        self.name = name\n        self._workdir = None\n\n    @property\n    def workdir(self):\n        if self._workdir is None:\n            self._workdir = tempfile.TemporaryDirectory(prefix='{ctx.stem}-').name\n        return self._workdir\n\n    def close(self):\n        shutil.rmtree(self.workdir)\n"
    cases = ("workdir", "close", "write_output", "context_manager", "reuse", "two_stores", "cleanup_on_error", "pickle")

    def name() -> str:
        return ctx.case(rng, cases)

    def implicit(test: str) -> Leak:
        where = _tmpname(ctx, rng)
        return Leak(
            test,
            f"<finalize object at {addr(rng)}; dead>",
            f"ResourceWarning: Implicitly cleaning up <TemporaryDirectory '{where}'>",
            [
                (
                    f"{lib}/weakref.py",
                    rng.choice([591, 580]),
                    "__call__",
                    "return info.func(*info.args, **(info.kwargs or {}))",
                ),
                (
                    f"{lib}/tempfile.py",
                    rng.choice([818, 827, 843]),
                    "_cleanup",
                    "_warnings.warn(warn_message, ResourceWarning)",
                ),
            ],
        )

    def fail(kind: str) -> Fail:
        out = rng.choice(["out.json", "result.txt", "build.log", rng.choice(ctx.file_names)])
        where = _tmpname(ctx, rng)
        table = {
            "missing": (
                f"FileNotFoundError: [Errno 2] No such file or directory: '{where}/{out}'",
                f"store.write({out!r}, data)",
                [("write", "with open(os.path.join(self.workdir, name), 'w') as fh:")],
            ),
            "double": (
                f"FileNotFoundError: [Errno 2] No such file or directory: '{where}'",
                "store.close()",
                [
                    ("close", rng.choice(["self._tmp.cleanup()", "shutil.rmtree(self.workdir)"])),
                ],
            ),
            "typeerror": (
                "TypeError: __init__() got an unexpected keyword argument 'ignore_cleanup_errors'",
                f"store = {holder}({ctx.stem!r})",
                [
                    (
                        "workdir",
                        f"self._tmp = tempfile.TemporaryDirectory(prefix='{ctx.stem}-', ignore_cleanup_errors=True)",
                    )
                ],
            ),
            "exists": (
                f"AssertionError: assert not True\n +  where True = <function exists at {addr(rng)}>('{where}')",
                "assert not os.path.exists(store.workdir)",
                [],
            ),
            "cwd": ("FileNotFoundError: [Errno 2] No such file or directory", "cwd = os.getcwd()", []),
            "notempty": (
                f"OSError: [Errno 39] Directory not empty: '{where}'",
                "store.close()",
                [("close", "shutil.rmtree(self.workdir)")],
            ),
        }
        error, code, frames = table[kind]
        return Fail(name(), error, code, frames)

    def outcome(thought: str, kinds: list[str], leaks: int = 0, extra: str = "") -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf]),
            fails,
            extra or rng.choice(["", " -q", " -x", " -p no:cacheprovider"]),
            [implicit(name()) for _ in range(leaks)],
            werror=True,
        )

    def keep_ref(k: int) -> list[Step]:
        return [
            Step(
                "`.name` is taken and the TemporaryDirectory object thrown away, so its finalizer removes the directory as soon as it is collected, while we still write into it. Keep the object on the instance.",
                py_edit(
                    src,
                    f"            self._workdir = tempfile.TemporaryDirectory(prefix='{ctx.stem}-').name\n",
                    f"            self._tmp = tempfile.TemporaryDirectory(prefix='{ctx.stem}-')\n            self._workdir = self._tmp.name\n",
                ),
                "patched",
            ),
            outcome(
                "Rerun with resource warnings as errors.",
                rng.sample(["double", "exists", "notempty"], rng.randint(0, 1)),
                leaks=rng.randint(1, 2),
            ),
        ]

    def close_cleanup(k: int) -> list[Step]:
        return [
            Step(
                "Use the TemporaryDirectory's own cleanup() in close() rather than rmtree, so its finalizer knows it's done.",
                py_edit(src, "        shutil.rmtree(self.workdir)\n", "        self._tmp.cleanup()\n"),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["missing", "double", "cwd"], 1), leaks=rng.randint(0, 2)),
        ]

    def ignore_errors(k: int) -> list[Step]:
        kinds = ["typeerror"] if ctx.old_python else rng.sample(["exists", "missing"], 1)
        return [
            Step(
                "The directory is sometimes gone by the time it's cleaned up. Tell TemporaryDirectory to ignore cleanup errors.",
                py_edit(
                    src,
                    f"tempfile.TemporaryDirectory(prefix='{ctx.stem}-')",
                    f"tempfile.TemporaryDirectory(prefix='{ctx.stem}-', ignore_cleanup_errors=True)",
                ),
                "patched",
            ),
            outcome("Rerun the module.", kinds, leaks=0 if ctx.old_python else rng.randint(1, 2)),
        ]

    def mkdtemp(k: int) -> list[Step]:
        return [
            Step(
                "Drop TemporaryDirectory altogether: mkdtemp() never cleans up behind our back, and register an atexit rmtree as a fallback.",
                py_edit(
                    src,
                    f"            self._workdir = tempfile.TemporaryDirectory(prefix='{ctx.stem}-').name\n",
                    f"            self._workdir = tempfile.mkdtemp(prefix='{ctx.stem}-')\n            atexit.register(shutil.rmtree, self._workdir, ignore_errors=True)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["exists", "notempty", "double"], rng.randint(1, 2))),
        ]

    def with_block(k: int) -> list[Step]:
        return [
            Step(
                "Scope the directory to the write itself with a with block so it's always removed.",
                py_edit(
                    src,
                    "        with open(os.path.join(self.workdir, name), 'w') as fh:",
                    f"        with tempfile.TemporaryDirectory(prefix='{ctx.stem}-') as tmp, open(os.path.join(tmp, name), 'w') as fh:",
                ),
                "patched",
            ),
            outcome("Rerun.", ["missing", rng.choice(["exists", "missing"])]),
        ]

    def finalize(k: int) -> list[Step]:
        return [
            Step(
                f"Tie the directory's lifetime to the {holder} instead: weakref.finalize(self, shutil.rmtree, path) removes it when the store goes away.",
                py_edit(
                    src,
                    "        return self._workdir\n",
                    "        if not hasattr(self, '_finalizer'):\n            self._finalizer = weakref.finalize(self, shutil.rmtree, self._workdir)\n        return self._workdir\n",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["double", "exists", "cwd"], rng.randint(1, 2)), leaks=rng.randint(0, 1)),
        ]

    def restore_cwd(k: int) -> list[Step]:
        return [
            Step(
                "Something leaves the process inside a directory that was then removed, so a later os.getcwd() fails. The export helper chdirs into the workdir; restore the old cwd when it's done.",
                py_edit(
                    src,
                    "        os.chdir(self.workdir)\n",
                    "        old = os.getcwd()\n        os.chdir(self.workdir)\n        self._restore = old\n",
                ),
                "patched",
            ),
            outcome(
                "Rerun the whole module.",
                rng.sample(["cwd", "double", "missing"], rng.randint(1, 2)),
                extra=rng.choice(["", " -p no:randomly"]),
            ),
        ]

    def residue(k: int) -> list[Step]:
        before = rng.randint(0, 30)
        grown = before + rng.randint(2, 12)
        run = ctx.tests(tf, " 2>&1 | grep -E '^(OK|FAILED)'" if ctx.django else " -q 2>&1 | tail -1").removeprefix(
            "cd tests && "
        )
        cd = "cd tests && " if ctx.django else ""
        return [
            Step(
                "Let me count the leftover directories before and after a run.",
                f"{cd}ls -d /tmp/{ctx.stem}-* 2>/dev/null | wc -l; {run}; ls -d /tmp/{ctx.stem}-* 2>/dev/null | wc -l",
                f"{before}\n{rng.randint(1, 3)} failed, {ctx.module_tests - 2} passed in {rng.uniform(0.5, 4):.2f}s\n{grown}"
                if not ctx.django
                else f"{before}\nFAILED (errors={rng.randint(1, 3)})\n{grown}",
                rc=0,
                seconds=rng.uniform(2, 9),
            ),
        ]

    def trace(k: int) -> list[Step]:
        where = _tmpname(ctx, rng)
        return [
            Step(
                "Let me see when the directory disappears, outside the test runner.",
                f"python -W error::ResourceWarning - <<'EOF'\nimport gc, os\nfrom {ctx.dotted} import {holder}\ns = {holder}('x')\np = s.workdir\nprint(os.path.isdir(p))\ngc.collect()\nprint(os.path.isdir(p))\nEOF",
                rng.choice(
                    [
                        f"Exception ignored in: <finalize object at {addr(rng)}; dead>\nTraceback (most recent call last):\n  File \"{lib}/tempfile.py\", line {rng.choice([818, 827])}, in _cleanup\n    _warnings.warn(warn_message, ResourceWarning)\nResourceWarning: Implicitly cleaning up <TemporaryDirectory '{where}'>\nFalse\nFalse",
                        "True\nTrue",
                        "True\nFalse",
                    ]
                ),
            )
        ]

    first = [
        outcome("Let me run the store's tests with resource warnings as errors.", ["missing"], leaks=1),
        Step(
            f"Let me look at how {holder} gets its working directory.",
            f"grep -n 'class {holder}' -A14 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        keep_ref,
        close_cleanup,
        ignore_errors,
        mkdtemp,
        with_block,
        finalize,
        restore_cwd,
        residue,
        trace,
    ]
    return churn(ctx, rng, n, first, attempts, "the temporary working directory's cleanup", "workdir", body)
