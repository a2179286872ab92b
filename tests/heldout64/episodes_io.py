# ruff: noqa: E501
"""Productive look-alikes on files, sockets and temp dirs: the same warnings met once or twice, the owner of the resource found, the run clean."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.loops_sockets import fetcher, sock
from heldout64.runs import test_step
from heldout64.text import Ctx, Fail, Leak, addr, port, py_edit, with_env


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", werror: bool = True) -> Step:
    return test_step(ctx, rng, thought, target, [], rng.choice(["", " -q", " -x"]), werror=werror)


def warning_traced_to_allocation(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An unclosed-file warning in one test, maybe another on a rerun; tracemalloc names the bare open(); wrapped in with; clean."""
    src, fn = ctx.source, ctx.opener
    line = rng.randint(40, 600)

    def leak() -> Leak:
        path = ctx.tmp(rng)
        return Leak(
            ctx.case(rng),
            f"<_io.FileIO name='{path}' mode='rb' closefd=True>",
            f"ResourceWarning: unclosed file <_io.TextIOWrapper name='{path}' mode='r' encoding='UTF-8'>",
        )

    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the module's tests with resource warnings as errors.",
            "",
            [],
            rng.choice(["", " -q"]),
            [leak()],
            werror=True,
        )
    ]
    if rng.random() < 0.5:
        steps.append(
            test_step(
                ctx, rng, "Rerun to see whether it shows up in the same place.", "", [], " -q", [leak()], werror=True
            )
        )
    traced = leak()
    traced.warning += f'\nObject allocated at (most recent call last):\n  File "/testbed/{src}", lineno {line + 3}\n    return json.load(open(path))'
    step = test_step(
        ctx,
        rng,
        "It's reported wherever the file happens to be collected. Let me ask tracemalloc where it was opened.",
        "",
        [],
        " -x",
        [traced],
        werror=True,
    )
    step.command = with_env(step.command, f"PYTHONTRACEMALLOC={rng.choice([10, 20, 25])}")
    steps += [
        step,
        Step(
            f"Allocated in {fn}. Let me read it.",
            f"sed -n '{line},{line + 6}p' {src}",
            f"def {fn}(path):\n    if not os.path.exists(path):\n        return None\n    return json.load(open(path))\n",
        ),
        Step(
            "json.load(open(path)) leaves closing the file to the garbage collector. Use a with block.",
            py_edit(
                src, "    return json.load(open(path))\n", "    with open(path) as fh:\n        return json.load(fh)\n"
            ),
            "patched",
        ),
        _green(ctx, rng, "Rerun with resource warnings as errors."),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "Any other bare open() left in the module?",
                f"grep -n 'open(' {src} | grep -v 'with '",
                "",
                rc=1,
            )
        )
    return steps


def socket_closed_with_context(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Socket warnings from the fetch helper; the response used as a context manager; maybe the test server's socket once; clean."""
    src, tf, fn = ctx.source, ctx.test_file, fetcher(ctx)
    server = port(rng)

    def leak(client: bool) -> Leak:
        shown = sock(rng, server, client)
        return Leak(
            ctx.case(rng, ("fetch", "fetch_gzip", "headers", "redirect")), shown, f"ResourceWarning: unclosed {shown}"
        )

    line = rng.randint(40, 600)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the fetch tests with resource warnings as errors.",
            "",
            [],
            rng.choice(["", " -q"]),
            [leak(True)],
            werror=True,
        ),
        Step(
            f"A client socket (it has a raddr) left open. Let me look at {fn}.",
            f"sed -n '{line},{line + 7}p' {src}",
            f"def {fn}(url, timeout=10):\n    resp = urllib.request.urlopen(url, timeout=timeout)\n    data = resp.read()\n    if resp.headers.get('Content-Encoding') == 'gzip':\n        data = gzip.decompress(data)\n    return data\n",
        ),
        Step(
            "The response is never closed. Use it as a context manager so it's closed even when decompress raises.",
            py_edit(
                src,
                "    resp = urllib.request.urlopen(url, timeout=timeout)\n    data = resp.read()\n    if resp.headers.get('Content-Encoding') == 'gzip':\n        data = gzip.decompress(data)\n",
                "    with urllib.request.urlopen(url, timeout=timeout) as resp:\n        data = resp.read()\n        encoding = resp.headers.get('Content-Encoding')\n    if encoding == 'gzip':\n        data = gzip.decompress(data)\n",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.6:
        dj = ctx.django
        ind, h = ("        ", "self.httpd") if dj else ("    ", "httpd")
        steps += [
            test_step(ctx, rng, "Rerun.", "", [], rng.choice(["", " -q"]), [leak(False)], werror=True),
            Step(
                "That one is the test server's listening socket (no raddr): the teardown stops serve_forever but never closes the server. server_close() after shutdown().",
                py_edit(tf, f"{ind}{h}.shutdown()\n", f"{ind}{h}.shutdown()\n{ind}{h}.server_close()\n"),
                "patched",
            ),
        ]
    steps.append(_green(ctx, rng, "Run the fetch tests again with warnings as errors."))
    return steps


def tempdir_cleanup_owned(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An implicit-cleanup warning and a vanished file; the TemporaryDirectory kept on the object and cleaned in close(); no residue."""
    src, holder = ctx.source, ctx.holder
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}"
    where = f"/tmp/{ctx.stem}-{''.join(rng.choices('abcdefghijklmnopqrstuvwxyz0123456789_', k=8))}"
    leak = Leak(
        ctx.case(rng),
        f"<finalize object at {addr(rng)}; dead>",
        f"ResourceWarning: Implicitly cleaning up <TemporaryDirectory '{where}'>",
        [(f"{lib}/tempfile.py", rng.choice([818, 827]), "_cleanup", "_warnings.warn(warn_message, ResourceWarning)")],
    )
    missing = Fail(
        ctx.case(rng, ("write_output", "reuse", "two_stores")),
        f"FileNotFoundError: [Errno 2] No such file or directory: '{where}/{rng.choice(['out.json', 'result.txt'])}'",
        "store.write(name, data)",
        [("write", "with open(os.path.join(self.workdir, name), 'w') as fh:")],
    )
    line = rng.randint(40, 600)
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the {holder} tests with resource warnings as errors.",
            "",
            [missing],
            rng.choice(["", " -q"]),
            [leak],
            werror=True,
        ),
        Step(
            "The directory is cleaned up implicitly and then a write into it fails, so it's removed while still in use. Let me see how the workdir is made.",
            f"grep -n -A6 'def workdir' {src}",
            f"{line}:    def workdir(self):\n{line + 1}-        if self._workdir is None:\n{line + 2}-            self._workdir = tempfile.TemporaryDirectory(prefix='{ctx.stem}-').name\n{line + 3}-        return self._workdir\n",
        ),
        Step(
            "Only `.name` is kept; the TemporaryDirectory object is dropped at once and its finalizer deletes the directory whenever it's collected. Keep the object on the instance and let close() clean it up through it.",
            py_edit(
                src,
                f"            self._workdir = tempfile.TemporaryDirectory(prefix='{ctx.stem}-').name\n",
                f"            self._tmp = tempfile.TemporaryDirectory(prefix='{ctx.stem}-')\n            self._workdir = self._tmp.name\n",
            )
            + "\n"
            + py_edit(
                src,
                "        shutil.rmtree(self.workdir)\n",
                "        if self._workdir is not None:\n            self._tmp.cleanup()\n            self._workdir = None\n",
            ),
            "patched\npatched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                "",
                [],
                " -q",
                [
                    Leak(
                        ctx.case(rng),
                        f"<finalize object at {addr(rng)}; dead>",
                        leak.warning.replace(where, where[:-3] + "x2q"),
                        leak.frames,
                    )
                ],
                werror=True,
            ),
            Step(
                f"Now it only warns for stores the tests never close: the fixture that makes the {holder} doesn't close it. Close it in the fixture's teardown, and give the class __enter__/__exit__ for callers.",
                py_edit(
                    src,
                    "    def close(self):\n",
                    "    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        self.close()\n\n    def close(self):\n",
                )
                + "\n"
                + (
                    py_edit(
                        ctx.test_file,
                        f"        self.store = {holder}({ctx.stem!r})\n",
                        f"        self.store = {holder}({ctx.stem!r})\n        self.addCleanup(self.store.close)\n",
                    )
                    if ctx.django
                    else py_edit(
                        ctx.test_file,
                        f"    return {holder}({ctx.stem!r})\n",
                        f"    store = {holder}({ctx.stem!r})\n    yield store\n    store.close()\n",
                    )
                ),
                "patched\npatched",
            ),
        ]
    cd = "cd tests && " if ctx.django else ""
    run = ctx.tests("", " 2>&1 | grep -E '^(OK|FAILED)'" if ctx.django else " -q 2>&1 | tail -1", True).removeprefix(
        "cd tests && "
    )
    steps += [
        _green(ctx, rng, "Rerun with warnings as errors."),
        Step(
            "And check nothing is left behind in /tmp.",
            f"{cd}ls -d /tmp/{ctx.stem}-* 2>/dev/null | wc -l; {run}; ls -d /tmp/{ctx.stem}-* 2>/dev/null | wc -l",
            f"0\n{'OK' if ctx.django else f'{ctx.module_tests} passed in {rng.uniform(0.5, 4):.2f}s'}\n0",
            seconds=rng.uniform(2, 9),
        ),
    ]
    return steps
