# ruff: noqa: E501
"""Loops of reading outside the code to change: a dependency's installed source, copies of the module, its history."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout42.text import Ctx, empty, grep_hits, line, wander

_DEP_FILES = (
    "__init__.py",
    "core.py",
    "_compat.py",
    "util.py",
    "base.py",
    "_internal.py",
    "utils/__init__.py",
    "api.py",
)


def _sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def installed_copy_trawl(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Suspecting the dependency: reading its installed source file after file, for a code path it doesn't have."""
    dep = ctx.installed
    ver = f"{rng.randint(1, 4)}.{rng.randint(0, 26)}.{rng.randint(0, 9)}"
    first = Step(
        f"The behaviour might come from {ctx.dep}. Let me see where it is installed.",
        f'python -c "import {ctx.dep}; print({ctx.dep}.__file__, {ctx.dep}.__version__)"',
        f"{dep}/__init__.py {ver}\n",
    )

    def listing(k: int) -> list[Step]:
        sub = rng.choice(["", "/_internal", "/utils", "/core", "/compat"])
        return [
            Step(
                f"Let me list {ctx.dep}{sub or ''}.",
                f"ls {rng.choice(['', '-la '])}{dep}{sub}",
                "\n".join(
                    sorted(
                        rng.sample(
                            [f.split("/")[0] for f in _DEP_FILES] + ["__pycache__", "py.typed", "tests", "_version.py"],
                            7,
                        )
                    )
                )
                + "\n",
            )
        ]

    def read(k: int) -> list[Step]:
        f = rng.choice(_DEP_FILES)
        at = line(rng, 1, 1500)
        return [
            Step(
                f"Let me read {ctx.dep}/{f} around line {at}.",
                f"sed -n '{at},{at + rng.randint(30, 90)}p' {dep}/{f}",
                f"def _{rng.choice(['wrap', 'coerce', 'check', 'dispatch'])}(obj, *args, **kwargs):\n    if isinstance(obj, (list, tuple)):\n        return type(obj)(_wrap(o) for o in obj)\n    return obj\n\n\nclass _{rng.choice(['Proxy', 'Handler', 'Registry', 'Adapter'])}:\n    __slots__ = ('_obj',)\n",
            )
        ]

    def grep(k: int) -> list[Step]:
        pat = rng.choice(
            [ctx.stem, ctx.verb, ctx.cls, f"def {ctx.verb}", f"{ctx.run.module}", "__array__", "__fspath__", "deprecat"]
        )
        hit = rng.random() < 0.45
        return [
            Step(
                f"Does {ctx.dep} mention `{pat}` anywhere?",
                f"grep -rn{rng.choice(['', 'i', 'w'])} '{pat}' {dep}/ {rng.choice(['', '| head -30', '--include=*.py | head -20'])}".rstrip(),
                grep_hits(
                    rng,
                    [f"{dep}/{f}" for f in _DEP_FILES],
                    [
                        f"    # {pat} is handled by the caller",
                        f"from .{rng.choice(['util', 'core'])} import *",
                        "    return NotImplemented",
                    ],
                    rng.randint(1, 5),
                )
                if hit
                else "",
                rc=0 if hit else 1,
            )
        ]

    def files(k: int) -> list[Step]:
        return [
            Step(
                f"Which files does the {ctx.dep} distribution install?",
                f"pip show -f {ctx.dep} | {rng.choice(['head -40', 'grep -c py', 'tail -30', 'grep -v __pycache__ | head -50'])}",
                f"Name: {ctx.dep}\nVersion: {ver}\nLocation: {ctx.site}\nFiles:\n"
                + "\n".join(f"  {ctx.dep}/{f}" for f in rng.sample(_DEP_FILES, 5))
                + "\n",
            )
        ]

    def inspect(k: int) -> list[Step]:
        name = rng.choice(["_wrap", "_coerce", "_check", "_dispatch", "_Proxy", "_Adapter"])
        return [
            Step(
                f"Let me have Python print the source of `{name}`.",
                f'python -c "import inspect, {ctx.dep}; print(inspect.getsource({ctx.dep}.{name}))" 2>&1 | head -{rng.randint(20, 60)}',
                f"AttributeError: module '{ctx.dep}' has no attribute '{name}'\n"
                if rng.random() < 0.5
                else f"def {name}(obj, *args, **kwargs):\n    return obj\n",
            )
        ]

    def changelog(k: int) -> list[Step]:
        return [
            empty(
                f"Maybe {ctx.dep}'s release notes mention a change here.",
                f"find {ctx.site}/{ctx.dep}-*.dist-info -name '*' | xargs grep -il{rng.choice(['', 'w'])} '{rng.choice([ctx.stem, ctx.verb, 'breaking'])}' 2>/dev/null",
            )
        ]

    return wander(
        ctx,
        rng,
        n,
        first,
        [listing, read, read, grep, files, inspect, changelog],
        f"reading through {ctx.dep}'s installed source",
    )


def vendored_copy_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Several copies of the module on disk: each found, listed, diffed and checksummed, none ever edited."""
    base = ctx.source.split("/", 1)[-1] if ctx.source.startswith(("src/", "lib/")) else ctx.source
    copies = [
        ctx.source,
        f"build/lib/{base}",
        f"{ctx.site}/{base}",
        f".tox/py{ctx.python.replace('.', '')}/lib/python{ctx.python}/site-packages/{base}",
        f"{ctx.site}/pip/_vendor/{ctx.stem}.py",
        f"{ctx.run.package}/_vendor/{ctx.stem}.py",
        f"/tmp/pip-req-build-{_sha(rng)}/{ctx.source}",
    ]
    first = Step(
        f"My change to {ctx.source} didn't seem to matter. Are there other copies of this module?",
        f"find / -name '{ctx.stem}.py' -path '*{ctx.run.module}*' 2>/dev/null",
        "\n".join(c if c.startswith("/") else f"/testbed/{c}" for c in rng.sample(copies, 4)) + "\n",
    )

    def which(k: int) -> list[Step]:
        return [
            Step(
                "Which copy does Python actually import?",
                f'python {rng.choice(["", "-I ", "-s ", "-E "])}-c "import {ctx.dotted} as m; print(m.__file__)"',
                f"/testbed/{ctx.source}\n",
            )
        ]

    def diff(k: int) -> list[Step]:
        a, b = rng.sample(copies[:6], 2)
        d = rng.randint(2, 40)
        return [
            Step(
                f"Let me compare {a} with {b}.",
                f"diff {rng.choice(['-u', '-q', '--brief', '-y --suppress-common-lines'])} {a} {b} | head -{rng.randint(20, 60)}",
                f"--- {a}\n+++ {b}\n@@ -{d},7 +{d},6 @@\n-    # issue: {ctx.stem}\n     return value\n"
                if rng.random() < 0.6
                else f"diff: {b}: No such file or directory\n",
                rc=1 if rng.random() < 0.7 else 2,
            )
        ]

    def sums(k: int) -> list[Step]:
        picked = rng.sample(copies[:6], rng.randint(2, 4))
        return [
            Step(
                "Checksums will tell which copies are identical.",
                f"{rng.choice(['md5sum', 'sha1sum', 'cksum'])} {' '.join(picked)} 2>&1",
                "\n".join(f"{rng.randrange(16**32):032x}  {c}" for c in picked) + "\n",
            )
        ]

    def path(k: int) -> list[Step]:
        return [
            Step(
                "Let me look at sys.path order and any .pth files.",
                rng.choice(
                    [
                        "python -c \"import sys; print('\\n'.join(sys.path))\"",
                        f"ls {ctx.site}/*.pth && cat {ctx.site}/*.pth",
                        f"cat {ctx.site}/__editable__*{ctx.run.module}*.pth 2>/dev/null",
                        f"pip show {ctx.dist} | grep -i location",
                    ]
                ),
                f"\n/opt/miniconda3/envs/testbed/lib/python{ctx.python}\n{ctx.site}\n/testbed\n",
            )
        ]

    def grep(k: int) -> list[Step]:
        pat = rng.choice([f"def {ctx.func}", ctx.cls, "__version__", f"_{ctx.stem}"])
        picked = rng.sample(copies[:6], 3)
        return [
            Step(
                f"Let me see how each copy defines `{pat}`.",
                f"grep -n '{pat}' {' '.join(picked)} 2>/dev/null",
                "\n".join(f"{c}:{line(rng)}:{pat}(...)" for c in picked[: rng.randint(1, 3)]) + "\n",
            )
        ]

    def stat(k: int) -> list[Step]:
        picked = rng.sample(copies[:6], 3)
        return [
            Step(
                "Which copy was modified last?",
                f"ls -l{rng.choice(['t', 'tu', 'c'])} {' '.join(picked)} 2>&1",
                "\n".join(
                    f"-rw-r--r-- 1 root root {rng.randint(3000, 90000)} {rng.choice(['Oct', 'Nov', 'Dec'])} {rng.randint(1, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d} {c}"
                    for c in picked
                )
                + "\n",
            )
        ]

    return wander(
        ctx,
        rng,
        n,
        first,
        [which, diff, diff, sums, path, grep, stat],
        f"working out which copy of {ctx.stem}.py matters",
    )


def pickaxe_history_hunt(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Looking for the commit that removed a helper the issue mentions: pickaxe after pickaxe, the name never matching."""
    old = f"_{ctx.verb}_{ctx.stem}_legacy"
    first = empty(
        f"The issue says `{old}` used to exist. Let me find the commit that removed it.",
        f"git log -S '{old}' --oneline",
    )

    def pickaxe(k: int) -> list[Step]:
        pat = rng.choice(
            [
                old,
                old.lstrip("_"),
                f"{ctx.stem}_legacy",
                f"{ctx.verb}_{ctx.stem}",
                f"legacy_{ctx.verb}",
                f"{ctx.cls}Legacy",
            ]
        )
        flag = rng.choice(["-S", "-G", "-S", "--pickaxe-regex -S"])
        return [
            empty(
                f"Nothing. Trying {flag.split()[-1]} with `{pat}`.",
                f"git log {flag} '{pat}' --oneline {rng.choice(['', '--all', '-- ' + ctx.pkg_dir, '--since=2015', '-i'])}".rstrip(),
            )
        ]

    def log(k: int) -> list[Step]:
        return [
            Step(
                "Let me look at the file's history directly.",
                f"git log --oneline {rng.choice(['--follow ', '', '--name-status '])}-{rng.randint(10, 40)} -- {rng.choice([ctx.source, ctx.pkg_dir])}",
                "\n".join(
                    f"{_sha(rng)} {rng.choice(['Refs #', 'Fixed #', 'Merge pull request #'])}{rng.randint(1000, 34000)} {rng.choice(['-- Cleaned up', 'Remove unused', 'Refactor', 'Deprecate', 'Move helpers'])} {rng.choice([ctx.stem, 'helpers', 'internals', 'compat code'])}"
                    for _ in range(rng.randint(6, 14))
                )
                + "\n",
            )
        ]

    def show(k: int) -> list[Step]:
        sha = _sha(rng)
        return [
            Step(
                f"Maybe commit {sha} touched it; let me grep its diff.",
                f"git show {sha} {rng.choice(['', '--stat', '-- ' + ctx.source])} | grep -n{rng.choice(['', 'i'])} '{rng.choice([ctx.stem, 'legacy', ctx.verb])}'",
                "",
                rc=1,
            )
        ]

    def grep_rev(k: int) -> list[Step]:
        rev = rng.choice(
            [
                f"HEAD~{rng.randint(50, 3000)}",
                f"{rng.randint(1, 4)}.{rng.randint(0, 9)}",
                f"v{rng.randint(1, 4)}.{rng.randint(0, 9)}.0",
                f"stable/{rng.randint(1, 4)}.{rng.randint(0, 2)}.x",
            ]
        )
        return [
            Step(
                f"Let me grep an older revision, {rev}.",
                f"git grep -n '{rng.choice([old, ctx.stem + '_legacy', 'legacy'])}' {rev} -- {ctx.run.package}",
                rng.choice(
                    ["", f"fatal: ambiguous argument '{rev}': unknown revision or path not in the working tree.\n"]
                ),
                rc=rng.choice([1, 128]),
            )
        ]

    def tags(k: int) -> list[Step]:
        return [
            Step(
                "Which tags and branches are there to search?",
                rng.choice(
                    ["git tag | tail -15", "git branch -a", "git tag --sort=-creatordate | head", "git describe --tags"]
                ),
                "\n".join(
                    f"{rng.randint(1, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 5)}" for _ in range(rng.randint(3, 10))
                )
                + "\n",
            )
        ]

    def blame(k: int) -> list[Step]:
        at = line(rng, 20, 600)
        return [
            Step(
                f"Let me blame the lines around {at}, where a helper like that would be called.",
                f"git blame -L {at},+{rng.randint(8, 25)} {ctx.source}",
                "\n".join(
                    f"{_sha(rng)} ({rng.choice(['Tim', 'Mariusz', 'Adam', 'Jon', 'Ana'])} 20{rng.randint(12, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {at + i}) ..."
                    for i in range(4)
                )
                + "\n",
            )
        ]

    return wander(
        ctx, rng, n, first, [pickaxe, pickaxe, log, show, grep_rev, tags, blame], f"finding when `{old}` was removed"
    )
