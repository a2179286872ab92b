"""Loops where what the agent runs selects no test at all, however it spells the selection."""

from __future__ import annotations

import random

from heldout18.replies import django_tests, pytest_nothing, snake
from heldout18.runs import Run
from heldout18.scenes import OPENING, TAIL, pick
from heldout18.wire import Step, step, submit


def _unittest_missing(module: str, name: str) -> tuple[int, str]:
    return 1, (
        "E\n"
        + "=" * 70
        + f"\nERROR: {name} (unittest.loader._FailedTest)\n"
        + "-" * 70
        + f"\nAttributeError: module '{module}' has no attribute '{name}'\n\n"
        + "-" * 70
        + "\nRan 1 test in 0.000s\n\nFAILED (errors=1)\n"
    )


def _guesses(run: Run, rng: random.Random) -> list[str]:
    """Names the agent believes the test has, none of which exists."""
    word = snake(run.symbol)
    number = run.session.rsplit("-", 1)[1]
    short = word.split("_")[-1]
    names = [
        f"test_{word}",
        f"test_{word}_regression",
        f"test_issue_{number}",
        f"test_{word}_empty",
        f"test_{short}_none",
        f"test_{word}_with_defaults",
        f"test_{short}_{number}",
    ]
    rng.shuffle(names)
    return [n for n in dict.fromkeys(names) if n not in run.test_names]


def no_tests_selected(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """The agent runs a test that does not exist, spelling the selection every way it can think of."""
    onset = rng.randint(OPENING[0], min(OPENING[1], len(run.calls) - 1))
    length = rng.randint(*TAIL)
    test_file, word = run.test_file, snake(run.symbol)
    folder = test_file.rsplit("/", 1)[0]
    label = test_file.removeprefix("tests/").removesuffix(".py").replace("/", ".")
    module = test_file.removesuffix(".py").replace("/", ".")
    method = run.owner == "django"
    known = [name for name in run.test_names][:10] or [f"test_{word}_basic"]
    classes = list(
        dict.fromkeys("Test" + "".join(p.title() for p in n.removeprefix("test_").split("_")[:2]) for n in known)
    )[:3]
    guesses = _guesses(run, rng)
    guess = guesses[0]
    cls = "Test" + "".join(part.title() for part in word.split("_"))
    steps: list[Step] = []
    last = -1

    def attempt(kind: int) -> Step:
        thought = pick(
            rng,
            f"Let me run `{guess}` to see its current state.",
            f"Trying `{guess}` another way.",
            f"Nothing ran. Maybe `{guess}` needs a different selection.",
            f"Let me select `{guess}` again, differently.",
        )
        if method:
            app = label.split(".")[0]
            if kind == 0:
                return step(thought, f"./tests/runtests.py {label}.{guess}", *_unittest_missing(label, guess))
            if kind == 1:
                return step(thought, f"./tests/runtests.py {app} -k {guess}", *django_tests(rng, 0))
            if kind == 2:
                return step(thought, f"cd tests && ./runtests.py {label}.{cls}.{guess}", *_unittest_missing(label, cls))
            if kind == 3:
                return step(
                    thought,
                    f"./tests/runtests.py {app} -k {guess.removeprefix('test_')} --parallel 1",
                    *django_tests(rng, 0),
                )
            return step(thought, f"cd tests && python -m unittest {label}.{guess}", *_unittest_missing(label, guess))
        if kind == 0:
            target = f"{test_file}::{guess}"
            command = pick(rng, f"python -m pytest {target}", f"pytest {target} -q", f"pytest -x {target}")
        elif kind == 1:
            target = f"{test_file}::{cls}::{guess}"
            command = f"python -m pytest {target} -v"
        elif kind == 2:
            target = f"{test_file} -k {pick(rng, guess, guess.removeprefix('test_'), f'{word} and not slow')}"
            command = f"pytest {target}"
        elif kind == 3:
            target = f"{folder}/test_{word}.py"
            command = pick(rng, f"pytest {target}", f"python -m pytest {target} -q")
        else:
            return step(thought, f"python -m unittest {module}.{guess}", *_unittest_missing(module, guess))
        code, out = pytest_nothing(run, rng, target)
        return step(thought, command, code, out, 2)

    def look(kind: int) -> Step:
        indent = "    " if method else ""
        if kind == 0:
            lines = "".join(
                f"{40 + 23 * i}:{indent}def {name}(" + ("self):\n" if method else "):\n")
                for i, name in enumerate(known)
            )
            return step(
                "Let me list the test functions that do exist in that file.",
                pick(
                    rng, f'grep -n "def test_" {test_file} | head -20', f"grep -n 'def test' {test_file} | head -n 20"
                ),
                0,
                lines,
            )
        if kind == 1:
            return step(
                f"Where is `{guess}` actually defined?",
                pick(rng, f"grep -rn {guess} {folder}", f'grep -rn "{guess}" .', f"git grep -n {guess}"),
                1,
                "",
            )
        if kind == 2:
            names = sorted(
                {
                    test_file.rsplit("/", 1)[1],
                    "__init__.py",
                    *(f"test_{n.split('_')[1]}.py" for n in known[:4] if n.count("_") > 1),
                }
            )
            return step(
                "Let me look at what test files are in that directory.", f"ls {folder}", 0, "\n".join(names) + "\n"
            )
        return step(
            "Which test classes does the file define?",
            f'grep -n "^class " {test_file}',
            0,
            "".join(
                f"{20 + 150 * i}:class {c}(" + ("SimpleTestCase):\n" if method else "):\n")
                for i, c in enumerate(classes)
            ),
        )

    while len(steps) < length - 1:
        if steps and rng.random() < 0.35:
            kind = rng.choice([k for k in range(4) if k != last])
            steps.append(look(kind))
            last = kind
            if kind in (0, 1) and len(guesses) > 1:
                guesses.append(guesses.pop(0))  # what it saw suggests another name, which does not exist either
                guess = guesses[0]
        else:
            steps.append(attempt(rng.randrange(5)))
    steps.append(
        submit(
            pick(
                rng,
                "I couldn't get the test to run; the change itself is done, so I'll submit.",
                "No selection ran the test. I'll submit the change as it stands.",
            )
        )
    )
    return onset, steps
