"""What a family's steps read from their run, and the test-runner and traceback text their commands print."""

from __future__ import annotations

import posixpath
import random
from datetime import UTC, datetime
from typing import Generic, TypeVar

from heldout20 import text
from heldout20.calls import SUBMIT, Step

T = TypeVar("T")

# Repositories whose environment carries the numpy stack.
NUMERIC = {"astropy", "matplotlib", "mwaskom", "pydata", "scikit-learn"}
# The C sources a repository compiles into extensions, as its checkout has them.
C_SOURCES = {
    "astropy": [
        "astropy/stats/src/fast_sigma_clip.c",
        "astropy/convolution/src/convolve.c",
        "astropy/io/ascii/src/tokenizer.c",
        "astropy/time/src/parse_times.c",
        "astropy/wcs/src/pyutil.c",
        "astropy/utils/src/compiler.c",
    ],
    "matplotlib": [
        "src/_path_wrapper.cpp",
        "src/ft2font_wrapper.cpp",
        "src/_image_wrapper.cpp",
        "src/_c_internal_utils.c",
        "src/_tkagg.cpp",
        "src/tri/_tri.cpp",
    ],
    "scikit-learn": [
        "sklearn/tree/_tree.c",
        "sklearn/utils/_random.c",
        "sklearn/cluster/_k_means_lloyd.c",
        "sklearn/linear_model/_cd_fast.c",
        "sklearn/svm/src/libsvm/libsvm_template.cpp",
        "sklearn/neighbors/_quad_tree.c",
    ],
}
# Where Django's own suite keeps the tests of a package.
_LABELS = {
    "admin": "admin_views",
    "auth": "auth_tests",
    "backends": "backends",
    "cache": "cache",
    "checks": "check_framework",
    "core": "basic",
    "fields": "model_fields",
    "files": "files",
    "forms": "forms_tests",
    "http": "httpwrappers",
    "mail": "mail",
    "management": "admin_scripts",
    "migrations": "migrations",
    "models": "model_fields",
    "serializers": "serializers",
    "sql": "queries",
    "template": "template_tests",
    "urls": "urlpatterns_reverse",
    "utils": "utils_tests",
    "views": "view_tests",
}


class Ctx(text.Ctx):
    """The run a family is spliced into, and the names its steps use."""

    @property
    def module(self) -> str:
        return self.run.module

    @property
    def slug(self) -> str:
        """The GitHub repository the run's checkout came from."""
        owner, rest = self.run.session.split("__", 1)
        return f"{owner}/{rest.rsplit('-', 1)[0]}"

    @property
    def issue(self) -> str:
        return self.run.session.rsplit("-", 1)[1]

    @property
    def py(self) -> str:
        return self.site.split("/python")[1].split("/")[0]

    @property
    def tag(self) -> str:
        return "cpython-" + self.py.replace(".", "")

    @property
    def minor(self) -> int:
        return int(self.py.split(".")[1])

    @property
    def tests_dir(self) -> str:
        if self.run.owner == "pytest-dev":
            return "testing"
        if self.run.owner == "pydata":
            return "xarray/tests"
        return super().tests_dir

    @property
    def label(self) -> str:
        """The Django test label covering the source file."""
        parts = posixpath.dirname(self.source).split("/")
        for part in reversed(parts):
            if part in _LABELS:
                return _LABELS[part]
        return "basic"

    @property
    def target(self) -> str:
        if self.django:
            return self.label
        return f"{self.tests_dir}/test_{self.stem}.py"

    @property
    def test_command(self) -> str:
        if self.django:
            return f"cd /testbed && python tests/runtests.py {self.label}"
        return f"cd /testbed && python -m pytest {self.target} -q"


def hexid(rng: random.Random, n: int = 7) -> str:
    return f"{rng.randrange(16**n):0{n}x}"


def trace(frames: list[tuple[str, int, str, str]], error: str) -> str:
    """A Python traceback through `frames` (file, line, function, code) ending in `error`."""
    lines = ["Traceback (most recent call last):"]
    for path, line, func, code in frames:
        lines.append(f'  File "{path}", line {line}, in {func}')
        if code:
            lines.append(f"    {code}")
    return "\n".join([*lines, error])


def tests_pass(ctx: Ctx, rng: random.Random) -> str:
    """What the run's test command prints when the tests pass."""
    count = rng.randint(9, 140)
    took = f"{rng.uniform(0.08, 9.0):.3f}"
    if ctx.django:
        dots = "." * min(count, 70) + ("\n" + "." * (count - 70) if count > 70 else "")
        return (
            "Testing against Django installed in '/testbed/django' with up to 2 processes\n"
            "Creating test database for alias 'default'...\n"
            f"System check identified no issues (0 silenced).\n{dots}\n"
            + "-" * 70
            + f"\nRan {count} tests in {took}s\n\nOK\nDestroying test database for alias 'default'..."
        )
    skipped = rng.choice([0, 0, 0, rng.randint(1, 4)])
    marks = "." * (count - skipped) + "s" * skipped
    rows = [marks[i : i + 72] for i in range(0, len(marks), 72)]
    done = 0
    lines = []
    for row in rows:
        done += len(row)
        lines.append(f"{row:<72} [{round(100 * done / count):>3}%]")
    summary = f"{count - skipped} passed" + (f", {skipped} skipped" if skipped else "")
    return "\n".join([*lines, f"{summary} in {float(took):.2f}s"])


def collect_error(ctx: Ctx, rng: random.Random, frames: list[tuple[str, str]], error: str) -> str:
    """pytest -q failing to import the test module: its frames (where, code) and the error."""
    module = ctx.target
    lines = [
        " ERRORS ".center(80, "="),
        f" ERROR collecting {module} ".center(80, "_"),
        f"ImportError while importing test module '/testbed/{module}'.",
        "Hint: make sure your test modules/packages have valid Python names.",
        "Traceback:",
        f"/opt/miniconda3/envs/testbed/lib/python{ctx.py}/importlib/__init__.py:127: in import_module",
        "    return _bootstrap._gcd_import(name[level:], package, level)",
    ]
    for where, code in frames:
        lines += [where, f"    {code}"]
    lines += [
        f"E   {error}",
        " short test summary info ".center(80, "="),
        f"ERROR {module}",
        " Interrupted: 1 error during collection ".center(80, "!"),
        f"1 error in {rng.uniform(0.12, 2.4):.2f}s",
    ]
    return "\n".join(lines)


def conftest_error(conftest: str, frames: list[tuple[str, str]], error: str) -> str:
    """pytest refusing to start because a conftest failed to import."""
    lines = [f"ImportError while loading conftest '{conftest}'."]
    for where, code in frames:
        lines += [where, f"    {code}"]
    return "\n".join([*lines, f"E   {error}"])


def give_up(rng: random.Random, what: str) -> Step:
    """The answer a looping agent ends on: submitting what it has."""
    thought = rng.choice(
        [
            f"I have tried every approach I can think of for {what} and none of them worked. The source change for the issue is already in place, so I'll submit it as it is.",
            f"I'm not making progress with {what}, and continuing to poke at it won't change that. Submitting the fix I have.",
            f"At this point {what} is blocking me from verifying further, but the actual code change is complete. I'll submit.",
            f"This has taken many attempts ({what}) without success. I'll stop here and submit the current changes.",
            f"Since {what} cannot be resolved from inside this environment, I'm going to submit the patch as it stands.",
        ]
    )
    return Step(thought, SUBMIT)


class Tail:
    """The steps of a loop's tail as they are drawn: never the same command twice running."""

    def __init__(self, rng: random.Random, length: int) -> None:
        self.rng, self.length = rng, length
        self.steps: list[Step] = []

    @property
    def full(self) -> bool:
        return len(self.steps) >= self.length - 1

    def add(self, step: Step) -> bool:
        if self.full or (self.steps and self.steps[-1].command == step.command):
            return False
        self.steps.append(step)
        return True

    def end(self, what: str) -> list[Step]:
        return [*self.steps[: self.length - 1], give_up(self.rng, what)]


class Deck(Generic[T]):
    """Cards dealt in a shuffled order, reshuffled when used up, never the same card twice running."""

    def __init__(self, rng: random.Random, cards: list[T]) -> None:
        self.rng, self.cards = rng, cards
        self.hand: list[T] = []
        self.last: T | None = None

    def deal(self) -> T:
        if not self.hand:
            self.hand = self.cards[:]
            self.rng.shuffle(self.hand)
            if len(self.hand) > 1 and self.hand[-1] is self.last:
                self.hand.insert(0, self.hand.pop())
        self.last = self.hand.pop()
        return self.last


def stamp(ts: float) -> str:
    """An HTTP date header's value."""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")
