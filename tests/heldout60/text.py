# ruff: noqa: E501
"""Names the families' steps use (the pattern, tokenizer and parser the agent changes, the project's words), and the test runs they print."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_PATTERNS = ("_{U}_RE", "{U}_PATTERN", "_{s}_re", "_{U}_REGEX", "{U}_RE")
_LEXERS = ("_tokenize_{}", "tokenize_{}", "_lex_{}", "_{}_tokens", "_scan_{}")
_PARSERS = ("_parse_{}_expr", "parse_{}", "_{}_expression", "compile_{}_expr", "_parse_{}")
# Identifiers as each project's strings spell them: fields and lookups, symbols, builders, markers, units.
_WORDS = {
    "django": ["author", "pub_date", "price", "rating", "name", "book_set", "created", "is_active", "slug", "pk"],
    "sympy": ["x", "y", "z", "n", "alpha", "beta", "k", "t", "theta", "omega"],
    "sphinx-doc": ["html", "latex", "epub", "man", "text", "singlehtml", "texinfo", "format_html", "builder_epub"],
    "pytest-dev": ["slow", "network", "foo", "bar", "smoke", "integration", "windows", "test_login", "db"],
    "pylint-dev": ["unused_import", "no_member", "fixme", "too_many_args", "line_too_long", "invalid_name"],
    "astropy": ["km", "s", "Mpc", "erg", "cm", "Hz", "Jy", "deg", "arcsec", "yr"],
    "matplotlib": ["alpha", "beta", "x", "y", "i", "n", "theta", "omega", "sigma", "mu"],
    "scikit-learn": ["clf", "C", "alpha", "scaler", "l1_ratio", "n_estimators", "max_depth", "gamma"],
    "pydata": ["time", "lat", "lon", "x", "y", "band", "level", "station", "depth"],
}
_DEFAULT_WORDS = ["foo", "bar", "value", "name", "key", "item", "count", "data", "limit", "offset"]
# Functions whose calls nest in the strings each project parses.
_FUNCS = {
    "django": ["COALESCE", "SUM", "LOWER", "UPPER", "AVG", "CAST", "NULLIF", "MAX"],
    "sympy": ["sin", "cos", "exp", "log", "Max", "Min", "sqrt", "Abs"],
    "sphinx-doc": ["Optional", "List", "Dict", "Union", "Tuple", "Callable", "Sequence", "Mapping"],
    "matplotlib": ["rgba", "Affine2D", "scale", "translate", "rotate", "Path", "blended", "offset"],
    "astropy": ["log", "exp", "sqrt", "mag", "dex", "dB", "pow", "Quantity"],
    "scikit-learn": ["Pipeline", "StandardScaler", "LogisticRegression", "SVC", "PCA", "GridSearchCV"],
}
_DEFAULT_FUNCS = ["wrap", "call", "apply", "get", "parse", "join", "coerce", "lookup"]
_BOOL_OWNERS = {"pytest-dev", "sphinx-doc", "pylint-dev"}

Attempt = text.Attempt
# pytest's flags as the agent spells them for Django's runner (what has no counterpart is dropped).
_DJANGO_FLAGS = {"-x": "--failfast", "-q": "", "-vv": "-v 2", "-v": "-v 2", "-s": "", "-p": "", "no:cacheprovider": ""}
_PROGRESS = re.compile(r"^(\S+) (\S*)\s*(\[\s*\d+%\])$")
_ASSERT_EQ = re.compile(r"^assert (.+?) == (.+)$")
_ASSERT_IS = re.compile(r"^assert (.+?) is (.+)$")


def unittest_code(code: str) -> str:
    """A test's line as a Django TestCase writes it."""
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
    code: str
    frames: Sequence[tuple[str, str]] = field(default_factory=tuple)


def _pick(names: Sequence[str], session: str, salt: int) -> str:
    return names[(sum(map(ord, session)) + salt) % len(names)]


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with its pattern, tokenizer and parser names and its project's words."""

    @property
    def regex(self) -> str:
        return _pick(_PATTERNS, self.run.session, 0).replace("{U}", self.stem.upper()).replace("{s}", self.stem)

    @property
    def lexer(self) -> str:
        return _pick(_LEXERS, self.run.session, 1).format(self.stem)

    @property
    def parser(self) -> str:
        return _pick(_PARSERS, self.run.session, 2).format(self.stem)

    @property
    def words(self) -> list[str]:
        return _WORDS.get(self.run.owner, _DEFAULT_WORDS)

    @property
    def funcs(self) -> list[str]:
        return _FUNCS.get(self.run.owner, _DEFAULT_FUNCS)

    @property
    def boolean(self) -> bool:
        """Whether the project's expressions are boolean (keyword and marker expressions) rather than arithmetic."""
        return self.run.owner in _BOOL_OWNERS

    def pick(self, rng: random.Random, k: int) -> list[str]:
        return rng.sample(self.words, k)

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
    if ctx.django:
        lines = [f"Testing against Django installed in '/testbed/django' with up to {rng.randint(4, 16)} processes"]
        lines += [
            "Creating test database for alias 'default'...",
            "System check identified no issues (0 silenced).",
            "",
        ]
        marks = ["."] * passed + [("F" if f.error.startswith("AssertionError") else "E") for f in failing]
        rng.shuffle(marks)
        lines.append("".join(marks))
        for fail in failing:
            kind = "FAIL" if fail.error.startswith("AssertionError") else "ERROR"
            lines += [
                "=" * 70,
                f"{kind}: {fail.name} ({ctx.stem}_tests.tests.{ctx.cls}Tests.{fail.name})",
                "-" * 70,
                "Traceback (most recent call last):",
                f'  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(30, 900)}, in {fail.name}',
                f"    {unittest_code(fail.code)}",
            ]
            for func, code in fail.frames:
                lines += [f'  File "/testbed/{ctx.source}", line {rng.randint(20, 800)}, in {func}', f"    {code}"]
            lines += [unittest_error(fail.error), ""]
        total = passed + len(failing)
        lines += ["-" * 70, f"Ran {total} test{'s' if total != 1 else ''} in {rng.uniform(0.02, 4.0):.3f}s", ""]
        fails = sum(f.error.startswith("AssertionError") for f in failing)
        parts = [f"failures={fails}"] if fails else []
        parts += [f"errors={len(failing) - fails}"] if len(failing) - fails else []
        lines.append(f"FAILED ({', '.join(parts)})" if failing else "OK")
        lines.append("Destroying test database for alias 'default'...")
        return "\n".join(lines)
    shown = target.split(" ")[0]
    shown = shown if len(shown.split("::")[0]) < 66 else shown.rsplit("/", 1)[-1]
    failures = []
    for fail in failing:
        body = [f"    def {fail.name}():", f">       {fail.code}", ""]
        for func, code in fail.frames:
            body += [f"{ctx.source}:{rng.randint(20, 800)}: in {func}", f"    {code}"]
        head = fail.error.split(":")[0]
        body += [f"E       {fail.error}", "", f"{shown.split('::')[0]}:{rng.randint(20, 700)}: {head}"]
        failures.append((fail.name, body, fail.error))
    return text.pytest_output(ctx, rng, shown, passed, failures)


def collected(ctx: Ctx, target: str) -> int:
    """How many tests `target` holds: one test, or the module's (the same count every run of one session)."""
    if "::" in target:
        return 1
    return 14 + sum(map(ord, ctx.run.session)) % 35


def test_step(
    ctx: Ctx, rng: random.Random, thought: str, target: str, failing: Sequence[Fail], extra: str = ""
) -> Step:
    if "::" in target:  # only that test runs
        failing = [f for f in failing if f.name == target.split("::")[1].split(" ")[0]]
    total = collected(ctx, target)
    if " -x" in extra and failing and not ctx.django:  # pytest stops at the first failure
        failing = failing[:1]
        out = failfast(run_output(ctx, rng, target or ctx.test_file, rng.randint(0, total - 1), failing), total)
    else:
        out = run_output(ctx, rng, target or ctx.test_file, max(total - len(failing), 0), failing)
    if " -q" in extra and not ctx.django:
        out = quiet(out)
    return Step(thought, ctx.tests(target, extra), out, rc=1 if failing else 0, seconds=rng.uniform(0.5, 9.0))


def failfast(out: str, total: int) -> str:
    """pytest's output under `-x`: the marks up to the first failure, where it stopped, and the stop line."""
    lines = out.split("\n")
    at = next(i for i, line in enumerate(lines) if line.endswith("[100%]"))
    head, _, _ = lines[at].partition(" ")
    passed = int(lines[-1].split(" passed")[0].rsplit(" ", 1)[-1]) if " passed" in lines[-1] else 0
    marks = "." * passed + "F"
    lines[at] = f"{head} {marks:<{70 - len(head)}}[{round(100 * (passed + 1) / total):>3}%]"
    lines.insert(len(lines) - 1, f"{'!' * 26} stopping after 1 failures {'!' * 27}")
    lines = [f"collected {total} items" if line.startswith("collected ") else line for line in lines]
    return "\n".join(lines)


def quiet(out: str) -> str:
    """pytest's output as `-q` prints it: no header, the progress marks without the file, the summary unpadded."""
    lines = out.split("\n")[5:]
    found = _PROGRESS.match(lines[0])
    if found:
        lines[0] = f"{found.group(2):<{80 - len(found.group(3))}}{found.group(3)}"
    lines[-1] = lines[-1].strip("= ")
    return "\n".join(lines)


def py_edits(path: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Several snippets of one file changed by one script, as the agent writes it."""
    replaces = "".join(f"s = s.replace({old!r}, {new!r}, 1)\n" for old, new in pairs)
    return f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\n{replaces}open(p, 'w').write(s)\nprint('patched')\nEOF"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def look(ctx: Ctx, rng: random.Random, func: str, body: str) -> Step:
    """A look between attempts: the tree, the diff, the changed code, its callers, a test, the history."""
    line = rng.randint(30, 700)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
    hunk = (
        "\n".join(f" {row}" for row in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {row}" for row in lines[k + 1 : k + 3])
    )
    case = f"test_{ctx.stem}_{rng.choice(['basic', 'empty', 'nested', 'long_input', 'unicode', 'whitespace', 'roundtrip'])}"
    sample = rng.choice(ctx.words)
    added, removed = rng.randint(2, 14), rng.randint(1, 8)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + rng.choice(["", f" M {ctx.test_file}\n", "?? reproduce.py\n", "?? check_regex.py\n", "?? /tmp/tok.py\n"]),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},{rng.randint(5, 9)} +{line},{rng.randint(6, 12)} @@ {lines[0]}\n{hunk}\n",
        ),
        Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            f" {ctx.source} | {added + removed} {'+' * added}{'-' * removed}\n 1 file changed, {added} insertion{'s' if added > 1 else ''}(+), {removed} deletion{'s' if removed > 1 else ''}(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 4])}p' {ctx.source}",
            body,
        ),
        Step(
            f"Let me see where {func} is used.",
            rng.choice(
                [
                    f"grep -rn '{func}' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'parse', 'loader', 'options', 'core'])}.py:{rng.randint(10, 900)}:    {rng.choice(['result', 'tokens', 'match', 'value', 'expr'])} = {func}({rng.choice(['text', 'value', 'line', 'self.source', 'spec'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at one of the tests again.",
            f"grep -n -A5 'def {case}' {ctx.test_file}",
            f"{line}:    def {case}(self):\n{line + 1}-        value = {sample!r}\n{line + 2}-        result = {func}(value)\n{line + 3}-        {unittest_code('assert result == expected')}\n"
            if ctx.django
            else f"{line}:def {case}():\n{line + 1}-    value = {sample!r}\n{line + 2}-    result = {func}(value)\n{line + 3}-    assert result == expected\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {ctx.source}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Fix parsing of quoted values",
                        "Refactor helpers",
                        "Merge pull request",
                        "Precompile regular expressions",
                        "Tidy imports",
                        "Support nested expressions",
                        "Use raw strings for patterns",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    func: str,
    body: str | Callable[[], str],
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up.

    `body` is the code the looks show, or what gives it as the attempts have left it.
    """
    looker: Callable[[], Step] = lambda: look(ctx, rng, func, body if isinstance(body, str) else body())  # noqa: E731
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.4)
