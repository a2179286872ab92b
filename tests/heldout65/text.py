# ruff: noqa: E501
"""Names the families' steps use (the settings code the agent changes, its keys and env vars), and the test runs they print."""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_LOADERS = (
    "load_{}_config",
    "_read_{}_settings",
    "{}_options",
    "_resolve_{}_config",
    "get_{}_settings",
    "_merged_{}_options",
)
# Each project's settings as its users spell them: a boolean, a count, a string and a list.
_KEYS = {
    "django": ("DEBUG", "CONN_MAX_AGE", "TIME_ZONE", "ALLOWED_HOSTS"),
    "pallets": ("TESTING", "MAX_CONTENT_LENGTH", "SERVER_NAME", "TRUSTED_HOSTS"),
    "matplotlib": ("axes.grid", "figure.dpi", "backend", "font.family"),
    "astropy": ("unicode_output", "max_lines", "dataurl", "enabled_units"),
    "sphinx-doc": ("nitpicky", "tab_width", "html_theme", "extensions"),
    "scikit-learn": ("assume_finite", "working_memory", "display", "skip_checks"),
    "pydata": ("keep_attrs", "display_width", "display_style", "engines"),
    "sympy": ("use_unicode", "cache_size", "ground_types", "printers"),
    "pylint-dev": ("persistent", "jobs", "output_format", "load_plugins"),
    "pytest-dev": ("xfail_strict", "maxfail", "log_level", "testpaths"),
    "psf": ("trust_env", "max_retries", "ca_bundle", "no_proxy"),
    "mwaskom": ("despine", "n_colors", "style", "palettes"),
}
_DEFAULT_KEYS = ("debug", "timeout", "cache_dir", "plugins")
_PREFIXES = {
    "django": "DJANGO_",
    "pallets": "FLASK_",
    "matplotlib": "MPL_",
    "astropy": "ASTROPY_",
    "sphinx-doc": "SPHINX_",
    "scikit-learn": "SKLEARN_",
    "pydata": "XARRAY_",
    "sympy": "SYMPY_",
    "pylint-dev": "PYLINT_",
    "pytest-dev": "PYTEST_",
    "psf": "REQUESTS_",
    "mwaskom": "SEABORN_",
}

Attempt = text.Attempt
# pytest's flags as the agent spells them for Django's runner (what has no counterpart is dropped).
_DJANGO_FLAGS = {
    "-x": "--failfast",
    "-q": "",
    "-vv": "-v 2",
    "-v": "-v 2",
    "-s": "",
    "-p": "",
    "no:cacheprovider": "",
    "no:randomly": "",
}
_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IS = re.compile(r"^assert (.+?) is (.+)$")
_RAISES = re.compile(r"^with pytest\.raises\((\w+), match=('[^']*')\):$")


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
    raises = _RAISES.match(code)
    if raises:
        return f"with self.assertRaisesMessage({raises.group(1)}, {raises.group(2)}):"
    if code.startswith("with pytest.raises("):
        return code.replace("pytest.raises(", "self.assertRaises(", 1)
    for pattern, method in ((_ASSERT_EQ, "assertEqual"), (_ASSERT_IS, "assertIs")):
        found = pattern.match(code)
        if found:
            return f"self.{method}({found.group(1)}, {found.group(2)})"
    return code


def unittest_error(error: str) -> str:
    """An error as unittest prints it, where pytest would print its assertion rewriting."""
    first = error.split("\n")[0]
    if first.startswith("Failed: DID NOT RAISE <class '"):
        return f"AssertionError: {first.split(chr(39))[1]} not raised"
    if first.startswith("AssertionError: assert "):
        body = first.removeprefix("AssertionError: assert ")
        for sep, shown in ((" == ", " != "), (" is ", " is not ")):
            if sep in body:
                left, right = body.split(sep, 1)
                return f"AssertionError: {left}{shown}{right}"
    return first


@dataclass
class Fail:
    """One failing test: its name, the error, the test's line that failed, the (function, line) frames below it."""

    name: str
    error: str
    code: str = ""
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its settings loader, its setting names and its env prefix."""

    @property
    def _pick(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def loader(self) -> str:
        return _LOADERS[self._pick % len(_LOADERS)].format(self.stem)

    @property
    def keys(self) -> tuple[str, str, str, str]:
        """The (boolean, count, string, list) settings of this project."""
        return _KEYS.get(self.run.owner, _DEFAULT_KEYS)

    @property
    def prefix(self) -> str:
        return _PREFIXES.get(self.run.owner, self.run.module.upper() + "_")

    def env(self, key: str) -> str:
        """The environment variable that overrides `key`."""
        return self.prefix + key.upper().replace(".", "_").removeprefix(self.prefix)

    @property
    def conf_module(self) -> str:
        """The module holding the settings object, next to the changed source."""
        return self.source.rsplit("/", 1)[0] + "/conf.py"

    @property
    def conf_dotted(self) -> str:
        return self.dotted.rsplit(".", 1)[0] + ".conf"

    def data(self, ext: str) -> str:
        """The config file the tests read, in the test data directory."""
        where = f"tests/{self.stem}_tests" if self.django else self.tests_dir
        return f"{where}/data/{self.stem}.{ext}"

    def case(self, rng: random.Random, cases: Sequence[str]) -> str:
        return f"test_{self.stem}_{rng.choice(cases)}"

    @property
    def test_file(self) -> str:
        return f"tests/{self.stem}_tests/tests.py" if self.django else super().test_file

    def tests(self, target: str = "", extra: str = "") -> str:
        """The agent's command to run the tests (of `target`, or the module it changed)."""
        if self.django:
            path, _, name = target.partition("::")
            label = path.replace("/", ".").removesuffix(".py").removeprefix("tests.") if path else f"{self.stem}_tests"
            label += f".{self.cls}Tests.{name.split('[')[0]}" if name else ""
            flags = extra.split(" 2>&1")[0]
            rest = extra[len(flags) :]
            flags = " ".join(_DJANGO_FLAGS.get(flag, "") for flag in flags.split()).strip()
            return f"cd tests && python runtests.py {label}{' ' + flags if flags else ''}{rest}"
        return f"python -m pytest {target or self.test_file}{extra}"


def run_output(ctx: Ctx, rng: random.Random, target: str, passed: int, failing: Sequence[Fail]) -> str:
    """A test run with `failing` failing, as pytest or Django's runner prints it."""
    default = f"cfg = {ctx.loader}()"
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + [("F" if f.error.startswith(("AssertionError", "Failed")) else "E") for f in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in failing:
            kind = "FAIL" if fail.error.startswith(("AssertionError", "Failed")) else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {unittest_code(fail.code or default)}",
            ]
            for func, code in fail.frames:
                lines += [f'  File "/testbed/{ctx.source}", line {rng.randint(20, 800)}, in {func}', f"    {code}"]
            lines += [unittest_error(fail.error), ""]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} test{'s' if total != 1 else ''} in {rng.uniform(0.02, 4.0):.3f}s", ""]
        fails = sum(f.error.startswith(("AssertionError", "Failed")) for f in failing)
        parts = [f"failures={fails}"] if fails else []
        parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
        lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1]
    failures = []
    for fail in failing:
        body = [
            f"    def {fail.name.split('[')[0]}({'value, expected, ' if '[' in fail.name else ''}{rng.choice(['monkeypatch', 'tmp_path, monkeypatch', 'tmp_path', ''])}):".replace(
                ", )", ")"
            ),
            f">       {fail.code or default}",
            "",
        ]
        for func, code in fail.frames:
            body += [f"{ctx.source}:{rng.randint(20, 800)}: in {func}", f"    {code}"]
        head = fail.error.split(":")[0]
        body += [f"E       {fail.error}", "", f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {head}"]
        failures.append((fail.name, body, fail.error))
    return text.pytest_output(ctx, rng, shown, passed, failures)


_PROGRESS = re.compile(r"^\S+ ([.FE]+) *\[100%\]$")


def quiet(out: str) -> str:
    """pytest's output under -q: no header, bare progress marks, the summary without its rule."""
    lines = out.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("collected ")) + 2
    kept = []
    for line in lines[start:]:
        progress = _PROGRESS.match(line)
        if progress:
            line = f"{progress.group(1):<74}[100%]"
        kept.append(line)
    kept[-1] = kept[-1].strip("= ")
    return "\n".join(kept)


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: Sequence[Fail], extra: str = ""
) -> Step:
    """A run of `target`: a single test's node id runs that test alone, so only its own failure shows."""
    unique = list({f.name: f for f in failing}.values())
    if "-x" in extra.split():  # pytest stops at the first failure
        unique = unique[:1]
    path, _, node = target.split(" ")[0].partition("::")
    # The same file holds the same tests each run: its size is fixed per run and file, a -k run a share of it.
    size = 8 + zlib.crc32(f"{ctx.run.session}:{path or ctx.test_file}".encode()) % 48
    if node:
        node = node.split("[")[0]
        unique = [f for f in unique if f.name.split("[")[0] == node]
        passed = 0 if unique else 1
    else:
        passed = max(0, (size if " -k " not in target else 3 + size // 6) - len(unique))
    out = run_output(ctx, rng, target or ctx.test_file, passed, unique)
    if " -k " in target and not ctx.django:
        chosen = passed + len(unique)
        out = out.replace(
            f"collected {chosen} item{'s' if chosen != 1 else ''}\n",
            f"collected {size} items / {size - chosen} deselected / {chosen} selected\n",
            1,
        )
    return Step(
        thought,
        ctx.tests(target, extra),
        quiet(out) if "-q" in extra.split() and not ctx.django else out,
        rc=1 if unique else 0,
        seconds=rng.uniform(0.5, 9.0),
    )
