"""Productive episodes with long or failing outputs: one search too broad then a narrower one, an
extension build fixed, a test suite run directory by directory before the fix."""

from __future__ import annotations

import random
import re

from heldout18.builds import EXTENSIONS, Build, build_step, cython_pinned
from heldout18.listings import grep_tree
from heldout18.replies import django_tests, pytest_quiet, run_tests, snake, sympy_tests
from heldout18.runs import Run
from heldout18.scenes import first_edit, pick, plain_after, revisit
from heldout18.wire import Step, step


def narrowed_output(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """A search whose output is refused as too long, then a narrower one that answers the question."""
    if len(run.tree) < 40:
        return None
    after = plain_after(run, rng, 0.05, 0.6)
    if after is None:
        return None
    word, src = run.symbol, run.source
    root = "/".join(src.split("/")[:2]) if src.startswith(("lib/", "src/")) else src.split("/")[0]
    broad = pick(rng, f'grep -rn "{word}" .', f'grep -rn "{word}" {root}', f"grep -rn {word} --include=*.py .")
    episode = [
        step(
            f"Let me see everywhere `{word}` is used.",
            broad,
            0,
            grep_tree(run, rng, word, "." if " ." in broad else root, rng.randint(14_000, 90_000)),
            2,
        )
    ]
    # The file's own lines naming the symbol, where the run printed them with their numbers.
    seen = sorted(run.numbered(src).items())
    if seen and rng.random() < 0.7:
        lines = "".join(f"{n}:{code}\n" for n, code in seen[:25])
        episode.append(
            step(f"Too much. Just the definitions and uses in `{src}`.", f'grep -n "{word}" {src}', 0, lines)
        )
    else:
        folder = src.rsplit("/", 1)[0]
        hits = grep_tree(run, rng, word, folder, rng.randint(1200, 3500))
        episode.append(
            step(
                f"That's too broad. I'll limit it to `{folder}` and the first matches.",
                f'grep -rn "{word}" {folder} | head -n 20',
                0,
                "".join(hits.splitlines(keepends=True)[:20]),
            )
        )
    return after, [*episode, revisit(run, rng, after)]


def build_ext_fixed(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """An extension build that fails once or twice, is fixed, succeeds, and the tests run."""
    if run.owner not in EXTENSIONS:
        return None
    after = plain_after(run, rng, 0.1, 0.5)
    if after is None:
        return None
    build = Build(run, rng)
    sources = rng.sample(EXTENSIONS[run.owner], 3)
    cython = run.owner != "matplotlib"
    episode = []
    first = sources[0]
    if cython and first.endswith(".pyx"):
        episode.append(
            build_step(
                rng,
                "The compiled extensions may be out of date with the source. Rebuilding them in place.",
                build.preamble(sources[:2]) + build.cython_error(first),
                True,
            )
        )
        episode.append(
            step(
                "Cython 3 rejects this older code. I'll pin Cython below 3 for this checkout.",
                'pip install "cython<3.0"',
                0,
                cython_pinned(run),
                10,
            )
        )
    if rng.random() < 0.5 or not episode:
        episode.append(
            build_step(rng, "Building again.", build.preamble(sources[1:]) + build.c_error(sources[1]), True)
        )
        if sources[1].endswith(".cpp"):
            episode.append(
                step(
                    "FreeType's headers are missing; matplotlib can build its bundled copy.",
                    "export MPLLOCALFREETYPE=1 && echo $MPLLOCALFREETYPE",
                    0,
                    "1\n",
                )
            )
        else:
            episode.append(
                step(
                    "The generated C file predates this Python. Deleting it so Cython regenerates it.",
                    f"rm -f {sources[1].replace('.pyx', '.c')}",
                    0,
                    "",
                )
            )
    episode.append(build_step(rng, "Rebuilding after the fix.", build.ok(sources), False))
    command, code, out = run_tests(run, rng, run.test_file, rng.randint(8, 120))
    episode.append(
        step(
            "The build succeeded. Let me run the tests for the module to be sure the extensions load.",
            command,
            code,
            out,
            20,
        )
    )
    return after, [*episode, revisit(run, rng, after)]


def _suites(run: Run, rng: random.Random) -> list[str]:
    if run.owner == "django":
        apps = sorted({p.split("/")[1] for p in run.tree if p.startswith("tests/") and p.count("/") >= 2})
        mine = run.test_file.removeprefix("tests/").split("/")[0]
        return [mine, *rng.sample([a for a in apps if a != mine], min(4, len(apps) - 1))]
    folders = sorted(
        {p.rsplit("/", 1)[0] for p in run.tree if re.search(r"(^|/)(tests?|testing)(/|$)", p.rsplit("/", 1)[0])}
    )
    mine = run.test_file.rsplit("/", 1)[0]
    return [mine, *rng.sample([f for f in folders if f != mine], min(4, max(0, len(folders) - 1)))]


def long_suite_run(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """Before the fix, the test suite run a directory at a time: each passes or fails as it did before."""
    edit = first_edit(run)
    suites = _suites(run, rng)
    after = None if edit is None else plain_after(run, rng, 0.0, edit / len(run.exchanges) - 0.01, first=2)
    if after is None or after >= (edit or 0) or len(suites) < 3:
        return None
    count = rng.randint(3, min(5, len(suites)))
    episode = []
    failing = ""
    for i, suite in enumerate(suites[:count]):
        thought = (
            pick(
                rng,
                "Before changing anything, I'll run the existing tests around this code to get a baseline.",
                "Let me get a baseline of the relevant test suites before the fix, one directory at a time.",
            )
            if i == 0
            else pick(rng, f"Now the `{suite}` tests.", f"Next, `{suite}`.", f"Moving on to `{suite}`.")
        )
        if failing:
            thought = (
                pick(
                    rng,
                    f"The one failure in `{failing}` is environmental and unrelated to this code. ",
                    f"That failure in `{failing}` predates my work; noting it and moving on. ",
                )
                + thought
            )
        known = rng.random() < 0.3
        took = rng.uniform(25, 200)
        if run.owner == "django":
            code, out = django_tests(
                rng, rng.randint(30, 700), failures=int(known), skipped=1, label=suite, took=took * 0.8
            )
            command = f"./tests/runtests.py {suite} --parallel 4"
        elif run.owner == "sympy":
            code, out = sympy_tests(run, rng, suite, rng.randint(40, 400))
            command = f"bin/test {suite}"
        else:
            failed = (
                [f"{suite}/test_{snake(run.symbol)}.py::test_remote_data - OSError: [Errno 101] Network is unreachable"]
                if known
                else []
            )
            code, out = pytest_quiet(rng, rng.randint(40, 1500), rng.randint(0, 40), failed, took * 0.85)
            command = pick(rng, f"python -m pytest {suite} -q -p no:cacheprovider", f"pytest -q {suite}")
        failing = suite if known else ""
        episode.append(step(thought, command, code, out, took))
    return after, [*episode, revisit(run, rng, after)]
