"""What an episode knows of the run it is spliced into: its files, its tests, its sandbox."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from heldout10.outputs import Failure, Suite
from heldout10.runs import PACKAGES, Dev, Run, sandbox


def camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_.]", name) if part)


def pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


@dataclass
class Ctx:
    run: Run
    dev: Dev
    rng: random.Random
    python: str
    source: str
    suite: Suite
    ident: str

    @property
    def repo(self) -> str:
        return self.run.repo

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}/site-packages"

    @property
    def extension(self) -> str:
        """The C extension next to the module the task is about, as setup.py names it."""
        module = self.source.removeprefix("lib/").removeprefix("src/").removesuffix(".py").replace("/", ".")
        head, _, tail = module.rpartition(".")
        return f"{head}._{tail.lstrip('_')}_c"

    @property
    def extension_c(self) -> str:
        return self.source.rsplit("/", 1)[0] + "/src/" + self.extension.rsplit(".", 1)[1] + ".c"

    @property
    def extension_o(self) -> str:
        return self.extension_c.removesuffix(".c") + ".o"

    @property
    def python_tag(self) -> str:
        return "3" + self.python.split(".")[1]

    def files(self) -> dict[str, str]:
        return self.dev.files.get(self.repo, {})

    def failure(self, name: str, kind: int | None = None) -> Failure:
        """A failure of test `name` that stays the same for the whole session."""
        rng = self.rng
        ident = self.ident
        kind = rng.randrange(4) if kind is None else kind
        line = rng.randint(40, 1900)
        django = self.suite.style == "django"
        call = f"result = {ident}({pick(rng, 'value', 'obj', 'data', 'instance')})"
        frames: list[tuple[str, int, str, str]] = [
            (
                self.suite.path,
                line,
                name,
                "self.assertEqual(result, expected)" if django else "assert result == expected",
            )
        ]
        detail: tuple[str, ...] = ()
        if kind == 0:
            got, want = rng.sample(
                [f"'{ident}'", "None", "[]", "()", "0", "1", "{}", "2", "[1, 2]", "(1,)", "'x'", "''", "True", "False"],
                2,
            )
            exc = f"AssertionError: {got} != {want}" if django else f"AssertionError: assert {got} == {want}"
            detail = () if django else (f"  +{got}", f"  -{want}")
        else:
            src_line = rng.randint(60, 2400)
            frames[0] = (self.suite.path, line, name, call)
            what = {
                1: (
                    f"return value.{pick(rng, 'name', 'args', 'items', 'model', 'shape')}",
                    "AttributeError: 'NoneType' object has no attribute '%s'",
                ),
                2: ("for item in value:", "TypeError: '%s' object is not iterable"),
                3: ("raise ValueError(msg)", "ValueError: %s"),
            }[kind]
            code, template = what
            arg = {
                1: code.split(".")[-1],
                2: pick(rng, "int", "NoneType", "generator"),
                3: f"{ident} received an invalid {pick(rng, 'argument', 'shape', 'value')}",
            }[kind]
            frames.append((self.source, src_line, ident, code))
            exc = template % arg
        return Failure(tuple(frames), exc, detail)


def _suite_path(run: Run, source: str) -> str:
    for path in run.tests:
        if path.endswith(".py") and not path.endswith(("runtests.py", "__init__.py", "conftest.py")):
            return path
    base = source.rsplit("/", 1)[-1].lstrip("_")
    if run.repo == "django":
        app = source.split("/")[-2] if source.count("/") > 1 else "utils"
        return f"tests/{app}_tests/test_{base}" if app in ("auth", "admin") else f"tests/{app}/tests.py"
    if run.repo == "pytest-dev":
        return f"testing/test_{base}"
    return f"{source.rsplit('/', 1)[0]}/tests/test_{base}"


def context(run: Run, dev: Dev, rng: random.Random, size: tuple[int, int] = (14, 48)) -> Ctx:
    python, header = sandbox(run, dev)
    package = PACKAGES.get(run.repo, "")
    source = run.sources[0] if run.sources else f"{package}core.py"
    path = _suite_path(run, source)
    django = run.repo == "django"
    if django and "envs/testbed/lib/python3" not in run.texts:
        python = "3.6" if run.number < 14000 else "3.9" if run.number < 16500 else "3.11"
    ident = rng.choice(run.idents()[:3])
    names = dev.test_names.get(run.repo, []) or [f"test_{ident.lower()}_{i}" for i in range(60)]
    count = min(len(names), rng.randint(*size))
    chosen = rng.sample(names, count)
    own = f"test_{re.sub(r'(?<!^)(?=[A-Z])', '_', ident).lower()}_{pick(rng, 'regression', 'issue', 'nested', 'roundtrip', 'edge_case', 'default')}"
    chosen.insert(rng.randrange(len(chosen) + 1), own)
    classes = re.findall(r"class (\w+(?:Tests?|TestCase))\(", run.texts)
    klass = rng.choice(classes) if classes else (f"{camel(ident)}Tests" if django else "")
    suite = Suite("django" if django else "pytest", path, klass, chosen, header, modern=run.number >= 14400)
    return Ctx(run, dev, rng, python, source, suite, ident)


def own_test(ctx: Ctx) -> str:
    """The test the episode is about (the agent's regression test)."""
    return next(n for n in ctx.suite.names if re.search(r"_(regression|issue|nested|roundtrip|edge_case|default)$", n))


def view(text: str, start: int, end: int, numbered: bool) -> str:
    lines = text.split("\n")[start - 1 : end]
    if numbered:
        return "".join(f"{start + i:6d}\t{line}\n" for i, line in enumerate(lines))
    return "".join(f"{line}\n" for line in lines)


def grep(text: str, pattern: str, after: int = 0, path: str | None = None) -> str:
    """`grep -n [-A after] pattern` over one file; with `path`, each line is prefixed as for several files."""
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if pattern in line]
    out: list[str] = []
    printed = -1
    for i in hits:
        low, high = max(i, printed + 1), min(len(lines) - 1, i + after)
        if after and out and low > printed + 1:
            out.append("--")
        for j in range(low, high + 1):
            mark = ":" if pattern in lines[j] else "-"
            out.append(f"{path + mark if path else ''}{j + 1}{mark}{lines[j]}")
        printed = max(printed, high)
    return "".join(x + "\n" for x in out)
