# ruff: noqa: E501
"""Hard negatives: a path or file trouble met once or twice, its cause found and fixed, the tests going green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout55.text import Ctx, mkdtemp_name, not_found, py_edit, test_step, tmp_path_of


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "", command: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra, command=command)


def data_path_anchored(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The data file not found from one directory, then another; found, anchored at the module, green from both."""
    name = ctx.data_name
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the helper.",
            "",
            [(ctx.case(rng, "load"), not_found(f"data/{name}"))],
            code=f"data = {ctx.func}('{name}')",
        ),
    ]
    if rng.random() < 0.6:
        command = (
            f"cd tests && python runtests.py {ctx.stem}_tests"
            if ctx.django
            else f"cd {ctx.tests_dir} && python -m pytest {ctx.test_file.rsplit('/', 1)[-1]} -q"
        )
        steps.append(
            test_step(
                ctx,
                rng,
                "Maybe it expects to be run from the tests directory.",
                "",
                [(ctx.case(rng, "load"), not_found(f"/testbed/{ctx.tests_dir}/data/data/{name}"))],
                code=f"data = {ctx.func}('{name}')",
                command=command,
            )
        )
    steps += [
        Step("Where is the file really?", f"find . -name '{name}' -not -path './.git/*'", f"./{ctx.data_file}\n"),
        Step(
            "The helper joins the name to the current directory, so the result depends on where the tests are started. Anchor it at this module's file instead.",
            f"grep -n 'getcwd\\|__file__\\|HERE' {ctx.source} | head",
            f"{rng.randint(5, 40)}:import os\n{rng.randint(300, 700)}:        base = os.getcwd()\n",
        ),
        Step(
            "Replace the cwd lookup with a path built from __file__.",
            py_edit(
                ctx.source,
                "base = os.getcwd()",
                f"base = os.path.join(os.path.dirname(os.path.abspath(__file__)), {'os.pardir, ' * rng.randint(0, 1)}'tests', 'data')"
                if not ctx.django
                else "base = os.path.dirname(os.path.abspath(__file__))",
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the tests again." if ctx.django else "Run from the repository root."),
    ]
    if not ctx.django:
        steps.append(
            _green(
                ctx,
                rng,
                "And from inside the tests directory, to be sure it no longer depends on cwd.",
                command=f"cd {ctx.tests_dir} && python -m pytest {ctx.test_file.rsplit('/', 1)[-1]} -q",
            )
        )
    return steps


def _symlink_test(ctx: Ctx, case: str, rng: random.Random) -> list[str]:
    return [
        f"def {case}(tmp_path):",
        "    (tmp_path / 'real').mkdir()",
        "    (tmp_path / 'real' / 'a.txt').touch()",
        "    (tmp_path / 'link').symlink_to('real')",
        "    path = str(tmp_path / 'link' / 'a.txt')",
        f"    # paths are made absolute, but symlinks are kept (issue #{rng.randint(1000, 9999)})",
        f"    assert {ctx.func}(path) == path",
    ]


def symlink_sides_resolved(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A resolved path against the link path once; the test read, the helper keeps the given path, green."""
    case = ctx.case(rng, "symlink")
    base = tmp_path_of(rng, case)
    at = rng.randint(50, 500)
    steps = [
        test_step(
            ctx,
            rng,
            "Run the helper's tests.",
            "",
            [(case, f"AssertionError: assert '{base}/real/a.txt' == '{base}/link/a.txt'")],
        ),
        Step(
            "Let me read what that test expects.",
            f"grep -n -A9 'def {case}' {ctx.test_file}",
            "".join(
                f"{at + i}{':' if i == 0 else '-'}{body}\n" for i, body in enumerate(_symlink_test(ctx, case, rng))
            ),
        ),
        Step(
            "The test says symlinks must be kept: my realpath call is wrong here, abspath is what's wanted. Let me check the other call sites don't rely on resolution.",
            f"grep -rn 'realpath' {ctx.source}",
            f"{rng.randint(100, 600)}:    return os.path.realpath(path)\n",
        ),
        Step(
            "Only my change uses it. Switch to abspath.",
            py_edit(ctx.source, "return os.path.realpath(path)", "return os.path.abspath(path)"),
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps.append(
            test_step(
                ctx,
                rng,
                "Rerun.",
                "",
                [
                    (
                        ctx.case(rng, "dedup"),
                        f"AssertionError: assert 2 == 1\n +  where 2 = len(['{base}/link/a.txt', '{base}/real/a.txt'])",
                    )
                ],
            )
        )
        steps.append(
            Step(
                "The dedup still needs the resolved path, but only as the key, not as the value returned.",
                py_edit(ctx.source, "seen.add(path)", "seen.add(os.path.realpath(path))"),
                "patched",
            )
        )
    steps.append(_green(ctx, rng, "Run the tests again."))
    return steps


def tmp_path_adopted(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A fixed /tmp directory left over from an earlier run; the helper given a directory argument, tests use tmp_path."""
    fixed = f"/tmp/{ctx.run.module}-{ctx.stem}-cache"
    steps = [
        test_step(
            ctx,
            rng,
            "Run the tests for the cache helper.",
            "",
            [(ctx.case(rng, "cache"), f"FileExistsError: [Errno 17] File exists: '{fixed}'")],
        )
    ]
    if rng.random() < 0.7:
        steps.append(
            Step(
                "A leftover from a previous run. What's in it?",
                f"ls -la {fixed}",
                f"total 8\ndrwxr-xr-x 2 root root 4096 Mar  3 09:{rng.randint(10, 59)} .\ndrwxrwxrwt 9 root root 4096 Mar  3 09:{rng.randint(10, 59)} ..\n-rw-r--r-- 1 root root   {rng.randint(10, 90)} Mar  3 09:{rng.randint(10, 59)} a.txt\n",
            )
        )
        steps.append(
            test_step(
                ctx,
                rng,
                "Removing it by hand would only hide it. First confirm the second run fails on its own.",
                "",
                [(ctx.case(rng, "cache"), f"FileExistsError: [Errno 17] File exists: '{fixed}'")],
                extra=" -q" if not ctx.django else " --parallel 1",
            )
        )
    steps += [
        Step(
            "The helper hard-codes a shared path. Let it take the directory as an argument defaulting to a fresh mkdtemp, and let the tests pass tmp_path.",
            py_edit(
                ctx.source,
                f"cache_dir = '{fixed}'",
                "cache_dir = tempfile.mkdtemp(prefix='" + ctx.stem + "-') if cache_dir is None else cache_dir",
            ),
            "patched",
        ),
        Step(
            "Import tempfile at the top.", py_edit(ctx.source, "import os\n", "import os\nimport tempfile\n"), "patched"
        ),
        Step(
            "And pass a per-test directory from the tests.",
            py_edit(
                ctx.test_file,
                f"{ctx.func}(",
                f"{ctx.func}(cache_dir=str(tmp_path), " if not ctx.django else f"{ctx.func}(cache_dir=self.tmpdir, ",
                None,
            ),
            "patched",
        ),
        Step(
            "Remove the stale directory once, now that nothing writes there.",
            f"rm -rf {fixed} && ls /tmp | grep -c {ctx.stem} || true",
            "0\n",
        ),
        _green(ctx, rng, "Run the tests."),
        _green(ctx, rng, "And a second time, which used to fail.", extra=" -q" if not ctx.django else " --parallel 1"),
    ]
    return steps


def trailing_slash_stripped_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """basename of 'a/b/' empty; the trailing separator stripped, the root kept, green."""
    steps = [
        test_step(
            ctx,
            rng,
            "Run the path tests.",
            "",
            [(f"test_{ctx.stem}_trailing", "AssertionError: assert '' == 'b'")],
            code=f"assert {ctx.func}(raw) == expected",
        )
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Strip the trailing slash before taking the basename.",
                py_edit(ctx.source, "os.path.basename(path)", "os.path.basename(path.rstrip('/'))"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                "",
                [(f"test_{ctx.stem}_root", "AssertionError: assert '' == '/'")],
                code=f"assert {ctx.func}(raw) == expected",
            ),
        ]
    steps += [
        Step(
            "Let me check the stdlib's behaviour on these inputs before editing again.",
            "python -c \"import os; [print(repr(p), repr(os.path.basename(p.rstrip('/'))), repr(p.rstrip('/') or '/')) for p in ['a/b/', '/', 'a//b', 'b']]\"",
            "'a/b/' 'b' 'a/b'\n'/' '' '/'\n'a//b' 'b' 'a//b'\n'b' 'b' 'b'\n",
        ),
        Step(
            "rstrip turns '/' into ''. Keep the root when nothing is left.",
            py_edit(
                ctx.source,
                "os.path.basename(path)" if len(steps) == 1 else "os.path.basename(path.rstrip('/'))",
                "(os.path.basename(path.rstrip('/')) or path[:1])",
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the path tests again."),
    ]
    return steps


def glob_sorted_at_source(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The listing in disk order once or twice; the one unsorted source found, sorted by name, green on repeat runs."""
    names = rng.sample(["a.txt", "b.txt", "c.txt", "d.cfg"], 3)
    steps = []
    for _ in range(rng.choice([1, 2, 2, 3])):
        got = names[:]
        while got == sorted(names):
            rng.shuffle(got)
        steps.append(
            test_step(
                ctx,
                rng,
                "Run the listing tests." if not steps else "Once more, to see whether it's stable.",
                "",
                [(ctx.case(rng, "files"), f"AssertionError: assert {got!r} == {sorted(names)!r}")],
                extra=" -q" if steps and not ctx.django else "",
            )
        )
    steps += [
        Step(
            "The order changes between runs: nothing sorts the listing. Where is it built?",
            f"grep -n 'listdir\\|glob\\|scandir\\|iterdir' {ctx.source}",
            f"{rng.randint(100, 700)}:    names = os.listdir(path)\n",
        ),
        Step(
            "Sort the names where they are read, so every caller sees a stable order.",
            py_edit(ctx.source, "names = os.listdir(path)", "names = sorted(os.listdir(path))"),
            "patched",
        ),
        _green(ctx, rng, "Run the tests."),
        Step(
            "Repeat it a few times to be sure it's stable.",
            f"for i in 1 2 3; do ({ctx.tests('')}) 2>&1 | tail -1; done",
            "\n".join(
                "OK" if ctx.django else f"{rng.randint(8, 40)} passed in {rng.uniform(0.1, 3):.2f}s" for _ in range(3)
            )
            + "\n",
            seconds=rng.uniform(4, 20),
        ),
    ]
    return steps


def mode_set_explicitly(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The written file 0o600 (from mkstemp) instead of 0o644; the umask checked, the mode set after the rename, green."""
    path = f"{tmp_path_of(rng, ctx.case(rng, 'mode'))}/out.txt"
    steps = [
        test_step(
            ctx,
            rng,
            "Run the writer's tests.",
            "",
            [(ctx.case(rng, "mode"), "AssertionError: assert '0o600' == '0o644'")],
        )
    ]
    if rng.random() < 0.5:
        steps += [
            Step("Maybe the umask is unusual here.", "umask; touch /tmp/m && stat -c '%a' /tmp/m", "0022\n644\n"),
            Step(
                "The umask is normal. Where is the file created?",
                f"grep -n 'mkstemp\\|NamedTemporaryFile\\|os.replace\\|os.rename' {ctx.source}",
                f"{rng.randint(100, 600)}:    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))\n{rng.randint(601, 700)}:    os.replace(tmp, path)\n",
            ),
        ]
    else:
        steps.append(
            Step(
                "Check the file the test wrote.",
                f"stat -c '%a %n' {path} {mkdtemp_name(rng)} 2>&1",
                f"600 {path}\nstat: cannot statx: No such file or directory\n",
                rc=1,
            )
        )
    steps += [
        Step(
            "mkstemp creates the file 0o600 and os.replace keeps that. Give it the usual 0o666 & ~umask before the rename.",
            py_edit(
                ctx.source,
                "    os.replace(tmp, path)",
                "    umask = os.umask(0)\n    os.umask(umask)\n    os.chmod(tmp, 0o666 & ~umask)\n    os.replace(tmp, path)",
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the tests."),
    ]
    return steps
