# ruff: noqa: E501
"""Loops over how a path is spelled: trailing and doubled separators, str against pathlib."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout55.text import Ctx, churn, py_edit, test_step


def trailing_slash_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Each normalisation of a directory argument fixes one of '', '/', 'a/b/', 'a//b' and breaks another."""
    cases = {
        "root": ("'/'", ["''", "'.'", "'//'"]),
        "empty": ("''", ["'.'", "'/'", "None"]),
        "trailing": ("'a/b/'", ["'a/b'", "'b'", "''"]),
        "doubled": ("'a/b'", ["'a//b'", "'a/'", "'/b'"]),
        "dot": ("'a'", ["'./a'", "'a/.'", "'.'"]),
        "basename": ("'b'", ["''", "'b/'", "'a/b'"]),
        "join": ("'base/sub/x'", ["'/sub/x'", "'base//sub/x'", "'sub/x'"]),
    }

    def failing() -> list[tuple[str, str]]:
        picked = rng.sample(sorted(cases), rng.choice([1, 1, 2]))
        out = []
        for case in picked:
            want, gots = cases[case]
            out.append((f"test_{ctx.stem}_{case}", f"AssertionError: assert {rng.choice(gots)} == {want}"))
        return out

    edits = [
        ("path.rstrip('/')", "Strip the trailing separator before anything else."),
        ("os.path.normpath(path)", "Let normpath collapse the separators."),
        ("str(PurePosixPath(path))", "PurePosixPath drops the trailing slash and doubled separators."),
        ("path.rstrip(os.sep) or os.sep", "Keep the root when stripping leaves nothing."),
        ("os.path.join(path, '')", "Always end with exactly one separator instead."),
        ("re.sub('/+', '/', path)", "Collapse runs of slashes with a regex."),
        ("os.path.normpath(path) if path else path", "normpath turns '' into '.', so skip it for empty input."),
        (
            "path[:-1] if path.endswith('/') and len(path) > 1 else path",
            "Remove just one trailing slash, leaving the root alone.",
        ),
    ]

    def swap(k: int) -> list[Step]:
        new, why = rng.choice(edits)
        old = rng.choice([e for e, _ in edits if e != new])
        return [
            Step(why, py_edit(ctx.source, f"path = {old}", f"path = {new}"), "patched"),
            test_step(
                ctx,
                rng,
                "Run the path tests.",
                "",
                failing(),
                rng.choice(["", " -k path", " -q", " -k 'trailing or root or empty'"]) if not ctx.django else "",
                f"assert {ctx.func}(raw) == expected",
            ),
        ]

    def probe(k: int) -> list[Step]:
        return [
            Step(
                "Let me check what the stdlib does on each edge case.",
                "python -c \"import os, posixpath; from pathlib import PurePosixPath as P; [print(repr(x), repr(os.path.normpath(x)), repr(os.path.basename(x)), repr(str(P(x)))) for x in ['', '/', 'a/b/', 'a//b', './a']]\"",
                "'' '.' '' '.'\n'/' '/' '' '/'\n'a/b/' 'a/b' '' 'a/b'\n'a//b' 'a/b' 'b' 'a/b'\n'./a' 'a' 'a' 'a'\n",
            )
        ]

    def join_fix(k: int) -> list[Step]:
        sep = rng.choice(["path.lstrip('/')", "os.path.relpath(path, '/')", "path.lstrip(os.sep) or '.'"])
        return [
            Step(
                "os.path.join discards the base when the second part is absolute. Strip the leading slash of the part.",
                py_edit(ctx.source, "os.path.join(base, path)", f"os.path.join(base, {sep})"),
                "patched",
            ),
            test_step(ctx, rng, "Rerun.", "", failing()),
        ]

    def grep_cases(k: int) -> list[Step]:
        line = rng.randint(40, 600)
        return [
            Step(
                "Let me see all the expectations side by side.",
                f'grep -n "{ctx.func}(" {ctx.test_file} | head -20',
                "\n".join(
                    f"{line + 3 * i}:    assert {ctx.func}({raw}) == {want}"
                    for i, (raw, want) in enumerate(
                        rng.sample(
                            [
                                ("'/'", "'/'"),
                                ("''", "''"),
                                ("'a/b/'", "'a/b'"),
                                ("'a//b'", "'a/b'"),
                                ("'./a'", "'a'"),
                                ("'a/b/'", "'b'"),
                            ],
                            4,
                        )
                    )
                )
                + "\n",
            )
        ]

    first = [
        test_step(
            ctx, rng, "Run the path normalisation tests.", "", failing(), code=f"assert {ctx.func}(raw) == expected"
        )
    ]
    return churn(ctx, rng, n, first, [swap, swap, probe, join_fix, grep_cases], "trailing and doubled separators")


def pathlike_type_whack(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The helper takes str or Path; each conversion moved around makes another caller get the wrong type."""
    name = ctx.data_name

    def errors() -> list[tuple[str, str]]:
        leaf = rng.choice([name, "archive.tar.gz", "a/b.txt", "out.json", "README"])
        options = [
            "AttributeError: 'str' object has no attribute 'suffix'",
            "AttributeError: 'str' object has no attribute 'parent'",
            "TypeError: unsupported operand type(s) for /: 'str' and 'str'",
            "AttributeError: 'PosixPath' object has no attribute 'endswith'",
            "AttributeError: 'PosixPath' object has no attribute 'startswith'",
            "TypeError: expected str, bytes or os.PathLike object, not NoneType",
            f"AssertionError: assert PosixPath('{leaf}') == '{leaf}'",
            f"AssertionError: assert '{leaf}' == PosixPath('{leaf}')",
            'TypeError: can only concatenate str (not "PosixPath") to str',
            "AssertionError: assert '.gz' == '.tar.gz'",
            "ValueError: Invalid suffix 'txt'",
            f"TypeError: argument should be a str or an os.PathLike object where __fspath__ returns a str, not '{rng.choice(['bytes', 'int', 'NoneType'])}'",
        ]
        return [
            (ctx.case(rng, rng.choice(["str", "pathlib", "suffix", "relative", "none", "bytes"])), e)
            for e in rng.sample(options, rng.choice([1, 2, 2, 3]))
        ]

    edits = [
        ("path = Path(path)", "Convert to Path at the top so every operation is pathlib."),
        ("path = os.fspath(path)", "Convert with os.fspath so the rest can stay string based."),
        ("path = str(path)", "Just call str() on it."),
        ("path = Path(path) if isinstance(path, str) else path", "Only wrap plain strings."),
        ("path = os.fsdecode(path)", "fsdecode also handles bytes."),
        ("path = os.fspath(path) if path is not None else None", "Guard None before converting."),
    ]
    returns = [
        "return path",
        "return str(path)",
        "return os.path.join(base, path)",
        "return Path(base) / path",
        "return path.with_suffix('.txt')",
        "return os.path.splitext(path)[0] + ext",
        "return ''.join(Path(path).suffixes)",
    ]

    def convert(k: int) -> list[Step]:
        new, why = rng.choice(edits)
        old = rng.choice([e for e, _ in edits if e != new])
        return [
            Step(why, py_edit(ctx.source, old, new), "patched"),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                "",
                errors(),
                rng.choice(["", " -q", " -k path", " -x"]) if not ctx.django else "",
            ),
        ]

    def ret(k: int) -> list[Step]:
        new = rng.choice(returns)
        old = rng.choice([r for r in returns if r != new])
        return [
            Step(
                "The return type must be what the callers expect. Change what is returned.",
                py_edit(ctx.source, old, new),
                "patched",
            ),
            test_step(ctx, rng, "Check again.", "", errors()),
        ]

    def callers(k: int) -> list[Step]:
        return [
            Step(
                "Which callers pass a Path and which a str?",
                rng.choice(
                    [
                        f"grep -rn '{ctx.func}(' {ctx.run.package} | grep -v tests | head",
                        f"git grep -n '{ctx.func}(Path\\|{ctx.func}(str\\|{ctx.func}(os' | head",
                    ]
                ),
                "\n".join(
                    f"{ctx.run.package}/{rng.choice(['io', 'core', 'config', 'loader'])}.py:{rng.randint(10, 900)}:    {ctx.func}({rng.choice(['Path(root) / name', 'name', 'str(target)', 'os.path.join(root, name)', 'self.path', 'fname.encode()'])})"
                    for _ in range(rng.randint(2, 6))
                )
                + "\n",
            )
        ]

    def probe(k: int) -> list[Step]:
        return [
            Step(
                "Let me check how suffix and splitext differ on the names the tests use.",
                "python -c \"import os; from pathlib import Path; [print(n, repr(Path(n).suffix), repr(''.join(Path(n).suffixes)), repr(os.path.splitext(n)[1])) for n in ['archive.tar.gz', '.bashrc', 'a/b.txt', 'v1.2/data']]\"",
                "archive.tar.gz '.gz' '.tar.gz' '.gz'\n.bashrc '' '' ''\na/b.txt '.txt' '.txt' '.txt'\nv1.2/data '' '' ''\n",
            )
        ]

    first = [test_step(ctx, rng, "Run the tests for the helper with str and Path inputs.", "", errors())]
    return churn(ctx, rng, n, first, [convert, ret, convert, callers, probe], "str versus Path in the helper")
