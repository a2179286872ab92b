# ruff: noqa: E501
"""Loops over what is on disk: leftover temporary files, directory listing order, file modes."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout55.text import Ctx, churn, mkdtemp_name, not_found, py_edit, test_step, tmp_path_of

_FILES = ("a.txt", "b.txt", "B.txt", "c.cfg", "sub/d.txt", "10.dat", "2.dat", "README", "_x.txt")


def tempdir_cleanup_residue(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A fixed scratch directory survives each run; cleanup is moved around and something always remains."""
    fixed = f"/tmp/{ctx.run.module}-{ctx.stem}-cache"

    def errors() -> list[tuple[str, str]]:
        stale = rng.choice(["stale.txt", "out.lock", f"{ctx.stem}.tmp", ".keep", "part-0001"])
        tmp = mkdtemp_name(rng)
        options = [
            f"FileExistsError: [Errno 17] File exists: '{fixed}'",
            f"FileExistsError: [Errno 17] File exists: '{fixed}/{rng.choice(['out', 'work', 'build'])}'",
            f"AssertionError: assert ['a.txt', '{stale}'] == ['a.txt']",
            f"AssertionError: assert {rng.randint(2, 9)} == 1\n +  where {rng.randint(2, 9)} = len(os.listdir('{fixed}'))",
            f"PermissionError: [Errno 13] Permission denied: '{rng.choice([fixed, tmp])}/{rng.choice(['ro', 'locked', 'out'])}/{stale}'",
            f"OSError: [Errno 39] Directory not empty: '{rng.choice([fixed, tmp])}'",
            not_found(f"{tmp}/{rng.choice(['a.txt', 'out/a.txt', stale])}"),
        ]
        return [
            (ctx.case(rng, rng.choice(["write", "cache", "copy", "overwrite", "cleanup"])), e)
            for e in rng.sample(options, rng.choice([1, 1, 2]))
        ]

    edits = [
        ("os.makedirs(cache_dir, exist_ok=True)", "Don't fail when the directory is already there."),
        (
            "shutil.rmtree(cache_dir, ignore_errors=True); os.makedirs(cache_dir)",
            "Wipe the directory first, ignoring errors.",
        ),
        (
            "cache_dir = tempfile.mkdtemp(prefix='" + ctx.stem + "-')",
            "Use a fresh mkdtemp directory each time instead of a fixed one.",
        ),
        (
            "with tempfile.TemporaryDirectory() as cache_dir:",
            "Use a TemporaryDirectory context so it is always removed.",
        ),
        ("atexit.register(shutil.rmtree, cache_dir, True)", "Register cleanup at exit."),
        (
            "os.makedirs(cache_dir, mode=0o755, exist_ok=True)",
            "Give the directory explicit permissions so it can be removed.",
        ),
    ]

    def edit(k: int) -> list[Step]:
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
                rng.choice(["", " -q", " -p no:cacheprovider", " -x"]) if not ctx.django else "",
            ),
        ]

    def wipe(k: int) -> list[Step]:
        wiped = test_step(ctx, rng, "", "", [])
        return [
            Step(
                "Clear the leftovers by hand and rerun.",
                rng.choice(
                    [
                        f"rm -rf {fixed} && {ctx.tests('')}",
                        f"rm -rf /tmp/{ctx.run.module}-* /tmp/tmp* && {ctx.tests('')}",
                        f"chmod -R u+w {fixed}; rm -rf {fixed}; {ctx.tests('')}",
                    ]
                ),
                wiped.output,
                seconds=wiped.seconds,
            ),
            test_step(
                ctx,
                rng,
                "That passed. Run it once more to be sure it stays clean.",
                "",
                errors(),
                rng.choice([" -q", " -p no:randomly", ""]) if not ctx.django else " --parallel 1",
            ),
        ]

    def inspect(k: int) -> list[Step]:
        return [
            Step(
                "What is left in the scratch directory after a run?",
                rng.choice(
                    [
                        f"ls -laR {fixed} | head -20",
                        f"find {fixed} /tmp -maxdepth 2 -newer setup.py 2>/dev/null | head -20",
                        f"stat -c '%A %U %n' {fixed} {fixed}/*",
                    ]
                ),
                "\n".join(
                    f"{rng.choice(['-r--r--r--', 'dr-xr-xr-x', '-rw-r--r--', 'drwx------'])} root {fixed}/{f}"
                    for f in rng.sample(
                        ["a.txt", "stale.txt", "ro", "out.lock", "part-0001", "work"], rng.randint(2, 5)
                    )
                )
                + "\n",
            )
        ]

    def onerror(k: int) -> list[Step]:
        return [
            Step(
                "The read-only files the test creates block rmtree. Make cleanup chmod them first.",
                py_edit(
                    ctx.source,
                    "shutil.rmtree(cache_dir",
                    "shutil.rmtree(cache_dir, onerror=lambda f, p, e: (os.chmod(p, 0o700), f(p))",
                ),
                "patched",
            ),
            test_step(ctx, rng, "Rerun.", "", errors()),
        ]

    def test_fixture(k: int) -> list[Step]:
        base = tmp_path_of(rng, ctx.case(rng, "cache"))
        return [
            Step(
                "Point the test at a per-test directory via the environment instead of the fixed /tmp path.",
                py_edit(
                    ctx.test_file,
                    "def setUp(self):" if ctx.django else "def test_",
                    "def setUp(self):\n        os.environ['TMPDIR'] = self.tmp"
                    if ctx.django
                    else "@pytest.fixture(autouse=True)\ndef _tmp(monkeypatch, tmp_path):\n    monkeypatch.setenv('TMPDIR', str(tmp_path))\n\n\ndef test_",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                "",
                errors()
                if rng.random() < 0.6
                else [
                    (ctx.case(rng, "cache"), f"FileExistsError: [Errno 17] File exists: '{fixed}'"),
                    (ctx.case(rng, "copy"), not_found(f"{base}/out/a.txt")),
                ],
            ),
        ]

    first = [test_step(ctx, rng, "Run the tests for the cache helper.", "", errors())]
    return churn(
        ctx, rng, n, first, [edit, edit, wipe, inspect, onerror, test_fixture], "leftover temporary files between runs"
    )


def listdir_order_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The listing comes back in filesystem order; sorting is added in one place after another and the order still differs."""

    def listing() -> tuple[list[str], list[str]]:
        names = rng.sample(list(_FILES), rng.randint(3, 5))
        got = names[:]
        while got == sorted(names):
            rng.shuffle(got)
        return got, sorted(names)

    def errors() -> list[tuple[str, str]]:
        got, want = listing()
        base = tmp_path_of(rng, ctx.case(rng, "files"))
        options = [
            f"AssertionError: assert {got!r} == {want!r}",
            f"AssertionError: assert ['{base}/{got[0]}', '{base}/{got[1]}'] == ['{base}/{want[0]}', '{base}/{want[1]}']",
            "TypeError: '<' not supported between instances of 'PosixPath' and 'str'",
            f"AssertionError: assert {sorted(got, key=str.lower)!r} == {want!r}",
            "AssertionError: assert ['10.dat', '2.dat'] == ['2.dat', '10.dat']",
            f"AssertionError: assert [('{got[0]}', []), ('sub', ['d.txt'])] == [('sub', ['d.txt']), ('{got[0]}', [])]",
        ]
        return [
            (ctx.case(rng, rng.choice(["files", "recursive", "glob", "walk", "order"])), e)
            for e in rng.sample(options, rng.choice([1, 1, 2]))
        ]

    edits = [
        ("return sorted(glob.glob(pattern))", "Sort the glob result."),
        ("return sorted(os.listdir(path))", "Sort listdir's names."),
        ("return sorted(Path(path).iterdir())", "Sort the Path objects from iterdir."),
        ("return sorted(p for p in Path(path).rglob(pattern))", "rglob recurses; sort its result."),
        ("return sorted(names, key=str.lower)", "Sort case-insensitively."),
        (
            "return sorted(names, key=lambda n: [int(t) if t.isdigit() else t for t in re.split(r'(\\d+)', n)])",
            "Natural sort so 2 comes before 10.",
        ),
        (
            "return [e.name for e in sorted(os.scandir(path), key=lambda e: e.name)]",
            "scandir with an explicit sort key.",
        ),
    ]

    def edit(k: int) -> list[Step]:
        new, why = rng.choice(edits)
        old = rng.choice([e for e, _ in edits if e != new])
        return [
            Step(why, py_edit(ctx.source, old, new), "patched"),
            test_step(
                ctx,
                rng,
                "Run the listing tests.",
                "",
                errors(),
                rng.choice(["", " -k files", " -q", " -p no:randomly"]) if not ctx.django else "",
            ),
        ]

    def walk(k: int) -> list[Step]:
        return [
            Step(
                "os.walk yields subdirectories in filesystem order too. Sort dirs in place while walking.",
                py_edit(
                    ctx.source,
                    "for root, dirs, files in os.walk(path):",
                    "for root, dirs, files in os.walk(path):\n        dirs.sort()\n        files.sort()",
                ),
                "patched",
            ),
            test_step(ctx, rng, "Rerun.", "", errors()),
        ]

    def repeat(k: int) -> list[Step]:
        count = rng.choice([3, 5, 10])
        fails = rng.randint(1, count - 1)
        return [
            Step(
                f"Is it random? Run the test {count} times.",
                f"for i in $(seq {count}); do {ctx.tests('') + ' -q' if not ctx.django else '(' + ctx.tests('') + ')'} 2>&1 | tail -1; done",
                "\n".join(
                    rng.choice(
                        [
                            f"{rng.randint(1, 2)} failed, {rng.randint(8, 40)} passed in {rng.uniform(0.1, 3):.2f}s",
                            f"{rng.randint(8, 40)} passed in {rng.uniform(0.1, 3):.2f}s",
                        ]
                    )
                    if not ctx.django
                    else rng.choice(["OK", "FAILED (failures=1)"])
                    for _ in range(count)
                )
                + "\n",
                seconds=rng.uniform(5, 30),
            ),
            Step(
                f"{fails} of {count}. Let me see the raw order on disk.",
                rng.choice(
                    [
                        "ls -U " + tmp_path_of(rng, ctx.case(rng, "files")),
                        "python -c \"import os; print(os.listdir('.')[:8])\"",
                        "ls -f | head",
                    ]
                ),
                repr(listing()[0]) + "\n",
            ),
        ]

    def expected(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the test's expectation isn't sorted the way Python sorts. Sort it in the test as well.",
                py_edit(
                    ctx.test_file,
                    "assert result == expected",
                    "assert sorted(map(str, result)) == sorted(map(str, expected))",
                ),
                "patched",
            ),
            test_step(ctx, rng, "Check.", "", errors()),
        ]

    first = [test_step(ctx, rng, "Run the file listing tests.", "", errors())]
    return churn(ctx, rng, n, first, [edit, edit, walk, repeat, expected], "the order of the directory listing")


def umask_mode_mismatch(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test checks the mode of a written file; umask, mkstemp, copying and running as root keep it off."""

    def errors() -> list[tuple[str, str]]:
        want = rng.choice(["0o644", "0o600", "0o755"])
        got = rng.choice([m for m in ["0o664", "0o600", "0o666", "0o644", "0o775", "0o100644", "0o700"] if m != want])
        path = f"{tmp_path_of(rng, ctx.case(rng, 'write'))}/{rng.choice(['out.txt', ctx.data_name, 'bin/run.sh', 'cache/x'])}"
        options = [
            f"AssertionError: assert '{got}' == '{want}'\n +  where '{got}' = oct({int(got, 8)})",
            f"AssertionError: assert {int(got, 8)} == {int(want, 8)}",
            "Failed: DID NOT RAISE <class 'PermissionError'>",
            f"PermissionError: [Errno 1] Operation not permitted: '{path}'",
            f"AssertionError: assert False\n +  where False = os.access('{path}', {rng.choice(['os.X_OK', 'os.W_OK'])}) is False",
        ]
        return [
            (ctx.case(rng, rng.choice(["mode", "write", "executable", "readonly", "copy"])), e)
            for e in rng.sample(options, rng.choice([1, 1, 2]))
        ]

    edits = [
        ("os.chmod(path, 0o644)", "Set the mode explicitly after writing."),
        (
            "fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)",
            "Create the file with os.open and the mode.",
        ),
        ("old = os.umask(0o022)", "Force a umask of 022 while writing."),
        ("shutil.copy2(tmp, path)", "copy2 keeps metadata, use it to move the temp file into place."),
        ("shutil.copyfile(tmp, path)", "copyfile doesn't copy the mode; use it instead."),
        (
            "os.replace(tmp, path); os.chmod(path, 0o666 & ~os.umask(0))",
            "Apply the process umask to 0o666 after the rename.",
        ),
        ("os.chmod(path, stat.S_IMODE(os.stat(src).st_mode))", "Copy the source's mode bits."),
    ]

    def edit(k: int) -> list[Step]:
        new, why = rng.choice(edits)
        old = rng.choice([e for e, _ in edits if e != new])
        return [
            Step(why, py_edit(ctx.source, old, new), "patched"),
            test_step(
                ctx,
                rng,
                "Run the mode tests.",
                "",
                errors(),
                rng.choice(["", " -k mode", " -q", " -k 'mode or readonly'"]) if not ctx.django else "",
            ),
        ]

    def probe(k: int) -> list[Step]:
        return [
            Step(
                "What umask and user does the test process have?",
                rng.choice(
                    [
                        "umask; id -u; touch /tmp/m && stat -c '%a %n' /tmp/m",
                        'python -c "import os; m = os.umask(0); print(oct(m), os.geteuid())"',
                        "umask -S; whoami",
                    ]
                ),
                rng.choice(["0002\n0\n664 /tmp/m\n", "0o2 0\n", "u=rwx,g=rwx,o=rx\nroot\n", "0022\n0\n644 /tmp/m\n"]),
            )
        ]

    def mask_test(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the test should only compare the permission bits.",
                py_edit(
                    ctx.test_file,
                    "oct(os.stat(path).st_mode)",
                    rng.choice(["oct(stat.S_IMODE(os.stat(path).st_mode))", "oct(os.stat(path).st_mode & 0o777)"]),
                ),
                "patched",
            ),
            test_step(ctx, rng, "Rerun.", "", errors()),
        ]

    def skip_root(k: int) -> list[Step]:
        return [
            Step(
                "Root ignores file permissions, so the read-only test cannot raise. Run it as another user.",
                rng.choice(
                    [
                        f"su nobody -s /bin/sh -c '{ctx.tests('')}' 2>&1 | tail -5",
                        f"runuser -u nobody -- sh -c '{ctx.tests('')}' 2>&1 | tail -5",
                        f"setpriv --reuid=65534 sh -c '{ctx.tests('')}' 2>&1 | tail -5",
                    ]
                ),
                rng.choice(
                    [
                        "/opt/miniconda3/envs/testbed/bin/python: Error while finding module specification for 'pytest' (ModuleNotFoundError: No module named 'pytest')\n",
                        f"PermissionError: [Errno 13] Permission denied: '/testbed/{ctx.tests_dir}/__pycache__'\n",
                        "su: user nobody does not exist or the user entry does not contain all the required fields\n",
                        f"E   PermissionError: [Errno 13] Permission denied: '/root/.cache/{rng.choice(['pip', 'matplotlib', 'pytest'])}'\n",
                    ]
                ),
                rc=1,
            ),
        ]

    first = [test_step(ctx, rng, "Run the tests for the file writer.", "", errors())]
    return churn(ctx, rng, n, first, [edit, edit, probe, mask_test, skip_root], "file modes in the tests")
