"""What a spliced episode needs to know of its run: the repository, its files, tests and interpreter.

Everything is read from the run itself (the files it opened, the tests it ran, the interpreter its
tracebacks show), so an episode talks about the same code the real agent was working on.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property

from heldout16.runs import Run

REPOS = {  # dev prefix → (short name, package directory, import name, default python)
    "django": ("django", "django", "django", "3.9"),
    "sympy": ("sympy", "sympy", "sympy", "3.9"),
    "sphinx-doc": ("sphinx", "sphinx", "sphinx", "3.9"),
    "matplotlib": ("matplotlib", "lib/matplotlib", "matplotlib", "3.11"),
    "scikit-learn": ("sklearn", "sklearn", "sklearn", "3.9"),
    "pydata": ("xarray", "xarray", "xarray", "3.10"),
    "pytest-dev": ("pytest", "src/_pytest", "_pytest", "3.9"),
    "astropy": ("astropy", "astropy", "astropy", "3.9"),
    "psf": ("requests", "requests", "requests", "3.9"),
    "pylint-dev": ("pylint", "pylint", "pylint", "3.9"),
    "mwaskom": ("seaborn", "seaborn", "seaborn", "3.9"),
    "pallets": ("flask", "src/flask", "flask", "3.11"),
}
PATCH = {
    "3.5": "3.5.6",
    "3.6": "3.6.13",
    "3.7": "3.7.16",
    "3.8": "3.8.20",
    "3.9": "3.9.20",
    "3.10": "3.10.15",
    "3.11": "3.11.11",
}
HEADERS = {  # what the repo's pytest prints under its platform line, as the dev runs show it
    "sympy": "rootdir: /testbed\nconfigfile: pytest.ini\nplugins: cov-5.0.0",
    "sphinx": "base tempdir: /tmp/pytest-of-root/pytest-0\nrootdir: /testbed\nconfigfile: setup.cfg\nplugins: cov-5.0.0",
    "matplotlib": "rootdir: /testbed\nconfigfile: pytest.ini\nplugins: rerunfailures-15.0, xdist-3.6.1, cov-6.0.0, timeout-2.3.1",
    "sklearn": "rootdir: /testbed\nconfigfile: setup.cfg\nplugins: cov-5.0.0",
    "xarray": "rootdir: /testbed\nconfigfile: setup.cfg\nplugins: xdist-3.6.1, cov-5.0.0, env-1.1.5, hypothesis-6.114.0",
    "pytest": "rootdir: /testbed, configfile: pyproject.toml, testpaths: testing\nplugins: forked-1.6.0, xdist-1.34.0",
    "astropy": "rootdir: /testbed\nconfigfile: setup.cfg\nplugins: hypothesis-6.82.6, openfiles-0.5.0, arraydiff-0.5.0, "
    "astropy-header-0.2.2, cov-4.1.0, filter-subpackage-0.1.2, xdist-3.3.1, mock-3.11.1, remotedata-0.4.0, "
    "astropy-0.10.0, doctestplus-1.0.0",
    "requests": "rootdir: /testbed\nplugins: httpbin-2.1.0",
    "pylint": "rootdir: /testbed\nconfigfile: setup.cfg\nplugins: cov-3.0.0, profiling-1.7.0, forked-1.6.0, "
    "benchmark-4.0.0, xdist-2.5.0, timeout-2.3.1",
    "seaborn": "rootdir: /testbed\nconfigfile: pyproject.toml\nplugins: cov-5.0.0, xdist-3.6.1",
    "flask": "rootdir: /testbed\nconfigfile: pyproject.toml\nplugins: cov-5.0.0",
}
DJANGO_APPS = (  # a source directory → the test app that covers it
    ("db/migrations", "migrations"),
    ("db/models/fields", "model_fields"),
    ("db/models", "queries"),
    ("db/backends", "backends"),
    ("contrib/admin", "admin_views"),
    ("contrib/auth", "auth_tests"),
    ("contrib/staticfiles", "staticfiles_tests"),
    ("core/management", "user_commands"),
    ("forms", "forms_tests"),
    ("template", "template_tests"),
    ("urls", "urlpatterns"),
    ("http", "httpwrappers"),
    ("utils", "utils_tests"),
)
HOLE = re.compile(r"\{[a-z_][\w.]*\}")
SCRIPT = re.compile(r"cat\s+(?:<<\s*'?EOF'?\s*>\s*|>\s*)(\w+\.py)")
EDITS = ("sed -i", "perl -pi", "> ", "open(", "patch ")


def views(run: Run, upto: int) -> dict[str, dict[int, str]]:
    """Lines of files the agent saw (number → text) in the outputs of calls before `upto`, the latest view winning."""
    seen: dict[str, dict[int, str]] = {}
    for found in run.shown[:upto]:
        if found:
            seen.setdefault(found[0], {}).update(found[1])
    return seen


def longest_block(lines: dict[int, str]) -> range:
    """The longest run of consecutive line numbers known."""
    best, start, previous = range(0), 0, -1
    for number in sorted(lines):
        start = start if number == previous + 1 else number
        previous = number
        if number - start + 1 > len(best):
            best = range(start, number + 1)
    return best


def clean_block(lines: dict[int, str]) -> range:
    """The longest run of consecutive known lines with no braces that read like a template hole."""
    return longest_block({n: text for n, text in lines.items() if not HOLE.search(text)})


def edits(command: str, path: str) -> bool:
    return path in command and any(mark in command for mark in EDITS) and not command.startswith(("cat ", "nl "))


@dataclass
class Ctx:
    """A run seen from one of its calls: what an episode spliced there may refer to."""

    run: Run
    at: int  # the first call of the episode (the run's calls before it are kept)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return REPOS[self.run.repo][0]

    @property
    def package(self) -> str:
        return REPOS[self.run.repo][1]

    @property
    def module(self) -> str:
        return REPOS[self.run.repo][2]

    @cached_property
    def python(self) -> str:
        found = Counter(re.findall(r"envs/testbed/lib/python(3\.\d+)", self.run.text))
        return found.most_common(1)[0][0] if found else REPOS[self.run.repo][3]

    @cached_property
    def patch(self) -> str:
        found = re.search(r"Python (3\.\d+\.\d+)", self.run.text) or re.search(r"\((3\.\d+\.\d+)-final", self.run.text)
        return found[1] if found and found[1].startswith(self.python + ".") else PATCH[self.python]

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}/site-packages"

    def commands(self, upto: int | None = None) -> list[str]:
        return [self.run.command(seq) for seq in range(len(self.run.calls) if upto is None else upto)]

    @cached_property
    def source(self) -> str:
        """The source file the agent was most concerned with (first what it had looked at by now)."""
        pattern = re.compile(rf"\b({re.escape(self.package)}/[\w/]+\.py)\b")
        for commands in (self.commands(self.at), self.commands()):
            found = Counter(p for c in commands for p in pattern.findall(c) if "/tests/" not in p)
            if found:
                return str(found.most_common(1)[0][0])
        return f"{self.package}/__init__.py"

    @cached_property
    def tests(self) -> str:
        """The test module (a dotted label for Django) covering the source."""
        if self.name == "django":
            found = Counter(
                re.findall(r"runtests\.py\s+(?:-\S+\s+)*([a-z_]+(?:\.[a-z_]+)?)", "\n".join(self.commands()))
            )
            if found:
                return str(found.most_common(1)[0][0])
            inner = self.source.removeprefix("django/")
            return next((app for where, app in DJANGO_APPS if inner.startswith(where)), "utils_tests")
        found = Counter(
            re.findall(r"(?:pytest|bin/test)\s+(?:-\S+\s+)*([\w/]+/test_\w+\.py)", "\n".join(self.commands()))
        )
        if found:
            return str(found.most_common(1)[0][0])
        return self._derived_tests()

    def _derived_tests(self) -> str:
        parts = self.source.removeprefix(self.package + "/").removesuffix(".py").split("/")
        stem = parts[-1].lstrip("_") if parts[-1] != "__init__" else parts[-2] if len(parts) > 1 else self.name
        if self.name in ("sympy", "sklearn", "astropy"):
            return "/".join([self.package, *parts[:-1], "tests", f"test_{stem}.py"])
        where = {"matplotlib": "lib/matplotlib/tests", "xarray": "xarray/tests", "pytest": "testing"}
        if self.name in where:
            return f"{where[self.name]}/test_{stem}.py"
        if self.name == "sphinx":
            return "tests/test_" + "_".join(p for p in parts if p != "__init__") + ".py"
        return f"tests/test_{stem}.py"

    @property
    def runner(self) -> str:
        """How this run's agent ran tests."""
        if self.name == "django":
            return "./tests/runtests.py" if "./tests/runtests.py" in self.run.text else "python tests/runtests.py"
        if self.name == "sympy" and "bin/test " in self.run.text:
            return "bin/test"
        return "python -m pytest" if "-m pytest" in self.run.text else "pytest"

    @cached_property
    def header(self) -> str:
        """pytest's banner on this run's machine, as the run's own test runs printed it."""
        found = re.search(r"(=+ test session starts =+\n(?:(?!collect)[^\n]*\n)+?)collect", self.run.text)
        if found:
            banner = found[1].replace(" -- /opt/miniconda3/envs/testbed/bin/python", "")
            return banner.replace("cachedir: .pytest_cache\n", "")
        platform = f"platform linux -- Python {self.patch}, pytest-7.4.0, pluggy-1.5.0"
        return f"{'=' * 29} test session starts {'=' * 30}\n{platform}\n{HEADERS.get(self.name, 'rootdir: /testbed')}\n"

    def django_banner(self, tests: int) -> str:
        """What Django's runtests.py prints before its results, in this run's Django version."""
        first = "Testing against Django installed in '/testbed/django' with up to 8 processes\n"
        found = "Found" in self.run.text if "Testing against Django" in self.run.text else self.python != "3.6"
        return (
            first + (f"Found {tests} test(s).\n" if found else "") + "System check identified no issues (0 silenced).\n"
        )

    @cached_property
    def script(self) -> str | None:
        """The reproduction script the agent had written by now, if any."""
        found = [m for c in self.commands(self.at) for m in SCRIPT.findall(c)]
        # Scripts that rewrite the source are edits, not something to run again.
        found = [m for m in found if not m.startswith(("fix", "modify", "patch", "edit", "apply", "update"))]
        return found[-1] if found else None

    @cached_property
    def seen(self) -> dict[str, dict[int, str]]:
        return views(self.run, self.at)


RUNNER = re.compile(r"^(?:cd /testbed && )?(?:python3?|\./tests/runtests\.py|bin/test|pytest)\b")
FAILED = re.compile(r"Traceback|Error|FAIL|assert")
GUARDED = re.compile(r"^(\s+)(if|elif|return) (.*[(\[.].*?)(:?)$")


@cache
def _checks(run: Run) -> list[tuple[int, str, str]]:
    """Every check (script or tests) of the run that failed: (its call, command, the harness's reply)."""
    found = []
    for seq in range(len(run.calls) - 1):
        command, reply = run.command(seq), run.reply(seq)
        quiet = not HOLE.search(reply)  # no braces that would read like an unfilled template
        if RUNNER.match(command) and "\n" not in command and FAILED.search(reply) and len(reply) < 4000 and quiet:
            found.append((seq, command, reply))
    return found


def failing(run: Run, upto: int) -> tuple[int, str, str] | None:
    """The last failed check before call `upto`."""
    return next((check for check in reversed(_checks(run)) if check[0] < upto), None)


def code_lines(ctx: Ctx) -> list[tuple[str, int, str]]:
    """Lines of the package's code the agent had seen by now that an edit could target: if/elif/return with calls."""
    found = []
    for path, lines in ctx.seen.items():
        if path.startswith(ctx.package) and "/tests/" not in path:
            found += [
                (path, number, text)
                for number, text in sorted(lines.items())
                if GUARDED.match(text) and len(text) < 90 and "{" not in text
            ]
    return found
