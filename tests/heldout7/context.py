"""A spliced session's world: the real run it continues, the files that run read, the test it would run,
the error its task reports; and the steps an agent takes in it (read, grep, edit, run, diff), each with
the output that world gives back. Files read the same until edited; run outputs drift."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache

from . import drift, testruns
from .runs import Run, runs
from .shell import Step, step
from .sources import Lines, blocks, is_test, repo_files, seen_in
from .testruns import Failure

_ERROR = re.compile(r"^\s*((?:\w+\.)*\w*(?:Error|Exception|Warning)): (.{8,160})$", re.M)
_TEST_PATH = re.compile(r"(?<![\w/.])((?:[\w]+/)*tests?/(?:[\w]+/)*(?:test_\w+|tests)\.py)")
_IDENT = re.compile(r"`?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b`?")
_CODE = re.compile(r"^\s+(?:[\w.\[\]]+ = |return |if |elif |for |raise |[\w.]+\()")
SCRIPTS = ("reproduce_issue.py", "reproduce.py", "repro.py", "reproduce_bug.py", "test_repro.py")


def pick(rng: random.Random, options: tuple[str, ...] | list[str], **fields: object) -> str:
    return rng.choice(options).format(**fields)


@dataclass
class Ctx:
    run: Run
    k: int
    rng: random.Random
    files: dict[str, Lines] = field(default_factory=dict)
    original: dict[str, Lines] = field(default_factory=dict)
    focus: str = ""
    tests: list[str] = field(default_factory=list)
    test_path: str = ""
    error: str = ""
    script: str = ""
    seen: set[str] = field(default_factory=set)  # files the real run read before the splice
    fail_at: tuple[int, str] = (0, "")  # where the task's bug raises, in the focus file

    @classmethod
    def of(cls, run: Run, k: int, rng: random.Random) -> Ctx:
        ctx = cls(run, k, rng)
        own = seen_in(run, k)
        ctx.seen = set(own)
        known = {**repo_files(run.repo), **own}
        ctx.files = {path: dict(lines) for path, lines in known.items() if blocks(lines, 12)}
        ctx.original = {path: dict(lines) for path, lines in ctx.files.items()}
        sources = [p for p in ctx.files if not is_test(p) and p.endswith(".py")]
        mine = [p for p in sources if p in own] or sorted(
            sources, key=lambda p: -sum(w in run.task for w in p.split("/"))
        )
        ctx.focus = mine[0]
        found = _ERROR.search(run.task)
        ctx.error = f"{found.group(1)}: {found.group(2).strip()}" if found else ""
        text = "\n".join(str(m["content"]) for m in run.messages[-1])
        paths = [p for p in _TEST_PATH.findall(text) if not p.startswith(("test_repro", "reproduce"))]
        ctx.test_path = paths[0] if paths else _nearest_test(run.repo, ctx.focus)
        pr = run.task.split("</pr_description>")[0]
        words = [w for w in _IDENT.findall(pr) if len(w) < 40][:6] or ctx.names()[:3] or ["issue"]
        suffixes = ("", "_regression", "_edge_case", "_empty", "_roundtrip", "_none", "_default")
        ctx.tests = list(dict.fromkeys(f"test_{w}{rng.choice(suffixes)}" for w in words))
        ctx.script = rng.choice(SCRIPTS)
        ctx.fail_at = ctx.code_line()
        if not ctx.error:
            name = ctx.function_at(ctx.fail_at[0])
            options = (
                "AssertionError: {n}() returned None",
                "AssertionError: unexpected result from {n}()",
                "AssertionError: expected {n} to handle this case",
            )
            ctx.error = pick(rng, options, n=name)
        return ctx

    # -- what the world looks like -------------------------------------------------------------
    def names(self) -> list[str]:
        return [m.group(1) for t in self.files[self.focus].values() if (m := re.match(r"\s*def (\w+)\(", t))]

    def code_line(self, path: str | None = None) -> tuple[int, str]:
        """A line of real code in `path` (an assignment, call or return), and its number."""
        lines = self.files[path or self.focus]
        good = [n for n, t in lines.items() if _CODE.match(t) and len(t.strip()) > 12 and _whole(t)]
        return (n := self.rng.choice(good or sorted(lines))), lines[n]

    def function_at(self, number: int, path: str | None = None) -> str:
        lines = self.files[path or self.focus]
        for n in range(number, min(lines) - 1, -1):
            if n in lines and (m := re.match(r"\s*def (\w+)\(", lines[n])):
                return m.group(1)
        return (self.names() or ["__call__"])[0]

    def window(self, path: str, size: int = 40) -> tuple[int, int]:
        first, last = self.rng.choice(blocks(self.files[path], 12))
        start = self.rng.randint(first, max(first, last - size // 2))
        return start, min(last, start + self.rng.randint(size // 2, size))

    def other_files(self) -> list[str]:
        return [p for p in self.files if p != self.focus and p.endswith(".py") and not is_test(p)]

    def error_line(self) -> str:
        """The task's own error when its description shows one, else a failed check of the result."""
        return self.error

    # -- steps ---------------------------------------------------------------------------------
    def read(self, thought: str, path: str, span: tuple[int, int] | None = None, form: int | None = None) -> Step:
        a, b = span or self.window(path)
        lines = self.files[path]
        shown = [n for n in range(a, b + 1) if n in lines]
        form = self.rng.randrange(4) if form is None else form
        if form == 0:
            command, out = f"nl -ba {path} | sed -n '{a},{b}p'", [f"{n:6d}\t{lines[n]}" for n in shown]
        elif form == 1:
            command, out = f"sed -n '{a},{b}p' {path}", [lines[n] for n in shown]
        elif form == 2:
            command, out = f"cat -n {path} | sed -n '{a},{b}p'", [f"{n:6d}\t{lines[n]}" for n in shown]
        else:
            command, out = f"awk 'NR>={a} && NR<={b}' {path}", [lines[n] for n in shown]
        return step(thought, command, 0, "\n".join(out))

    def grep(self, thought: str, word: str, path: str | None = None) -> Step:
        paths = [path] if path else [p for p in self.files if p.split("/")[0] == self.focus.split("/")[0]]
        rows = []
        for p in paths:
            for n in sorted(self.files[p]):
                if word in self.files[p][n]:
                    rows.append(f"{n}:{self.files[p][n]}" if path else f"{p}:{n}:{self.files[p][n]}")
        where = path or self.focus.split("/")[0] + "/"
        command = f'grep -n "{word}" {path}' if path else f'grep -rn "{word}" {where}'
        return step(thought, command, 0 if rows else 1, "\n".join(rows))

    def edit(self, thought: str, number: int, new: str, path: str | None = None, style: int | None = None) -> Step:
        path = path or self.focus
        old = self.files[path][number]
        self.files[path][number] = new
        style = self.rng.randrange(3) if style is None else style
        if style == 0:
            escaped = new.replace("\\", "\\\\").replace("/", "\\/").replace("&", "\\&").replace("'", "'\\''")
            command = f"sed -i '{number}s/.*/{escaped}/' {path}"
        elif style == 1:
            command = f"python - <<'EOF'\np = '{path}'\nsrc = open(p).read()\nsrc = src.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(src)\nEOF"
        else:
            command = f"python -c \"import pathlib; p = pathlib.Path('{path}'); p.write_text(p.read_text().replace({old.strip()!r}, {new.strip()!r}, 1))\""
        return step(thought, command, 0, "")

    def write_script(self, thought: str, body: str, name: str | None = None) -> Step:
        return step(thought, f"cat <<'EOF' > {name or self.script}\n{body}\nEOF", 0, "")

    def script_body(self) -> str:
        module = self.focus.removeprefix("lib/").removeprefix("src/")[:-3].replace("/", ".").removesuffix(".__init__")
        name = self.function_at(self.fail_at[0])
        setup = ""
        if self.run.repo == "django":
            setup = "import django\nfrom django.conf import settings\n\nsettings.configure(INSTALLED_APPS=['django.contrib.contenttypes'], DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}})\ndjango.setup()\n\n"
        return f"{setup}from {module} import {name}\n\nargs = ()  # the case from the PR description\nprint('calling', {name})\nresult = {name}(*args)\nprint('result:', result)"

    def run_script(self, thought: str, error: str, command: str | None = None, name: str | None = None) -> Step:
        """The reproduction script failing inside the focus file; addresses and timings drift."""
        number = self.fail_at[0]
        code = self.files[self.focus][number]  # a traceback shows the line as it is now
        function = self.function_at(number)
        error = error.replace("@addr@", drift.address(self.rng))
        body = self.script_body().split("\n")
        frames = [(f"/testbed/{name or self.script}", len(body) - 1, "<module>", f"result = {function}(*args)")]
        frames.append((f"/testbed/{self.focus}", number, function, code))
        out = f"calling <function {function} at {drift.address(self.rng)}>\n"
        return step(
            thought, command or f"python {name or self.script}", 1, out + testruns.traceback(frames, error), 1.5
        )

    def failure(self, test: str, error: str) -> Failure:
        owner = "".join(w.title() for w in self.focus.split("/")[-1][:-3].split("_")) + "Tests"
        return Failure(
            test,
            owner if self.run.repo in ("django", "xarray", "astropy") else "",
            self.test_path,
            100 + 7 * len(test),
            "self.assertEqual(result, expected)" if self.run.repo == "django" else "assert result == expected",
            error,
        )

    def test_command(self, variant: int = 0) -> str:
        if self.run.repo == "django":
            label = self.test_path.removeprefix("tests/")[:-3].replace("/", ".")
            return (
                "./tests/runtests.py {l}",
                "python tests/runtests.py {l} --verbosity 2",
                "cd /testbed && python tests/runtests.py {l}",
            )[variant % 3].format(l=label)
        if self.run.repo == "sympy":
            return ("bin/test {p}", "./bin/test {p} -k {t}", "python bin/test {p}")[variant % 3].format(
                p=self.test_path, t=self.tests[0]
            )
        return ("python -m pytest {p}", "python -m pytest -q {p} -k {t}", "pytest {p} -x")[variant % 3].format(
            p=self.test_path, t=self.tests[0]
        )

    def run_tests(self, thought: str, failures: list[Failure], total: int, variant: int = 0) -> Step:
        if self.run.repo == "django":
            label = self.test_path.removeprefix("tests/")[:-3].replace("/", ".")
            code, out = testruns.django_run(label, self.run.python(), total, failures, self.rng)
        elif self.run.repo == "sympy":
            code, out = testruns.sympy_run(self.test_path, self.run.python(), total, failures, self.rng)
        else:
            code, out = testruns.pytest_run(self.run.repo, self.test_path, total, failures, self.rng)
        return step(thought, self.test_command(variant), code, out, self.rng.uniform(2, 30))

    def diff(self, thought: str) -> Step:
        out = []
        for path, lines in self.files.items():
            changed = [n for n in sorted(lines) if lines[n] != self.original[path][n]]
            if changed:
                out += [
                    f"diff --git a/{path} b/{path}",
                    f"index {drift.token(self.rng, 7, '0123456789abcdef')}..{drift.token(self.rng, 7, '0123456789abcdef')} 100644",
                    f"--- a/{path}",
                    f"+++ b/{path}",
                ]
                for n in changed:
                    before = [lines[m] for m in range(n - 3, n) if m in lines]
                    out += [
                        f"@@ -{n - len(before)},{len(before) + 1} +{n - len(before)},{len(before) + 1} @@ def {self.function_at(n, path)}("
                    ]
                    out += [f" {t}" for t in before] + [f"-{self.original[path][n]}", f"+{lines[n]}"]
        return step(
            thought,
            self.rng.choice(("git diff", "git diff --stat && git diff", "cd /testbed && git diff")),
            0,
            "\n".join(out),
        )


def _whole(code: str) -> bool:
    """A statement on one line: brackets closed, not continued."""
    return sum(code.count(c) for c in "([{") == sum(code.count(c) for c in ")]}") and not code.rstrip().endswith(
        (",", "\\", "(", "[", "{")
    )


@cache
def _test_paths(repo: str) -> list[str]:
    """Test files the real runs of `repo` named."""
    found: set[str] = set()
    for run in runs().values():
        if run.repo == repo:
            found.update(
                p
                for m in run.messages[-1]
                for p in _TEST_PATH.findall(str(m["content"]))
                if "/" in p and "repro" not in p
            )
    return sorted(found)


def _nearest_test(repo: str, focus: str) -> str:
    """The real test file of the repository sharing most of the focus file's path."""
    words = set(re.split(r"[/_.]", focus)) - {"py", "", "django", "sympy", "lib", "src"}
    known = _test_paths(repo)
    if not known:
        return "/".join([*focus.split("/")[:-1], "tests", "test_" + focus.rsplit("/", 1)[-1]])
    return max(known, key=lambda p: (len(words & set(re.split(r"[/_.]", p))), p))
