# ruff: noqa: E501
"""Loops over where a path points: the data file found from the working directory, and symlinks."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout55.text import Attempt, Ctx, churn, not_found, py_edit, test_step, tmp_path_of

_ANCHORS = (
    "os.getcwd()",
    "os.path.dirname(__file__)",
    "os.path.dirname(os.path.abspath(__file__))",
    "str(Path(__file__).resolve().parent)",
    "os.path.join(os.path.dirname(__file__), os.pardir)",
    "os.environ.get('{}_DATA_DIR', '.')",
)


def relative_data_path_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The helper opens a data file by a relative path; every anchor tried resolves it somewhere else."""
    name, rel = ctx.data_name, ctx.data_file
    parts = ctx.pkg_dir.split("/")
    where = [
        f"/testbed/data/{name}",
        f"data/{name}",
        f"/testbed/{ctx.pkg_dir}/data/{name}",
        f"/testbed/{ctx.tests_dir}/{rel}",
        f"{ctx.site}/{ctx.run.module}/data/{name}",
        f"/testbed/tests/{rel}",
        f"/tmp/{rel}",
    ]

    def run(thought: str, path: str, extra: str = "", command: str = "") -> Step:
        case = ctx.case(rng, rng.choice(["load", "data", "relative", "defaults"]))
        return test_step(
            ctx, rng, thought, "", [(case, not_found(path))], extra, f"data = {ctx.func}('{name}')", command
        )

    def elsewhere() -> str:
        return rng.choice(where)

    def anchor(k: int) -> list[Step]:
        new = rng.choice(_ANCHORS).replace("{}", ctx.run.module.upper())
        old = rng.choice([a for a in _ANCHORS if "{}" not in a and a != new])
        return [
            Step(
                f"The data file is looked up relative to the wrong base. Let me anchor it at `{new}` instead.",
                py_edit(ctx.source, f"base = {old}", f"base = {new}"),
                "patched",
            ),
            run(
                "Rerun the tests with the new base.",
                elsewhere(),
                rng.choice(["", " -q", " -x", " -p no:cacheprovider"]),
            ),
        ]

    def parents(k: int) -> list[Step]:
        depth = rng.randint(0, 3)
        up = "/".join(parts[: max(0, len(parts) - depth)])
        return [
            Step(
                f"Maybe I need to climb up from the module. Try `parents[{depth}]` and join the tests' data directory.",
                py_edit(
                    ctx.source,
                    "base = ",
                    f"base = Path(__file__).resolve().parents[{depth}] / '{ctx.data_dir.rsplit('/', 1)[0]}'  # ",
                ),
                "patched",
            ),
            run(
                "And the tests again.",
                f"/testbed/{up + '/' if up else ''}{ctx.data_dir.rsplit('/', 1)[0]}/{ctx.data_dir.rsplit('/', 1)[-1]}/{name}".replace(
                    "//", "/"
                )
                if rng.random() < 0.5
                else elsewhere(),
            ),
        ]

    def from_tests_dir(k: int) -> list[Step]:
        if ctx.django:
            command = f"cd tests && python runtests.py {ctx.stem}_tests --parallel {rng.choice([1, 2])}"
        else:
            command = f"cd {ctx.tests_dir} && python -m pytest {ctx.test_file.rsplit('/', 1)[-1]}{rng.choice(['', ' -q', ' -x'])}"
        return [
            run(
                "runtests.py already runs from tests/; maybe the worker processes start somewhere else. Try fewer workers."
                if ctx.django
                else "Perhaps the tests are meant to be run from inside the tests directory. Let me try that.",
                f"{ctx.data_dir.split('/', 1)[-1]}/{name}" if rng.random() < 0.5 else elsewhere(),
                command=command,
            )
        ]

    def rootdir(k: int) -> list[Step]:
        extra = rng.choice(
            [" --rootdir=/testbed", f" --rootdir={ctx.tests_dir}", " --import-mode=importlib", " -c /dev/null"]
        )
        if ctx.django:
            extra = rng.choice([" --parallel 1", " --settings=test_sqlite", " -v 2"])
        return [
            run(
                "Maybe the runner's own options change the working directory. Try it differently."
                if ctx.django
                else "Maybe pytest's rootdir changes what the relative path means. Pass it explicitly.",
                elsewhere(),
                extra,
            )
        ]

    def find(k: int) -> list[Step]:
        found = rng.choice(
            [
                f"./{rel}",
                f"./{rel}\n./build/lib/{rel}",
                f"./{rel}.in",
                f"./{ctx.data_dir}/{name.replace('.txt', '.txt.orig')}\n./{rel}",
                "",
            ]
        )
        return [
            Step(
                "Where does the file actually live?",
                rng.choice(
                    [
                        f"find . -name '{name}*' -not -path './.git/*'",
                        f"find / -name '{name}' 2>/dev/null | head",
                        f"git ls-files | grep -n '{name.rsplit('.', 1)[0]}'",
                    ]
                ),
                found + "\n" if found else "",
                rc=0,
            ),
        ]

    def chdir_in_test(k: int) -> list[Step]:
        return [
            Step(
                "Make the test change into its own directory before calling the helper.",
                py_edit(
                    ctx.test_file,
                    f"data = {ctx.func}(",
                    f"monkeypatch.chdir(os.path.dirname(__file__))\n    data = {ctx.func}(",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                "",
                rng.choice(
                    [
                        [
                            (
                                ctx.case(rng, "load"),
                                "fixture 'monkeypatch' not found"
                                if ctx.django
                                else "NameError: name 'monkeypatch' is not defined",
                            )
                        ],
                        [
                            (ctx.case(rng, "load"), not_found(elsewhere())),
                            (ctx.case(rng, "relative"), not_found(f"{rng.choice(['output', 'out', 'result'])}/{name}")),
                        ],
                        [(ctx.case(rng, "defaults"), not_found(elsewhere()))],
                    ]
                ),
            ),
        ]

    def env_var(k: int) -> list[Step]:
        var = f"{ctx.run.module.upper()}_DATA_DIR"
        value = rng.choice([ctx.data_dir, "/testbed/" + ctx.data_dir, "./" + ctx.data_dir])
        tests = ctx.tests("")
        command = tests.replace("python ", f"{var}={value} python ", 1) if ctx.django else f"{var}={value} {tests}"
        return [
            Step(
                f"Let me point {var} at the data directory and see whether the helper finds it then.",
                command,
                test_step(ctx, rng, "", "", [(ctx.case(rng, "load"), not_found(elsewhere()))]).output or "",
                rc=1,
                seconds=rng.uniform(1, 8),
            )
        ]

    first = [run("Let me run the tests for the helper.", elsewhere())]
    attempts: list[Attempt] = [anchor, parents, from_tests_dir, rootdir, find, chdir_in_test, env_var, anchor]
    return churn(ctx, rng, n, first, attempts, "where the data file path resolves")


def symlink_realpath_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """One test wants the path through the symlink kept, another wants it resolved; each edit satisfies one."""
    keep, resolved = ctx.case(rng, "symlink"), ctx.case(rng, "dedup")

    def paths() -> tuple[str, str]:
        base = tmp_path_of(rng, rng.choice([keep, resolved]))
        leaf = rng.choice(["a.txt", "sub/b.cfg", "data.json", "x/y/z.txt"])
        return (
            f"{base}/{rng.choice(['link', 'alias', 'current'])}/{leaf}",
            f"{base}/{rng.choice(['real', 'target', 'v1'])}/{leaf}",
        )

    def failure() -> list[tuple[str, str]]:
        link, real = paths()
        options = [
            [(keep, f"AssertionError: assert '{real}' == '{link}'")],
            [(resolved, f"AssertionError: assert 2 == 1\n +  where 2 = len(['{link}', '{real}'])")],
            [(keep, f"AssertionError: assert PosixPath('{real}') == PosixPath('{link}')")],
            [
                (resolved, f"AssertionError: assert '{link}' == '{real}'"),
                (keep, f"AssertionError: assert '{real}' == '{link}'"),
            ],
            [(resolved, not_found(real.replace("/real/", "/link/../real/")))],
            [(keep, f"OSError: [Errno 22] Invalid argument: '{real}'")],
        ]
        return rng.choice(options)

    edits = [
        ("os.path.abspath(path)", "Use abspath so the link is kept but the path is absolute."),
        ("os.path.realpath(path)", "Resolve symlinks with realpath, so duplicates collapse."),
        ("str(Path(path).resolve())", "Use pathlib's resolve()."),
        ("str(Path(path).absolute())", "absolute() doesn't follow links; try that."),
        ("os.path.normpath(os.path.join(os.getcwd(), path))", "Normalise against cwd without touching the filesystem."),
        ("str(Path(path).resolve(strict=True))", "Resolve strictly so a dangling link fails early."),
        ("os.readlink(path) if os.path.islink(path) else path", "Only follow the link when it is one."),
    ]

    def swap(k: int) -> list[Step]:
        new, why = rng.choice(edits)
        old = rng.choice([e for e, _ in edits if e != new])
        return [
            Step(why, py_edit(ctx.source, f"return {old}", f"return {new}"), "patched"),
            test_step(
                ctx,
                rng,
                "Run both symlink tests.",
                f"{ctx.test_file}::{rng.choice([keep, resolved])}" if rng.random() < 0.3 else "",
                failure(),
                rng.choice(["", " -k symlink", " -k 'symlink or dedup'", " -q"]) if not ctx.django else "",
            ),
        ]

    def dedup_key(k: int) -> list[Step]:
        key = rng.choice(
            [
                "os.path.realpath(path)",
                "os.stat(path).st_ino",
                "(os.stat(path).st_dev, os.stat(path).st_ino)",
                "os.path.normcase(os.path.realpath(path))",
            ]
        )
        return [
            Step(
                f"Keep the returned path as given but deduplicate on `{key}` instead.",
                py_edit(ctx.source, "seen.add(path)", f"seen.add({key})"),
                "patched",
            ),
            test_step(ctx, rng, "Check.", "", failure()),
        ]

    def probe(k: int) -> list[Step]:
        base = tmp_path_of(rng, keep)
        return [
            Step(
                "Let me see what each function returns on a real symlink.",
                "cd /tmp && rm -rf sl && mkdir -p sl/real && touch sl/real/a.txt && ln -s real sl/link && python -c \"import os, pathlib; p='sl/link/a.txt'; print(os.path.abspath(p)); print(os.path.realpath(p)); print(pathlib.Path(p).resolve()); print(pathlib.Path(p).absolute())\"",
                "/tmp/sl/link/a.txt\n/tmp/sl/real/a.txt\n/tmp/sl/real/a.txt\n/tmp/sl/link/a.txt\n",
            ),
            Step(
                "And what the test's tmp_path looks like.",
                f"ls -la {base} 2>&1 | head",
                rng.choice(
                    [
                        f"ls: cannot access '{base}': No such file or directory\n",
                        f"total 0\nlrwxrwxrwx 1 root root  4 Mar  3 09:{rng.randint(10, 59)} link -> real\ndrwxr-xr-x 2 root root 60 Mar  3 09:{rng.randint(10, 59)} real\n",
                    ]
                ),
                rc=rng.choice([0, 2]),
            ),
        ]

    def test_expect(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the dedup test should compare resolved paths itself.",
                py_edit(
                    ctx.test_file,
                    "assert result == expected",
                    "assert [os.path.realpath(p) for p in result] == [os.path.realpath(p) for p in expected]",
                ),
                "patched",
            ),
            test_step(ctx, rng, "Rerun.", "", failure()),
        ]

    first = [test_step(ctx, rng, "Let me run the tests for the path helper.", "", failure())]
    return churn(ctx, rng, n, first, [swap, swap, dedup_key, probe, test_expect], "symlinked paths in the helper")
