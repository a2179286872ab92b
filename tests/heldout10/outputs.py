"""What the sandbox prints: test runners (pytest, Django's runtests.py), pip, git and friends.

Timings, pids, temp dirs and retry counts drift between runs of one command as they do for real;
what a test reports does not, unless the code under it changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


def sep(char: str, text: str = "", width: int = 80) -> str:
    """A pytest separator line, `text` centred."""
    if not text:
        return char * width
    side = max(1, (width - len(text) - 2) // 2)
    line = f"{char * side} {text} {char * side}"
    return line + char * (width - len(line)) if len(line) < width else line


@dataclass(frozen=True)
class Failure:
    """How one test fails: the innermost frames (path, line, function, code) and the exception."""

    frames: tuple[tuple[str, int, str, str], ...]
    exc: str  # e.g. "AssertionError: assert 3 == 4"
    detail: tuple[str, ...] = ()  # pytest's extra E lines


@dataclass
class Suite:
    """A test module and how this sandbox runs it."""

    style: str  # "pytest" or "django"
    path: str  # tests/app/tests.py or pkg/tests/test_x.py
    klass: str  # the TestCase (Django) or "" (pytest functions)
    names: list[str]
    header: str  # pytest's session header, or the Django runner's version line
    modern: bool = True  # Django 4+ prints "Found N test(s)."
    failing: dict[str, Failure] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """Django's dotted label for the module."""
        return self.path.removeprefix("tests/").removesuffix(".py").replace("/", ".")

    def node(self, name: str) -> str:
        return f"{self.path}::{self.klass}::{name}" if self.klass else f"{self.path}::{name}"

    def command(self, rng: random.Random, name: str | None = None, verbose: int = 0) -> str:
        if self.style == "django":
            target = f"{self.label}.{self.klass}.{name}" if name else self.label
            runner = rng.choice(["python tests/runtests.py", "./tests/runtests.py", "cd tests && python runtests.py"])
            flags = {0: "", 1: " -v 2", 2: " -v 3"}[verbose]
            return f"{runner} {target}{flags}"
        target = self.node(name) if name else self.path
        flags = {0: "", 1: " -v", 2: " -vv"}[verbose]
        return f"{rng.choice(['python -m pytest', 'pytest', 'python -m pytest'])} {target}{flags}"

    def run(
        self, rng: random.Random, only: list[str] | None = None, verbose: int = 0, passing: frozenset[str] = frozenset()
    ) -> tuple[int, str]:
        """The runner's output for `only` (default: the whole module); `passing` overrides failures."""
        names = only or self.names
        failed = [n for n in names if n in self.failing and n not in passing]
        if self.style == "django":
            return (1 if failed else 0), self._django(rng, names, failed, verbose)
        return (1 if failed else 0), self._pytest(rng, names, failed, verbose)

    def _pytest(self, rng: random.Random, names: list[str], failed: list[str], verbose: int) -> str:
        out = [sep("=", "test session starts"), self.header.rstrip("\n")]
        if verbose:
            out[1] = out[1].replace("\n", " -- /opt/miniconda3/envs/testbed/bin/python\ncachedir: .pytest_cache\n", 1)
        items = f"{len(names)} item{'s' if len(names) > 1 else ''}"
        out.append(f"collecting ... collected {items}" if verbose else f"collected {items}")
        out.append("")
        if verbose:
            for i, name in enumerate(names, 1):
                status = "FAILED" if name in failed else "PASSED"
                left = f"{self.node(name)} {status}"
                pct = f"[{i * 100 // len(names):3d}%]"
                out.append(left + " " * max(1, 80 - len(left) - len(pct)) + pct)
        else:
            marks = "".join("F" if n in failed else "." for n in names)
            first = 80 - len(self.path) - 8
            chunks = [marks[:first]] + [marks[i : i + 72] for i in range(first, len(marks), 72)]
            done = 0
            for j, chunk in enumerate(chunks):
                done += len(chunk)
                lead = f"{self.path} " if j == 0 else ""
                pct = f"[{done * 100 // len(names):3d}%]"
                out.append(lead + chunk + " " * max(1, 80 - len(lead) - len(chunk) - len(pct)) + pct)
        out.append("")
        if failed:
            out.append(sep("=", "FAILURES"))
            for name in failed:
                out.append(sep("_", f"{self.klass}.{name}" if self.klass else name))
                out.append("")
                out.extend(self._pytest_frames(name, verbose))
            out.append(sep("=", "short test summary info"))
            out.extend(f"FAILED {self.node(n)} - {self.failing[n].exc}" for n in failed)
        took = f"{rng.uniform(0.08, 0.4) * len(names) ** 0.5:.2f}s"
        passed = len(names) - len(failed)
        summary = ", ".join(
            x for x in (f"{len(failed)} failed" if failed else "", f"{passed} passed" if passed else "") if x
        )
        out.append(sep("=", f"{summary} in {took}"))
        return "\n".join(out) + "\n"

    def _pytest_frames(self, name: str, verbose: int) -> list[str]:
        failure = self.failing[name]
        out: list[str] = []
        for k, (path, line, func, code) in enumerate(failure.frames):
            last = k == len(failure.frames) - 1
            if k == 0:
                out.append(f"    def {func}({'self' if self.klass else ''}):")
            out.append(f">       {code.strip()}")
            if last:
                out.extend(f"E       {x}" for x in (failure.exc, *(failure.detail if verbose else failure.detail[:2])))
            out.append("")
            out.append(f"{path}:{line}: {failure.exc.split(':')[0] if last else ''}".rstrip())
            if not last:
                out.append("_ " * 40)
        return out

    def _django(self, rng: random.Random, names: list[str], failed: list[str], verbose: int) -> str:
        out: list[str] = []
        if verbose:
            for name in names:
                out.append(f"{name} ({self.label}.{self.klass}) ... {'FAIL' if name in failed else 'ok'}")
        else:
            out.append("".join("F" if n in failed else "." for n in names))
        for name in failed:
            failure = self.failing[name]
            out += [
                sep("=", width=70),
                f"FAIL: {name} ({self.label}.{self.klass})",
                "-" * 70,
                "Traceback (most recent call last):",
            ]
            for path, line, func, code in failure.frames:
                out += [f'  File "/testbed/{path}", line {line}, in {func}', f"    {code.strip()}"]
            out += [failure.exc, ""]
        out += [
            "-" * 70,
            f"Ran {len(names)} test{'s' if len(names) > 1 else ''} in {rng.uniform(0.01, 0.09) * len(names) ** 0.5:.3f}s",
            "",
        ]
        out.append(f"FAILED (failures={len(failed)})" if failed else "OK")
        out.append(
            f"Testing against Django installed in '/testbed/django' with up to {rng.choice([4, 8, 8, 16])} processes"
        )
        if self.modern:
            out.append(f"Found {len(names)} test(s).")
        out.append("System check identified no issues (0 silenced).")
        return "\n".join(out) + "\n"


def pip_offline(package: str, rng: random.Random, index: str = "https://pypi.org/simple") -> str:
    """pip in a sandbox without network: five retries, then no distribution."""
    host = index.split("/")[2]
    name = package.split("=")[0].split("<")[0].split(">")[0].strip("'\"")
    cause = rng.choice(
        [
            f"NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f{rng.randrange(16**10):010x}>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution')",
            f"NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f{rng.randrange(16**10):010x}>: Failed to establish a new connection: [Errno 101] Network is unreachable')",
        ]
    )
    lines = [
        f"WARNING: Retrying (Retry(total={4 - i}, connect=None, read=None, redirect=None, status=None)) after connection broken by '{cause}': /{index.split('/', 3)[3] if index.count('/') > 2 else 'simple'}/{name.lower()}/"
        for i in range(5)
    ]
    return (
        (f"Looking in indexes: {index}\n" if host != "pypi.org" else "")
        + "\n".join(lines)
        + f"\nERROR: Could not find a version that satisfies the requirement {package.strip(chr(39))} (from versions: none)\nERROR: No matching distribution found for {package.strip(chr(39))}\n"
    )


def git_offline(url: str) -> str:
    host = url.split("/")[2] if "://" in url else url.split("@")[-1].split(":")[0]
    return f"fatal: unable to access '{url}': Could not resolve host: {host}\n"
