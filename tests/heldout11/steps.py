"""The steps sessions are made of: commands, reads and partial views, edits, test runs, an opening."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .drift import fill
from .toolchain import Toolchain, Tree, build_error, crash, put, report


def sh(rng: random.Random, command: str, output: str, code: int = 0, seconds: float = 0.0) -> Step:
    return Step("shell", fill(command, rng), fill(output, rng), code, seconds=seconds)


def read(tree: Tree, path: str) -> Step:
    return Step("read", path, tree.text(path))


def view(tree: Tree, rng: random.Random, path: str) -> Step:
    """Part of a file through a shell tool: a range, a head or tail, a grep, numbered lines."""
    lines = tree.lines(path)
    n = len(lines)
    start = rng.randint(1, max(1, n - 4))
    end = min(n, start + rng.randint(3, 14))
    numbered = [f"{k}\t{line}" for k, line in enumerate(lines, 1)]
    word = rng.choice([w for w in " ".join(lines).replace("(", " ").split() if len(w) > 4] or ["result"])
    hits = [f"{k}:{line}" for k, line in enumerate(lines, 1) if word in line]
    how = rng.randrange(7)
    if how == 0:
        return Step("shell", f"sed -n '{start},{end}p' {path}", "\n".join(lines[start - 1 : end]))
    if how == 1:
        return Step("shell", f"nl -ba {path} | sed -n '{start},{end}p'", "\n".join(numbered[start - 1 : end]))
    if how == 2:
        return Step("shell", f"head -n {end} {path}", "\n".join(lines[:end]))
    if how == 3:
        return Step("shell", f"tail -n {n - start + 1} {path}", "\n".join(lines[start - 1 :]))
    if how == 4:
        return Step("grep", word, "\n".join(f"{path}:{hit}" for hit in hits), extra=path)
    if how == 5:
        return Step("shell", f"grep -n -C 2 '{word}' {path}", "\n".join(hits))
    return Step("shell", f"awk 'NR>={start} && NR<={end}' {path}", "\n".join(lines[start - 1 : end]))


def edit(tree: Tree, path: str, index: int, new: str) -> Step:
    old = tree.change(path, index, new)
    return Step("edit", path, old, extra=new)


def insert(tree: Tree, path: str, index: int, new: str) -> Step:
    """A line written above line `index`: the edit replaces that line with the new one and itself."""
    below = tree.lines(path)[index]
    tree.insert(path, index, new)
    return Step("edit", path, below, extra=f"{new}\n{below}")


def append(tree: Tree, path: str, new: str) -> Step:
    """A line added at the end of a file: the edit replaces the last line with itself and the new one."""
    last = tree.lines(path)[-1]
    tree.insert(path, len(tree.lines(path)), new)
    return Step("edit", path, last, extra=f"{last}\n{new}")


def suite(tc: Toolchain, rng: random.Random, failed: dict[str, str], command: str = "") -> Step:
    output = report(tc, rng, failed)
    return Step("shell", fill(command or tc.test_cmd, rng), output, 1 if failed else 0, seconds=rng.uniform(2, 40))


def failing(tc: Toolchain, *which: int) -> dict[str, str]:
    """Tests by index with their own failure messages."""
    return {tc.tests[k]: tc.failures[k] for k in which}


def one(tc: Toolchain, rng: random.Random, test: str, message: str | None) -> Step:
    """One test run alone: passing, or failing with `message`."""
    command = put(tc.test_one, rng, test=test)
    lines = [fill(tc.header, rng)]
    if message is None:
        lines += [put(tc.pass_line or "{name}: ok", rng, name=test)]
    else:
        ln = str(12 + 9 * tc.tests.index(test))
        lines += [put(tc.fail_line, rng, name=test, msg=message, file=tc.sources[2], ln=ln)]
    failed = "0" if message is None else "1"
    passed = "1" if message is None else "0"
    lines.append(put(tc.summary, rng, passed=passed, failed=failed, total="1"))
    return Step("shell", command, "\n".join(lines), 0 if message is None else 1, seconds=rng.uniform(1, 12))


def dies(tc: Toolchain, tree: Tree, rng: random.Random, test: str, at: int) -> Step:
    """The test failing on the hot line (line `at` since lines were written above it), quoted as it now reads."""
    code = tree.lines(tc.sources[0])[at]
    output = crash(tc, rng, test, at, code, tc.failures[tc.tests.index(test)])
    return Step("shell", put(tc.test_one, rng, test=test), output, 1, seconds=rng.uniform(1, 12))


def build(tc: Toolchain, rng: random.Random, error: tuple[str, int, str] | None = None) -> Step:
    if error is None:
        return sh(rng, tc.build_cmd, tc.build_ok, seconds=rng.uniform(2, 25))
    file, line, msg = error
    return Step("shell", tc.build_cmd, build_error(tc, rng, file, line, msg), 1, seconds=rng.uniform(2, 25))


def lint(tc: Toolchain, rng: random.Random) -> Step:
    return sh(rng, tc.lint_cmd, tc.lint_ok, seconds=rng.uniform(1, 9))


def diff(tree: Tree, rng: random.Random, path: str, old: str, new: str) -> Step:
    body = f"diff --git a/{path} b/{path}\nindex @commit@..@commit@ 100644\n--- a/{path}\n+++ b/{path}\n"
    return sh(rng, f"git diff {path}", f"{body}@@ -@ln@,7 +@ln@,7 @@\n-{old}\n+{new}")


def opening(tc: Toolchain, tree: Tree, rng: random.Random, n: int, failed: dict[str, str]) -> list[Step]:
    """n calls of finding one's way: status and history, listing, reading, searching, a first run."""
    src, helper, test_file, manifest, _ = tc.sources
    symbol = tree.lines(src)[tc.hot].strip().split(" ")[0][:24] or "result"
    pool = [
        sh(
            rng,
            f"cd {tc.root} && git status --short && git log --oneline -4",
            f" M {manifest}\n@commit@ sync: nightly inspection import\n@commit@ deps: bump\n"
            "@commit@ fix: empty apiary\n@commit@ docs: thresholds",
        ),
        sh(rng, f"ls {tc.root}", "  ".join(sorted({p.split("/")[0] for p in (*tc.sources, *tc.more)}))),
        read(tree, src),
        Step("grep", symbol, f"{src}:{tc.hot + 1}:{tree.lines(src)[tc.hot]}", extra="."),
        read(tree, test_file),
        suite(tc, rng, failed),
        Step("todo", "Reproduce the failing check;Find where it goes wrong;Fix it and rerun the checks", ""),
        read(tree, manifest),
        lint(tc, rng),
        read(tree, helper),
        build(tc, rng),
        sh(rng, f"git log --oneline -3 -- {src}", "@commit@ fix: rounding\n@commit@ feat: thresholds\n@commit@ init"),
    ]
    return pool[:n]
