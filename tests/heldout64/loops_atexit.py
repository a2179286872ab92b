# ruff: noqa: E501
"""Loop family on atexit: a summary logged and flushed at exit, after the streams, handlers or thread pool it needs are gone."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import Attempt, Ctx, Fail, churn, py_edit, with_env


def atexit_log_after_shutdown(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An exit hook that logs a summary and flushes through an executor; every reordering or guard loses the summary or raises at exit."""
    src, tf = ctx.source, ctx.test_file
    hook = f"_report_{ctx.stem}"
    lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.python}"
    body = f"_executor = ThreadPoolExecutor(max_workers=2)\n_pending = []\n\n\ndef {hook}():\n    futures = [_executor.submit(_flush, item) for item in _pending]\n    wait(futures)\n    logger.info('%d {ctx.stem} entries flushed', len(futures))\n\n\natexit.register({hook})\n"

    def at_exit(kind: str) -> str:
        line = rng.randint(40, 700)
        return {
            "logging": f"--- Logging error ---\nTraceback (most recent call last):\n  File \"{lib}/logging/__init__.py\", line {rng.choice([1086, 1103, 1113])}, in emit\n    stream.write(msg + self.terminator)\nValueError: I/O operation on closed file.\nCall stack:\n  File \"/testbed/{src}\", line {line}, in {hook}\n    logger.info('%d {ctx.stem} entries flushed', len(futures))\nMessage: '%d {ctx.stem} entries flushed'\nArguments: ({rng.randint(1, 9)},)",
            "futures": f'Error in atexit._run_exitfuncs:\nTraceback (most recent call last):\n  File "/testbed/{src}", line {line}, in {hook}\n    futures = [_executor.submit(_flush, item) for item in _pending]\n  File "{lib}/concurrent/futures/thread.py", line {rng.choice([163, 169, 167])}, in submit\n    raise RuntimeError(\'cannot schedule new futures after \'\nRuntimeError: cannot schedule new futures after interpreter shutdown',
            "private": f"Traceback (most recent call last):\n  File \"<string>\", line 1, in <module>\n  File \"/testbed/{src}\", line {line}, in <module>\n    threading._register_atexit({hook})\nAttributeError: module 'threading' has no attribute '_register_atexit'",
            "shutdown": f'Error in atexit._run_exitfuncs:\nTraceback (most recent call last):\n  File "/testbed/{src}", line {line}, in {hook}\n    _executor.shutdown(wait=True)\n  File "{lib}/concurrent/futures/thread.py", line {rng.choice([229, 235])}, in shutdown\n    t.join()\n  File "{lib}/threading.py", line {rng.choice([1053, 1060])}, in join\n    raise RuntimeError("cannot join current thread")\nRuntimeError: cannot join current thread',
        }[kind]

    def fail(kind: str) -> Fail:
        n_items = rng.randint(1, 9)
        if kind in ("logging", "futures", "private", "shutdown"):
            shown = at_exit(kind)
            lines = shown.split("\n")
            return Fail(
                f"test_{ctx.stem}_{rng.choice(['summary_at_exit', 'exit_quiet'])}",
                f"AssertionError: assert 'Traceback' not in '{shown[:12]}...{lines[-1][-12:]}\\n'\n  'Traceback' is contained here:\n"
                + "\n".join(
                    f"    {line}"
                    for line in lines[: lines.index(next(x for x in lines if x.startswith("Traceback"))) + 1]
                )
                + "\n  ? +++++++++",
                "assert 'Traceback' not in proc.stderr",
            )
        table = {
            "missing": (
                f"AssertionError: assert '{n_items} {ctx.stem} entries flushed' in ''\n +  where '' = CompletedProcess(args=['{lib.rsplit('/lib/', 1)[0]}/bin/python', '-c', '...'], returncode=0, stdout='', stderr='').stderr",
                f"assert '{n_items} {ctx.stem} entries flushed' in proc.stderr",
                "summary_at_exit",
            ),
            "order": (
                "AssertionError: assert ['flushed', 'closed'] == ['closed', 'flushed']\n  At index 0 diff: 'flushed' != 'closed'",
                "assert events == ['closed', 'flushed']",
                "flush_order",
            ),
            "caplog": (
                f"AssertionError: assert 'entries flushed' in ''\n +  where '' = <_pytest.logging.LogCaptureFixture object at 0x7f{rng.randrange(16**8):08x}>.text",
                "assert 'entries flushed' in caplog.text",
                "caplog_summary",
            ),
        }
        error, code, case = table[kind]
        return Fail(f"test_{ctx.stem}_{case}", error, code)

    def outcome(thought: str, kinds: list[str]) -> Step:
        if "hang" in kinds:
            secs = rng.choice([30, 60, 120])
            return Step(
                thought,
                f"{with_env(ctx.tests(tf, ' -x'), f'timeout {secs}')}; echo rc=$?",
                f"{'=' * 29} test session starts {'=' * 30}\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {ctx.module_tests} items\n\n{tf} {'.' * rng.randint(1, ctx.module_tests - 1)}rc=124"
                if not ctx.django
                else f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes\nSystem check identified no issues (0 silenced).\n{'.' * rng.randint(1, 9)}rc=124",
                seconds=secs,
            )
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        step = test_step(
            ctx, rng, thought, rng.choice(["", tf]), fails, rng.choice(["", " -q", " -x", " -p no:cacheprovider"])
        )
        if rng.random() < 0.4:
            step.output = (step.output or "") + "\n" + at_exit(rng.choice(["logging", "futures"]))
        return step

    def reorder(k: int) -> list[Step]:
        return [
            Step(
                "atexit runs handlers last-in first-out, so a hook registered before the module's other setup runs after it. Move the registration to the very end of the module so it's registered last and runs first.",
                f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\ns = s.replace('\\natexit.register({hook})\\n', '\\n', 1) + '\\n\\natexit.register({hook})\\n'\nopen(p, 'w').write(s)\nprint('moved')\nEOF",
                "moved",
            ),
            outcome("Rerun the exit tests.", rng.sample(["futures", "missing", "order"], rng.randint(1, 2))),
        ]

    def raise_exc(k: int) -> list[Step]:
        return [
            Step(
                "The logging error at exit is harmless; silence it with logging.raiseExceptions = False in the hook.",
                py_edit(src, f"def {hook}():\n", f"def {hook}():\n    logging.raiseExceptions = False\n"),
                "patched",
            ),
            outcome("Rerun.", ["missing", rng.choice(["futures", "caplog"])]),
        ]

    def stderr_print(k: int) -> list[Step]:
        return [
            Step(
                "Skip logging at exit and print the summary straight to the real stderr.",
                py_edit(
                    src,
                    f"    logger.info('%d {ctx.stem} entries flushed', len(futures))\n",
                    f"    print('%d {ctx.stem} entries flushed' % len(futures), file=sys.__stderr__)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", ["caplog", rng.choice(["futures", "order"])]),
        ]

    def sync_flush(k: int) -> list[Step]:
        return [
            Step(
                "The executor refuses work once the interpreter is shutting down. Flush synchronously in the hook instead of submitting.",
                py_edit(
                    src,
                    "    futures = [_executor.submit(_flush, item) for item in _pending]\n    wait(futures)\n",
                    "    futures = _pending[:]\n    for item in futures:\n        _flush(item)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["logging", "order", "missing"], rng.randint(1, 2))),
        ]

    def thread_hook(k: int) -> list[Step]:
        kinds = ["private"] if ctx.python == "3.8" else [rng.choice(["hang", "shutdown", "logging"])]
        return [
            Step(
                "Use threading's own pre-shutdown hook so the flush runs while the executor still accepts work.",
                py_edit(src, f"atexit.register({hook})", f"threading._register_atexit({hook})"),
                "patched",
            ),
            outcome("Rerun.", kinds),
        ]

    def executor_shutdown(k: int) -> list[Step]:
        return [
            Step(
                "Shut the executor down explicitly at the end of the hook so its threads don't outlive it.",
                py_edit(
                    src,
                    f"    logger.info('%d {ctx.stem} entries flushed', len(futures))\n",
                    f"    logger.info('%d {ctx.stem} entries flushed', len(futures))\n    _executor.shutdown(wait=True)\n",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["shutdown", "hang", "futures"], 1)),
        ]

    def count_hooks(k: int) -> list[Step]:
        return [
            Step(
                "How many exit handlers are registered after importing the module?",
                f'python -c "import atexit, {ctx.dotted}; print(atexit._ncallbacks())"',
                str(rng.randint(2, 7)),
            )
        ]

    def by_hand(k: int) -> list[Step]:
        kind = rng.choice(["logging", "futures", ""])
        return [
            Step(
                "Let me run the exit path by hand in a subprocess, as the test does.",
                f'python -c "import logging; logging.basicConfig(level=logging.INFO); import {ctx.dotted} as m; m._pending.extend([1, 2, 3])"; echo rc=$?',
                (
                    at_exit(kind) + "\n"
                    if kind
                    else rng.choice(["", f"INFO:{ctx.dotted}:3 {ctx.stem} entries flushed\n"])
                )
                + "rc=0",
            )
        ]

    first = [
        outcome("Let me run the tests for the exit summary.", ["futures", "missing"]),
        Step(
            f"Let me look at the exit hook in {src}.",
            f"grep -n -B6 -A8 'def {hook}' {src}",
            f"{rng.randint(20, 300)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        reorder,
        raise_exc,
        stderr_print,
        sync_flush,
        thread_hook,
        executor_shutdown,
        count_hooks,
        by_hand,
    ]
    return churn(ctx, rng, n, first, attempts, "the summary the exit hook should log", hook, body)
