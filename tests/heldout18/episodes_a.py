"""Productive episodes that look like the loops: a reinstall that makes an edit show, lint that converges,
a test selection put right. Each is inserted after a command that returned plainly, and the run goes on."""

from __future__ import annotations

import random

from heldout18.loops_a import STALE_LAYOUTS, respell
from heldout18.loops_b import LIMITS
from heldout18.replies import banner, django_tests, pip_editable, progress, pytest_nothing, seconds, sympy_tests
from heldout18.runs import Run
from heldout18.scenes import last_edit, pick, plain, plain_after, rerun_after_edit, revisit, vary_timing
from heldout18.wire import Step, step


def reinstalled_then_works(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """An edit shows no effect until the package is reinstalled from the working tree; then it does."""
    if run.owner not in STALE_LAYOUTS:
        return None
    found = rerun_after_edit(run, len(run.exchanges))
    if found is None or not plain(run.exchanges[found.again - 1][1]):
        return None
    package = run.package
    episode = [
        step(
            pick(rng, "Let me run the reproduction to check the fix.", "Now the reproduction script again."),
            respell(rng, found.command),
            found.returncode,
            vary_timing(rng, found.output),
            3,
        ),
    ]
    if rng.random() < 0.5:
        episode.append(
            step(
                "The output hasn't changed at all, not even slightly. Is the package I'm editing the one being imported?",
                f'python -c "import {package}; print({package}.__file__)"',
                0,
                f"{run.site}/{package}/__init__.py\n",
            )
        )
    else:
        episode.append(
            step(
                "Exactly the same output as before the edit. Let me check where the installed package lives.",
                f"pip show {run.top} | grep -i location",
                0,
                f"Location: {run.site}\n",
            )
        )
    episode.append(
        step(
            "It's importing an installed copy from site-packages, not the working tree. I'll reinstall it in editable mode.",
            pick(rng, "pip install -e .", "pip install -e . 2>&1 | tail -n 20"),
            0,
            pip_editable(run, rng),
            25,
        )
    )
    return found.again - 1, episode


FIXES = {
    "W291": ("trailing whitespace", "sed -i '{line}s/[[:space:]]*$//' {path}"),
    "E231": ("missing whitespace after ','", "sed -i '{line}s/,\\([^ ]\\)/, \\1/g' {path}"),
    "E261": ("at least two spaces before inline comment", "sed -i '{line}s/ # /  # /' {path}"),
    "E303": ("too many blank lines (3)", "sed -i '{before}d' {path}"),
    "E501": ("line too long ({width} > {limit} characters)", "sed -i '{line}s/, /,\\n        /' {path}"),
    "W293": ("blank line contains whitespace", "sed -i '{line}s/^[[:space:]]*$//' {path}"),
}


def lint_converges(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """flake8 on the edited file: a few complaints, fixed a handful at a time, until it is clean."""
    edit = last_edit(run)
    after = None if edit is None else plain_after(run, rng, 0.0, 1.0, first=edit + 1)
    if after is None:
        return None
    src, limit = run.source, LIMITS.get(run.owner, 79)
    base = 60 + (len(src) * 53) % 900
    issues = sorted({base + rng.randint(-15, 25): rng.choice(list(FIXES)) for _ in range(rng.randint(3, 6))}.items())
    tool = pick(rng, "flake8", "python -m flake8")
    episode: list[Step] = []
    if run.owner == "sympy" or "command not found" in run.text:
        episode.append(
            step(
                "Before finishing, let me lint the file I changed. flake8 may not be installed here.",
                "pip install -q flake8 && flake8 --version",
                0,
                f"7.1.1 (mccabe: 0.7.0, pycodestyle: 2.12.1, pyflakes: 3.2.0) CPython {run.python_full} on\nLinux\n",
                8,
            )
        )
    thought = pick(rng, "Before finishing, let me lint the file I changed.", "Let me make sure the edit passes flake8.")
    while issues:
        report = "".join(
            f"{src}:{line}:{limit + 1 if code == 'E501' else rng.randint(5, 40)}: {code} "
            f"{FIXES[code][0].replace('{width}', str(limit + 1 + line % 17)).replace('{limit}', str(limit))}\n"
            for line, code in issues
        )
        episode.append(step(thought, f"{tool} {src}", 1, report, 2))
        batch = issues[: rng.randint(1, max(1, len(issues) - 1))] if len(issues) > 1 else issues
        commands = [
            FIXES[code][1].replace("{line}", str(line)).replace("{before}", str(line - 1)).replace("{path}", src)
            for line, code in reversed(batch)
        ]
        episode.append(
            step(
                pick(
                    rng, "Fixing those.", f"I'll fix the first {len(batch)} of them.", "These are easy to fix with sed."
                ),
                " && ".join(commands),
                0,
                "",
            )
        )
        removed = sum(code == "E303" for _, code in batch)
        added = sum(code == "E501" for _, code in batch)
        issues = [(line + added - removed, code) for line, code in issues[len(batch) :]]
        thought = pick(rng, "Checking again.", "Let me rerun flake8.", "Fewer now? Rerunning the linter.")
    episode.append(step("Let me rerun flake8 to confirm it's clean.", f"{tool} {src}", 0, ""))
    if rng.random() < 0.5:
        episode.append(
            step(
                "And black agrees?", f"black --check {src}", 0, "All done! ✨ 🍰 ✨\n1 file would be left unchanged.\n"
            )
        )
    return after, [*episode, revisit(run, rng, after)]


def _misremembered(rng: random.Random, name: str) -> str:
    """The test's name as an agent might recall it: a word changed, added or dropped."""
    words = name.removeprefix("test_").split("_")
    kind = rng.randrange(4)
    if kind == 0 and len(words) > 1:
        words.pop(rng.randrange(len(words)))
    elif kind == 1:
        words.insert(rng.randrange(len(words) + 1), rng.choice(["check", "handles", "with", "case"]))
    elif kind == 2:
        last = words[-1]
        words[-1] = last[:-1] if last.endswith("s") else last + "s"
    else:
        words = [*words, rng.choice(["regression", "issue", "edge_case"])]
    return "test_" + "_".join(words)


def test_selection_fixed(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """One or two selections that match nothing, then the right node id runs the test."""
    edit = last_edit(run)
    after = plain_after(run, rng, 0.0, 1.0, first=(edit or 1) + 1)
    if after is None:
        return None
    test_file, name = run.test_file, run.test_names[0]
    wrong = _misremembered(rng, name)
    keyword = max(name.removeprefix("test_").split("_"), key=len)
    found = (
        f"{rng.randint(40, 900)}:"
        + ("    def " if run.owner == "django" else "def ")
        + name
        + ("(self):\n" if run.owner == "django" else "():\n")
    )
    look = step(
        f"Nothing ran, so the name must be off. Let me look for tests about `{keyword}`.",
        pick(rng, f'grep -n "def test.*{keyword}" {test_file}', f"grep -n 'def test_.*{keyword}' {test_file}"),
        0,
        found,
    )
    episode: list[Step] = []
    if run.owner == "django":
        app = test_file.removeprefix("tests/").split("/")[0]
        episode.append(
            step(
                f"Let me run `{wrong}` to check the behaviour.",
                f"./tests/runtests.py {app} -k {wrong}",
                *django_tests(rng, 0),
            )
        )
        episode.append(look)
        episode.append(
            step(
                f"It's `{name}`. Running that.",
                f"./tests/runtests.py {app} -k {name}",
                *django_tests(rng, rng.randint(1, 3)),
            )
        )
        return after, [*episode, revisit(run, rng, after)]
    target = f"{test_file}::{wrong}"
    episode.append(
        step(
            f"Let me run the relevant test, `{wrong}`.", f"python -m pytest {target}", *pytest_nothing(run, rng, target)
        )
    )
    if rng.random() < 0.5:
        bad = f"{test_file} -k {wrong.removeprefix('test_')}"
        episode.append(
            step(
                "Not found by that id; I'll try a -k expression.",
                f"python -m pytest {bad}",
                *pytest_nothing(run, rng, bad),
            )
        )
    episode.append(look)
    if run.owner == "sympy":
        episode.append(
            step(f"It's `{name}`. Running it.", f"bin/test {test_file} -k {name}", *sympy_tests(run, rng, test_file, 1))
        )
        return after, [*episode, revisit(run, rng, after)]
    took = seconds(rng, 0.05, 2.5)
    quiet = rng.random() < 0.5
    output = (
        f"{'.':<73}[100%]\n1 passed in {took}\n"
        if quiet
        else f"{run.pytest_header}collected 1 item\n\n{progress(test_file, '.')}\n\n{banner(f'1 passed in {took}')}\n"
    )
    episode.append(
        step(
            f"It's `{name}`. Running it by its node id.",
            f"python -m pytest {test_file}::{name}" + (" -q" if quiet else ""),
            0,
            output,
        )
    )
    return after, [*episode, revisit(run, rng, after)]
