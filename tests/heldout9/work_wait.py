"""Productive episodes that wait or retry: a transient failure that clears (transient-then-ok), a
background run polled until done (background-wait), a broken setup fixed after a few tries (env-fixed)."""

from __future__ import annotations

import random

from .drift import drifted, secs
from .instance import Instance
from .protocol import Step
from .texts import passing_test

TRANSIENTS = [
    ("sqlite3.OperationalError: database is locked", "Another process holds the test database; retry."),
    ("OSError: [Errno 26] Text file busy: '/testbed/{script}'", "The file is still being written; try again."),
    ("BlockingIOError: [Errno 11] Resource temporarily unavailable", "A resource is momentarily busy; retry."),
    (
        "OSError: [Errno 98] Address already in use",
        "The port from a previous run is still in TIME_WAIT; retry shortly.",
    ),
    (
        "filelock._error.Timeout: The file lock '/root/.cache/{repo}/lock' could not be acquired.",
        "A lock is held by the previous run; retry.",
    ),
]


def transient_then_ok(inst: Instance, rng: random.Random, _: int) -> list[Step]:
    error, thought = rng.choice(TRANSIENTS)
    error = error.format(script=inst.script, repo=inst.run.repo)
    command = inst.test_command
    failure = (
        f'Traceback (most recent call last):\n  File "{inst.site}/{rng.choice(["filelock/_api.py", "py/_path/local.py", "_pytest/main.py"])}", line {rng.randint(100, 400)}, in acquire\n'
        f"    raise {error.split(':')[0].split('.')[-1]}(...)\n{error}\n"
    )
    steps = [Step("Run the targeted tests for my change.", command, drifted(failure, rng), 1, seconds=2)]
    for _ in range(rng.randint(1, 4)):
        steps.append(Step(thought, command, drifted(failure, rng), 1, seconds=rng.uniform(2, 6)))
    steps.append(Step(thought, command, passing_test(inst, rng, rng.randint(6, 80)), 0, seconds=rng.uniform(3, 20)))
    return steps


def background_wait(inst: Instance, rng: random.Random, _: int) -> list[Step]:
    log = f"/tmp/{inst.run.repo}_tests.log"
    folder = inst.source.rsplit("/", 1)[0]
    total = rng.randint(400, 4000)
    pid = rng.randint(200, 9000)
    suite = (
        f"python tests/runtests.py {folder.split('/')[-1]} --parallel 1"
        if inst.run.repo == "django"
        else f"python -m pytest {inst.test_command.split()[-1].rsplit('/', 1)[0]} -q -p no:cacheprovider"
    )
    steps = [
        Step(
            "The wider suite takes a while; start it in the background and keep an eye on the log.",
            f"nohup {suite} > {log} 2>&1 & echo $!",
            f"{pid}\n",
        )
    ]
    done = 0
    polls = rng.randint(5, 20)
    for i in range(polls):
        done = total if i == polls - 1 else min(total - 1, done + rng.randint(total // (polls + 4), total // polls + 1))
        pct = done * 100 // total
        if inst.run.repo == "django":
            text = "." * min(done // 20, 300) + f"\n(progress {done}/{total})\n"
            if done == total:
                text = f"{'.' * 60}\n{'-' * 70}\nRan {total} tests in {secs(rng, 40, 300)}s\n\nOK (skipped={rng.randint(0, 30)})\n"
        else:
            text = "." * 72 + f" [{pct:3d}%]\n"
            if done == total:
                text = (
                    "." * rng.randint(10, 60)
                    + " [100%]\n"
                    + f"{total - rng.randint(0, 20)} passed, {rng.randint(0, 20)} skipped in {secs(rng, 40, 300)}s\n"
                )
        command = rng.choice([f"sleep 20 && tail -3 {log}", f"sleep 30; tail -n 3 {log}", f"tail -3 {log}"])
        steps.append(
            Step(
                "Check on the background run." if done < total else "Check whether it has finished.",
                command,
                text,
                0,
                seconds=rng.uniform(5, 30),
            )
        )
    steps.append(
        Step(
            "The background run finished. Confirm the process is gone.",
            f"ps -p {pid} || echo finished",
            "    PID TTY          TIME CMD\nfinished\n",
            0,
        )
    )
    return steps


def env_fixed(inst: Instance, rng: random.Random, _: int) -> list[Step]:
    path = inst.test_command.split()[-1]
    count = rng.randint(5, 90)
    tries: list[Step]
    if inst.run.repo == "django":
        label = inst.test_command.split("runtests.py ")[-1].split()[0]
        tries = [
            Step(
                "Run the relevant tests with django's test command.",
                f"django-admin test {label}",
                "django.core.exceptions.ImproperlyConfigured: Requested setting TEST_RUNNER, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.\n",
                1,
            ),
            Step(
                "Use the test settings module.",
                f"DJANGO_SETTINGS_MODULE=test_sqlite django-admin test {label}",
                "ModuleNotFoundError: No module named 'test_sqlite'\n",
                1,
            ),
            Step(
                "The settings live in tests/; run from there.",
                f"cd tests && DJANGO_SETTINGS_MODULE=test_sqlite python -m django test {label}",
                f"ModuleNotFoundError: No module named '{label.split('.')[0]}'\n",
                1,
            ),
        ]
        fix = Step(
            "Django's own runner sets this up; use it.",
            f"python tests/runtests.py {label}",
            passing_test(inst, rng, count),
            0,
            seconds=5,
        )
    else:
        missing = rng.choice(["hypothesis", "pytest_timeout", "pytest_xdist"])
        tries = [
            Step("Run the tests.", f"pytest {path}", "bash: line 1: pytest: command not found\n", 127),
            Step(
                "Use the module form.",
                f"python -m pytest {path} -p xdist -n 2",
                f"ImportError: Error importing plugin \"xdist\": No module named '{missing}'\n",
                1,
            ),
            Step(
                "Drop the plugin flags.",
                f"python -m pytest {path} -p timeout",
                "ERROR: usage: __main__.py [options] [file_or_dir] [file_or_dir] [...]\n__main__.py: error: unrecognized arguments: --timeout\n",
                4,
            ),
        ]
        fix = Step("Plain module invocation.", f"python -m pytest {path}", passing_test(inst, rng, count), 0, seconds=5)
    return [*tries[: rng.randint(1, 3)], fix]
