"""What a run shows of its instance: the file it fixed, its test, its script and their real outputs."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from .dev import Run, runs
from .repos import REPOS, Repo

TEST_RUN = re.compile(r"^(python3? -m pytest|pytest|python3? (\./)?tests/runtests\.py|\./tests/runtests\.py|bin/test) ")
SCRIPT_RUN = re.compile(r"^python3? (\w+\.py)$")
VIEW = re.compile(r"^(?:nl -ba|cat -n) (?:\./)?(\S+\.py)")
WHOLE = re.compile(r"^cat (?:\./)?(\S+/\S+\.py)$")
EDIT = re.compile(r"^sed -i .* (?:\./)?(\S+/\S+\.py)$")
NUMBERED = re.compile(r"^\s*(\d+)\t(.*)$")
DIFF = re.compile(r"^diff --git a/(\S+)", re.M)


@dataclass
class Instance:
    run: Run
    repo: Repo
    python: str  # 3.9
    source: str  # the file the run's patch changed
    test_command: str  # a targeted test run, as the run wrote it or as the project runs it
    test_output: tuple[int, str] | None  # what it printed in the run, when it ran
    script: str  # the run's reproduction script
    script_failure: tuple[int, str] | None  # a failing run of it, when the run had one
    views: dict[str, dict[int, str]] = field(default_factory=dict)  # file -> line -> text

    @property
    def name(self) -> str:
        return self.run.instance

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}/site-packages"

    def lines(self, path: str) -> dict[int, str]:
        return self.views.get(path) or self.views.get(self.source) or {}

    def functions(self) -> list[str]:
        """Names defined in the fixed file as far as the runs saw it, in their order."""
        texts = self.lines(self.source).values()
        found = [m.group(1) for text in texts if (m := re.match(r"\s*def (\w+)", text))]
        if found:
            return list(dict.fromkeys(found))
        words = Counter(w for text in texts for w in re.findall(r"\b[a-z_][a-z0-9_]{5,}\b", text))
        return [w for w, _ in words.most_common(5)] or ["__init__"]

    def neighbours(self) -> list[str]:
        """Other files of the same project the dev runs viewed: candidates for a new read."""
        return sorted(p for p in repo_views(self.run.repo) if p != self.source)


@cache
def repo_views(repo: str) -> dict[str, dict[int, str]]:
    """Numbered views of each file of a project across all dev runs, first sight of each line kept."""
    found: dict[str, dict[int, str]] = {}
    for run in runs().values():
        if run.repo != repo:
            continue
        for command, code, output in run.observations():
            if code != 0:
                continue
            if view := VIEW.match(command):
                lines = found.setdefault(view.group(1), {})
                for line in output.splitlines():
                    if numbered := NUMBERED.match(line):
                        lines.setdefault(int(numbered.group(1)), numbered.group(2))
            elif whole := WHOLE.match(command):
                lines = found.setdefault(whole.group(1), {})
                for number, line in enumerate(output.splitlines(), 1):
                    lines.setdefault(number, line)
    return {path: lines for path, lines in found.items() if len(lines) >= 40}


def instance(run: Run) -> Instance:
    repo = REPOS[run.repo]
    seen = run.observations()
    text = "\n".join(output for _, _, output in seen)
    pythons = Counter(re.findall(r"envs/testbed/lib/python(3\.\d+)", text))
    edited = [m.group(1) for command, _, _ in seen if (m := EDIT.match(command))]
    patched = [p for p in DIFF.findall(text) + edited if "test" not in p and p.endswith(".py") and "/" in p]
    views = repo_views(run.repo)
    viewed = Counter(m.group(1) for command, _, _ in seen if (m := VIEW.match(command)) and m.group(1) in views)
    source = patched[0] if patched else (viewed.most_common(1)[0][0] if viewed else _default_source(run.repo, views))
    tests = [
        (command, code, output) for command, code, output in seen if TEST_RUN.match(command) and "\n" not in command
    ]
    scripts = [(m.group(1), code, output) for command, code, output in seen if (m := SCRIPT_RUN.match(command))]
    failing = [(code, output) for _, code, output in scripts if code != 0 and "Traceback" in output]
    test_command = tests[0][0] if tests else _default_test(run.repo, repo, source)
    return Instance(
        run=run,
        repo=repo,
        python=pythons.most_common(1)[0][0] if pythons else repo.python,
        source=source,
        test_command=test_command,
        test_output=(tests[0][1], tests[0][2]) if tests else None,
        script=scripts[0][0] if scripts else "reproduce_issue.py",
        script_failure=failing[0] if failing else None,
        views=views,
    )


def _default_source(repo: str, views: dict[str, dict[int, str]]) -> str:
    return max(views, key=lambda p: len(views[p])) if views else f"{REPOS[repo].package}/__init__.py"


TEST_DIRS = {"xarray": "xarray/tests", "requests": "tests", "sphinx": "tests", "pytest": "testing", "pylint": "tests"}


def _default_test(name: str, repo: Repo, source: str) -> str:
    parts = source.split("/")
    if name == "django":
        return repo.runner.format(label=parts[-2] if len(parts) > 2 else "basic")
    folder = TEST_DIRS.get(name, "/".join(parts[:-1]) + "/tests")
    return repo.runner.format(path=f"{folder}/test_{parts[-1]}")
