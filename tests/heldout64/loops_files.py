# ruff: noqa: E501
"""Loop family on files: a ResourceWarning for an unclosed file that each fix moves to another test."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import WERROR, Attempt, Ctx, Fail, Leak, churn, py_edit, with_env

_TRACEMALLOC_HINT = "Enable tracemalloc to get traceback where the object was allocated.\nSee https://docs.pytest.org/en/stable/how-to/capture-warnings.html#resource-warnings for more info."


def unclosed_file_warning_wanders(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Resource warnings as errors: an unclosed file reported in whichever test runs when it is collected, never the one that opened it."""
    src, tf, fn, holder = ctx.source, ctx.test_file, ctx.opener, ctx.holder
    body = f"def {fn}(path, encoding='utf-8'):\n    if not os.path.exists(path):\n        return None\n    data = open(path, encoding=encoding).read()\n    return _parse(data)\n\n\nclass {holder}:\n    def __init__(self, path):\n        self.path = path\n        self._fh = open(path, 'rb')\n"
    cases = ("reads_file", "roundtrip", "missing", "encoding", "reopen", "lazy", "context_manager", "large", "bytes")

    def leak(test: str, traced: bool = False) -> Leak:
        path = ctx.tmp(rng, test)
        kind = rng.choice(["text", "binary", "binary", "write"])
        wrapped = {
            "text": f"<_io.TextIOWrapper name='{path}' mode='r' encoding='UTF-8'>",
            "binary": f"<_io.BufferedReader name='{path}'>",
            "write": f"<_io.BufferedWriter name='{path}'>",
        }[kind]
        obj = rng.choice(
            [
                "<_io.FileIO [closed]>",
                f"<_io.FileIO name='{path}' mode='{'wb' if kind == 'write' else 'rb'}' closefd=True>",
            ]
        )
        warning = f"ResourceWarning: unclosed file {wrapped}"
        if traced:
            where = rng.choice(
                [
                    (
                        f"/testbed/{src}",
                        rng.randint(40, 700),
                        f"self._fh = open(path, '{'wb' if kind == 'write' else 'rb'}')",
                    ),
                    (
                        f"/testbed/{tf}",
                        rng.randint(20, 400),
                        f"store = {holder}(tmp_path / {path.rsplit('/', 1)[-1]!r})",
                    ),
                    (
                        f"{ctx.site}/_pytest/tmpdir.py",
                        rng.choice([263, 271]),
                        "return factory.mktemp(name, numbered=True)",
                    ),
                    (
                        f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}/tempfile.py",
                        rng.choice([545, 552]),
                        "file = _io.open(fd, mode, buffering=buffering,",
                    ),
                ]
            )
            warning += f'\nObject allocated at (most recent call last):\n  File "{where[0]}", lineno {where[1]}\n    {where[2]}'
        elif not ctx.django and rng.random() < 0.5:
            warning += "\n" + _TRACEMALLOC_HINT
        frames = (
            [
                (
                    f"/testbed/{src}",
                    rng.randint(40, 700),
                    *rng.choice(
                        [
                            (fn, "return _parse(data)"),
                            ("_parse", "result = json.loads(text)"),
                            ("__init__", "self._cache = {}"),
                            ("read", "for row in reader:"),
                        ]
                    ),
                )
            ]
            if rng.random() < 0.4
            else []
        )
        return Leak(test, obj, warning, frames)

    def name() -> str:
        return ctx.case(rng, cases)

    def outcome(
        thought: str, extra: str = "", traced: bool = False, fails: list[Fail] | None = None, quiet: bool = False
    ) -> Step:
        leaks = [] if quiet else [leak(name(), traced) for _ in range(rng.choice([1, 1, 1, 2]))]
        target = rng.choice(["", tf, f"{tf}::{name()}"]) if not leaks else rng.choice(["", tf])
        step = test_step(ctx, rng, thought, target, fails or [], extra, leaks, werror=True)
        if traced:
            step.command = with_env(step.command, f"PYTHONTRACEMALLOC={rng.choice([10, 20, 25, 50])}")
        return step

    def with_block(k: int) -> list[Step]:
        return [
            Step(
                f"The bare open() in {fn} is never closed. Use a with block so it's closed deterministically.",
                py_edit(
                    src,
                    "    data = open(path, encoding=encoding).read()",
                    "    with open(path, encoding=encoding) as fh:\n        data = fh.read()",
                ),
                "patched",
            ),
            outcome(
                rng.choice(
                    ["Rerun with resource warnings as errors.", "Run the module again.", "Check the warning is gone."]
                )
            ),
        ]

    def close_method(k: int) -> list[Step]:
        return [
            Step(
                f"{holder} keeps self._fh open for its whole life. Give it a close() method and close the file there.",
                py_edit(
                    src,
                    "        self._fh = open(path, 'rb')\n",
                    "        self._fh = open(path, 'rb')\n\n    def close(self):\n        if self._fh is not None:\n            self._fh.close()\n            self._fh = None\n",
                ),
                "patched",
            ),
            outcome("Rerun the tests."),
        ]

    def dunder_del(k: int) -> list[Step]:
        err = rng.choice(
            [
                f"Exception ignored in: <function {holder}.__del__ at 0x7f{rng.randrange(16**8):08x}>\nTraceback (most recent call last):\n  File \"/testbed/{src}\", line {rng.randint(40, 700)}, in __del__\n    self._fh.close()\nAttributeError: '{holder}' object has no attribute '_fh'",
                "",
            ]
        )
        step = outcome("Rerun.")
        if err:
            step.output = (step.output or "") + "\n" + err
        return [
            Step(
                f"Callers don't call close(). Close the handle in {holder}.__del__ as a safety net.",
                py_edit(
                    src,
                    "        self._fh = open(path, 'rb')\n",
                    "        self._fh = open(path, 'rb')\n\n    def __del__(self):\n        self._fh.close()\n",
                ),
                "patched",
            ),
            step,
        ]

    def gc_fixture(k: int) -> list[Step]:
        conftest = "tests/conftest.py" if ctx.django or ctx.tests_dir == "tests" else f"{ctx.tests_dir}/conftest.py"
        return [
            Step(
                "The warning is reported in whatever test runs when the object is collected. An autouse fixture that runs gc.collect() after every test should pin it to the test that leaked.",
                f"cat >> {conftest} <<'EOF'\n\n\nimport gc\n\nimport pytest\n\n\n@pytest.fixture(autouse=True)\ndef _collect_after_test():\n    yield\n    gc.collect()\nEOF",
                "",
            ),
            outcome("Rerun to see which test it lands in now.", rng.choice(["", " -p no:randomly", " -x"])),
        ]

    def tracemalloc(k: int) -> list[Step]:
        return [
            outcome(
                "Let me get the allocation traceback with tracemalloc on.", rng.choice(["", " -x", " -q"]), traced=True
            )
        ]

    def too_early(k: int) -> list[Step]:
        return [
            Step(
                f"Open the file in {holder} only when reading, inside a with block, instead of keeping it around.",
                py_edit(
                    src,
                    "        self._fh = open(path, 'rb')\n",
                    "        with open(path, 'rb') as fh:\n            self._fh = fh\n",
                ),
                "patched",
            ),
            outcome(
                "Rerun.",
                fails=[
                    Fail(
                        name(),
                        rng.choice(
                            [
                                "ValueError: I/O operation on closed file.",
                                "ValueError: seek of closed file",
                                "ValueError: read of closed file",
                            ]
                        ),
                        f"data = {holder}(path).read()",
                        [
                            (
                                "read",
                                rng.choice(
                                    ["return self._fh.read()", "self._fh.seek(0)", "return self._fh.read(size)"]
                                ),
                            )
                        ],
                    )
                ],
                quiet=rng.random() < 0.5,
            ),
        ]

    def ignore_filter(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the project's own config turns these into errors somewhere unexpected. Add an ignore for ResourceWarning to the pytest config and see whether the failures come from the command line or the config.",
                f"sed -i '/^filterwarnings =/a\\    ignore::ResourceWarning' {'setup.cfg' if not ctx.django else 'tests/runtests.py'}",
                "",
            ),
            outcome("Rerun with the same command as before."),
        ]

    def isolated(k: int) -> list[Step]:
        case = name()
        return [
            test_step(
                ctx, rng, f"Does {case} fail on its own?", f"{tf}::{case}", [], rng.choice(["", " -q"]), werror=True
            ),
            outcome("It passes alone. Whole module again.", rng.choice([" -q", " -p no:randomly", ""])),
        ]

    def probe(k: int) -> list[Step]:
        path = ctx.tmp(rng)
        return [
            Step(
                f"Let me call {fn} directly with resource warnings as errors in a fresh interpreter.",
                f"python -X dev {WERROR} -c \"import {ctx.dotted} as m; print(type(m.{fn}('{path}')).__name__)\"",
                rng.choice(
                    [
                        "dict",
                        "NoneType",
                        "list",
                        f"Exception ignored in: <_io.FileIO name='{path}' mode='rb' closefd=True>\nResourceWarning: unclosed file <_io.BufferedReader name='{path}'>\ndict",
                    ]
                ),
            )
        ]

    def grep_opens(k: int) -> list[Step]:
        line = rng.randint(40, 700)
        return [
            Step(
                "Let me list every open() in the module that isn't in a with statement.",
                rng.choice(
                    [
                        f"grep -n 'open(' {src} | grep -v 'with '",
                        f"grep -rn 'open(' {ctx.run.package} --include=*.py | grep -v 'with ' | grep -v tests | head -15",
                    ]
                ),
                "\n".join(
                    f"{src}:{line + i * rng.randint(7, 60)}:{rng.choice(['        self._fh = open(path, ' + repr('rb') + ')', '    return json.load(open(path))', '    fh = open(filename, mode)', '        stream = io.open(self.path, encoding=self.encoding)', '    lines = open(path).readlines()'])}"
                    for i in range(rng.randint(2, 4))
                ),
            ),
            Step(
                "Wrap the json.load(open(...)) too.",
                py_edit(
                    src, "    return json.load(open(path))", "    with open(path) as fh:\n        return json.load(fh)"
                ),
                "patched",
            ),
            outcome("Rerun the module with warnings as errors."),
        ]

    first = [
        outcome("Let me run the tests of the module I changed with ResourceWarning as an error, as CI does."),
        Step(
            f"Let me look at {fn}.",
            f"grep -n 'def {fn}' -A12 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        with_block,
        close_method,
        dunder_del,
        gc_fixture,
        tracemalloc,
        too_early,
        ignore_filter,
        isolated,
        probe,
        grep_opens,
    ]
    return churn(
        ctx, rng, n, first, attempts, "the unclosed-file ResourceWarning that keeps moving between tests", fn, body
    )
