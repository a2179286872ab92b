# ruff: noqa: E501
"""Names the families' steps use (the plotting code, its tests, baseline and result images), and the runs they print."""

from __future__ import annotations

import posixpath
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

Attempt = text.Attempt

# Where a project that plots keeps its plotting code: (module, its tests, what its helpers are named after).
_PLOTTING: dict[str, tuple[tuple[str, str, str], ...]] = {
    "sympy": (
        ("sympy/plotting/plot.py", "sympy/plotting/tests/test_plot.py", "plot"),
        ("sympy/plotting/plot_implicit.py", "sympy/plotting/tests/test_plot_implicit.py", "implicit"),
    ),
    "pydata": (
        ("xarray/plot/utils.py", "xarray/tests/test_plot.py", "plot"),
        ("xarray/plot/facetgrid.py", "xarray/tests/test_plot.py", "facet"),
    ),
    "scikit-learn": (
        (
            "sklearn/metrics/_plot/confusion_matrix.py",
            "sklearn/metrics/_plot/tests/test_confusion_matrix_display.py",
            "confusion_matrix",
        ),
        ("sklearn/tree/_export.py", "sklearn/tree/tests/test_export.py", "tree"),
        (
            "sklearn/inspection/_plot/partial_dependence.py",
            "sklearn/inspection/_plot/tests/test_plot_partial_dependence.py",
            "pd",
        ),
    ),
    "astropy": (
        ("astropy/visualization/mpl_normalize.py", "astropy/visualization/tests/test_norm.py", "image"),
        (
            "astropy/visualization/wcsaxes/formatter_locator.py",
            "astropy/visualization/wcsaxes/tests/test_formatter_locator.py",
            "coord",
        ),
        ("astropy/visualization/wcsaxes/core.py", "astropy/visualization/wcsaxes/tests/test_images.py", "wcsaxes"),
    ),
    "mwaskom": (("seaborn/_core/plot.py", "tests/_core/test_plot.py", "plot"),),
}
# The helpers the families change, by what they do.
_HELPERS = {
    "ticks": ("_format_{}_ticks", "_{}_tick_labels", "set_{}_formatter"),
    "norm": ("_{}_norm", "_{}_color_levels", "_cmap_for_{}"),
    "legend": ("_{}_legend", "_add_{}_legend", "_{}_legend_entries"),
    "save": ("save_{}_figure", "_export_{}", "_{}_to_png"),
    "svg": ("_{}_to_svg", "export_{}_svg", "_write_{}_vector"),
    "font": ("_{}_text_props", "_{}_font", "_{}_label_font"),
    "draw": ("draw_{}", "_plot_{}", "{}_figure"),
}
# Labels a project's plots carry: series, categories, levels.
_LABELS = {
    "matplotlib": ["sin", "cos", "data", "fit", "line1", "line2", "bars", "scatter", "model", "errors"],
    "sympy": ["x**2", "sin(x)", "cos(x)", "exp(-x)", "log(x)", "x**3 - x", "tan(x)", "sqrt(x)"],
    "pydata": ["air", "temp", "lat", "lon", "time", "level", "x", "y", "band", "member"],
    "scikit-learn": ["setosa", "versicolor", "virginica", "class 0", "class 1", "LogisticRegression", "SVC", "ROC"],
    "astropy": ["ra", "dec", "glon", "glat", "flux", "Jy", "counts", "sqrt", "log", "asinh"],
    "mwaskom": ["a", "b", "c", "x", "y", "hue", "size", "total_bill", "tip", "day"],
}
_DEFAULT_LABELS = ["train", "test", "baseline", "mean", "p95", "total", "errors", "hits", "misses", "latency"]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its plotting code, its tests, and what stays put within a session."""

    kept: dict[str, object] = field(default_factory=dict)

    def _pick(self) -> tuple[str, str, str]:
        options = _PLOTTING.get(self.run.owner)
        if self.mpl:
            return self.source, f"lib/matplotlib/tests/test_{self.stem}.py", self.stem
        if not options:
            return self.source, self.test_file, self.stem
        return options[sum(map(ord, self.run.session)) % len(options)]

    @property
    def src(self) -> str:
        return self._pick()[0]

    @property
    def tf(self) -> str:
        return self._pick()[1]

    @property
    def subj(self) -> str:
        return self._pick()[2]

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    @property
    def plot_dotted(self) -> str:
        path = self.src[:-3].replace("src/", "", 1).replace("lib/", "", 1)
        return path.replace("/", ".").removesuffix(".__init__")

    def fn(self, kind: str) -> str:
        names = _HELPERS[kind]
        return names[sum(map(ord, self.run.session + kind)) % len(names)].format(self.subj)

    @property
    def mpl(self) -> bool:
        return self.run.owner == "matplotlib"

    @property
    def mpl_dir(self) -> str:
        """Where matplotlib's own modules are, as a traceback names them."""
        return "lib/matplotlib" if self.mpl else f"{self.site}/matplotlib"

    @property
    def mpl_abs(self) -> str:
        return "/testbed/lib/matplotlib" if self.mpl else f"{self.site}/matplotlib"

    @property
    def test_mod(self) -> str:
        return posixpath.basename(self.tf)[:-3]

    @property
    def result_dir(self) -> str:
        return f"{'tests/' if self.django else ''}result_images/{self.test_mod}"

    @property
    def baseline_dir(self) -> str:
        return f"{posixpath.dirname(self.tf)}/baseline_images/{self.test_mod}"

    def labels(self, rng: random.Random, k: int) -> list[str]:
        return rng.sample(_LABELS.get(self.run.owner, _DEFAULT_LABELS), k)

    def stable(self, key: str, make: Callable[[], object]) -> object:
        """A value drawn once per session and kept: a module's test count, a test's line, a version."""
        if key not in self.kept:
            self.kept[key] = make()
        return self.kept[key]

    def count(self, rng: random.Random, path: str) -> int:
        return int(str(self.stable(f"count:{path}", lambda: rng.randint(14, 90))))

    def line(self, rng: random.Random, key: str, lo: int = 30, hi: int = 900) -> int:
        return int(str(self.stable(f"line:{key}", lambda: rng.randint(lo, hi))))

    def mpl_version(self, rng: random.Random) -> str:
        def make() -> str:
            if self.mpl:
                return f"3.{rng.randint(5, 8)}.0.dev{rng.randint(100, 2400)}+g{rng.randrange(16**9):09x}"
            return rng.choice(["3.5.3", "3.6.3", "3.7.1", "3.7.5", "3.8.4", "3.9.2"])

        return str(self.stable("mpl", make))

    def freetype(self, rng: random.Random) -> str:
        return str(self.stable("freetype", lambda: rng.choice(["2.10.4", "2.12.1", "2.11.0", "2.13.2"])))

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the plotting tests)."""
        if self.django:
            target, _, keyword = target.partition(" -k ")
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            mapped = {"-x": "--failfast", "-vv": "-v 2", "-v": "-v 2"}
            words = [f"-k {word}" for word in keyword.strip("'").split(" or ") if word]
            words += [mapped[f] for f in flags.split() if f in mapped]
            return f"cd tests && python runtests.py {label}{''.join(' ' + w for w in words)}{rest}"
        return f"python -m pytest {target or self.tf}{extra}"


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def look(ctx: Ctx, rng: random.Random, func: str, body: str) -> Step:
    """A look between attempts: the tree, the diff, the changed code, its callers, the result images, the history."""
    line = ctx.line(rng, "body:" + func)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    hunk = (
        "\n".join(f" {text}" for text in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {text}" for text in lines[k + 1 : k + 3])
    )
    images = sorted(rng.sample(["", "-expected", "-failed-diff"], rng.randint(2, 3)))
    name = f"{ctx.subj}_{rng.choice(['basic', 'labels', 'ticks', 'legend', 'colorbar', 'savefig'])}"
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.src}\n"
            + rng.choice(["", f" M {ctx.tf}\n", "?? result_images/\n", "?? repro_plot.py\n", "?? out.png\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.src}", "git diff -U2"]),
            f"diff --git a/{ctx.src} b/{ctx.src}\n--- a/{ctx.src}\n+++ b/{ctx.src}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            f" {ctx.src} | {rng.randint(3, 30)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 6)}\n 1 file changed, {rng.randint(3, 20)} insertions(+), {rng.randint(1, 9)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 5])}p' {ctx.src}",
            body,
        ),
        Step(
            f"Let me see who calls {func}.",
            rng.choice([f"grep -rn '{func}(' {ctx.run.package} | head -20", f"git grep -n '{func}' -- '*.py' | head"]),
            "\n".join(
                f"{ctx.src}:{rng.randint(10, 1500)}:        {rng.choice(['result', 'out', 'artist', 'fig', 'ax'])} = {func}({rng.choice(['ax', 'self.axes', 'fig', 'data', 'self'])})"
                for _ in range(rng.randint(1, 4))
            ),
        ),
        Step(
            "Let me see which images the last run wrote.",
            f"ls -la {ctx.result_dir}/ | head -20",
            "\n".join(
                f"-rw-r--r-- 1 root root {rng.randint(4000, 90000):>6} {rng.choice(['Jan', 'Feb', 'Mar'])} {rng.randint(1, 28):>2} {rng.randint(10, 23)}:{rng.randint(10, 59)} {name}{suffix}.png"
                for suffix in images
            ),
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.src}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Update baseline images",
                        "Use mpl20 style in image tests",
                        "Fix tick label formatting",
                        "Tidy imports",
                        "Merge pull request",
                        "Support colorbar extensions",
                        "Respect savefig.dpi",
                        "Deprecate old legend handles accessor",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


class Code:
    """The code the agent is changing, as its edits have left it (the looks show it as it is now)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tried: set[str] = set()

    def pick(
        self, rng: random.Random, edits: Sequence[tuple[str, str, str, list[str]]]
    ) -> tuple[str, str, str, list[str]]:
        """One of the edits that still applies (else any, which then changes nothing), applied; its thought says
        when the same idea comes round again."""
        fits = [edit for edit in edits if edit[0] in self.text and edit[1] not in self.text]
        old, new, why, kinds = rng.choice(fits or list(edits))
        self.text = self.text.replace(old, new, 1)
        seen = why in self.tried
        self.tried.add(why)
        return old, new, why + (" (trying this again)" if seen else ""), kinds


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    func: str,
    body: str | Callable[[], str],
    look_odds: float = 0.4,
) -> list[Step]:
    """The first failing steps, then attempts dealt like cards (each tried once before any comes round again), looks
    between some, until the agent gives up. An attempt's argument is how often it was tried before."""
    steps = list(first)
    tried: dict[int, int] = {}
    deck: list[int] = []
    while len(steps) < 2 * n + 8:
        if not deck:
            deck = list(range(len(attempts)))
            rng.shuffle(deck)
        pick = deck.pop()
        steps += attempts[pick](tried.get(pick, 0))
        tried[pick] = tried.get(pick, 0) + 1
        if rng.random() < look_odds:
            steps.append(look(ctx, rng, func, body() if callable(body) else body))
    return text.finish(steps, n, text.give_up(rng, what))


def again(k: int, thought: str) -> str:
    """A thought as the agent words it the first time, or when it comes back to the same idea."""
    if not k:
        return thought
    lead = ("Going back to an earlier idea: ", "Once more: ", "Trying this again, ")[k % 3]
    return lead + thought[0].lower() + thought[1:]


def grep_n(start: int, body: str, hit: int = 0) -> str:
    """`body` as `grep -n` with context prints it from line `start`: the matching line with a colon, the rest a dash."""
    return "\n".join(
        f"{start + i}{':' if i == hit else '-'}{line}" for i, line in enumerate(body.rstrip("\n").split("\n"))
    )
