"""Loops that go round edit, run, read and undo: candidate patches, a pre-existing failure, reinstalls.

Each builder makes round after round of the same few steps, worded, ordered and valued a little differently each
time, and cuts the stream to the tail's length, the last answer submitting.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import finish, pytest_output, submit
from heldout28.text import (
    Ctx,
    edit,
    failure,
    pytest_cmd,
    python_version,
    sha,
    shell,
    subject,
)

CANDIDATES = (
    (
        "if value is None:\n        return value",
        "if value is None:\n        return default",
        "return the default for None",
    ),
    ("result = list(values)", "result = [v for v in values if v is not None]", "drop the None entries up front"),
    ("return result", "return tuple(result)", "return an immutable result"),
    ("key=str", "key=repr", "sort by repr instead of str"),
    ("options.get(name)", "options.get(name, {}).copy()", "copy the options before using them"),
)
BROKEN = (
    ("test_{s}_default_roundtrip", "AssertionError", "'auto'", "None"),
    ("test_{s}_keeps_placeholders", "AssertionError", "4", "3"),
    ("test_{s}_result_is_list", "AssertionError", "[1, 2]", "(1, 2)"),
    ("test_{s}_ordering_stable", "AssertionError", "['a', 'b', 'c']", "['b', 'a', 'c']"),
    ("test_{s}_options_shared", "AssertionError", "True", "False"),
)
_REVERT = ("git checkout -- {src}", "git restore {src}", "git diff {src} | git apply -R", "git checkout HEAD -- {src}")


def _revert(rng: random.Random, ctx: Ctx) -> str:
    return rng.choice(_REVERT).replace("{src}", ctx.source)


def patch_rotation(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Candidate patches tried in turn: each fixes the issue's test and breaks another, is reverted, and comes back."""
    steps: list[Step] = []
    order = list(range(len(CANDIDATES)))
    rng.shuffle(order)
    rnd = 0
    passed = rng.randint(18, 60)
    lines = {i: rng.randint(40, 900) for i in order}
    while len(steps) < 60:
        for i in order:
            old, new, what = CANDIDATES[i]
            broken, error, want, got = BROKEN[i]
            broken = broken.replace("{s}", ctx.stem)
            tweak = rng.choice(["", "  # issue", "  # fallback", "  # keep behaviour"]) if rnd else ""
            again = " again, more carefully this time" if rnd else ""
            steps.append(
                shell(
                    rng.choice([f"Let me try to {what}{again}.", f"Another option is to {what}{again}; applying it."]),
                    edit(ctx, old, new + tweak),
                    "ok",
                )
            )
            steps.append(
                shell(
                    rng.choice(
                        [
                            f"Check that the issue's test passes with this candidate (round {rnd + 1}).",
                            "Does the issue's own test pass now?",
                            "First the regression test.",
                        ]
                    ),
                    pytest_cmd(rng, f"{ctx.test_file}::{ctx.test_name}"),
                    pytest_output(ctx, rng, f"{ctx.test_file}::{ctx.test_name}", 1, []),
                )
            )
            line = lines[i] + rng.choice([0, 0, 1, 2])
            fail = failure(ctx, rng, broken, error, got, want, line + 3)
            out = pytest_output(ctx, rng, ctx.test_file, passed + rng.choice([0, 0, 1]), [fail])
            steps.append(
                shell(
                    rng.choice(
                        [
                            "Now the whole test module, to be sure nothing else moved.",
                            "Passes. And the rest of the module?",
                            "Good; run the full file to check for side effects.",
                        ]
                    ),
                    pytest_cmd(rng, ctx.test_file),
                    out,
                    rc=1,
                )
            )
            if rng.random() < 0.7:
                body = [f"def {broken}():", "    sample = make_sample()", f"    result = {ctx.func}(sample)"]
                body += [f"    assert result == {want}"]
                grep = rng.random() < 0.5
                steps.append(
                    shell(
                        rng.choice([f"{broken} fails now. Let me read it.", f"What does {broken} expect?"]),
                        f"grep -n -A3 'def {broken}' {ctx.test_file}"
                        if grep
                        else f"sed -n '{line},{line + 3}p' {ctx.test_file}",
                        "\n".join(f"{line + j}{':' if j == 0 else '-'}{text}" for j, text in enumerate(body))
                        if grep
                        else "\n".join(body),
                    )
                )
            steps.append(
                shell(
                    rng.choice(
                        [
                            f"That candidate breaks {broken}. Reverting it and trying the next idea.",
                            f"No good, {broken} depends on the old behaviour. Undo.",
                        ]
                    ),
                    _revert(rng, ctx),
                    "",
                )
            )
            if rng.random() < 0.5:
                steps.append(
                    shell(
                        "Make sure the tree is clean before the next attempt.",
                        rng.choice(["git status --short", "git diff --stat", f"git diff {ctx.source} | head -5"]),
                        rng.choice(["", f"?? {ctx.repro}"]),
                    )
                )
        rnd += 1
        rng.shuffle(order)
    last = submit(
        rng.choice(
            [
                "Every candidate fixes the issue but breaks a different existing test, and I keep going round them. "
                "I'll submit the least invasive one as it stands.",
                "I've cycled through these patches several times without one that keeps the suite green. Submitting.",
            ]
        )
    )
    return finish(steps, n, last)


def apply_revert_recheck(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A failure the fix did not cause: applied, run, reverted, run, re-applied, run, round and round."""
    other = rng.choice(["test_repr_locale", "test_pickle_roundtrip", "test_warns_on_legacy", "test_html_output"])
    other = f"{other}_{ctx.stem}"
    log = [f"{sha(rng)[:9]} {subject(rng)}" for _ in range(3)]
    steps: list[Step] = []
    k = 0
    prev = ""
    got, want = rng.choice([("'1,5'", "'1.5'"), ("b'\\x80\\x04'", "b'\\x80\\x03'"), ("0", "1"), ("'&lt;'", "'<'")])
    passed, line = rng.randint(40, 300), rng.randint(60, 900)
    while len(steps) < 60:
        k += 1
        patch = f"/tmp/fix{rng.choice(['', '_', '-'])}{k}.patch"
        fail = failure(ctx, rng, other, "AssertionError", got, want, line)
        suite = ctx.test_file
        steps.append(
            shell(
                rng.choice(
                    [
                        "Apply my fix again and run the wider suite.",
                        "Re-applying the fix to see whether that failure comes with it.",
                    ]
                ),
                f"git apply {prev}" if prev else edit(ctx, "return result", "return out"),
                "" if prev else "ok",
            )
        )
        prev = patch
        steps.append(
            shell(
                rng.choice(["Run the tests with the fix in.", "Now the module's tests, fix applied.", "Tests again."]),
                pytest_cmd(rng, suite),
                pytest_output(ctx, rng, suite, passed, [fail]),
                rc=1,
            )
        )
        steps.append(
            shell(
                f"{other} fails. Is that my change? Save the fix and revert it to compare.",
                f"git diff > {patch} && git checkout -- {ctx.source} && git status --short",
                f"?? {ctx.repro}\n?? {patch.rsplit('/', 1)[-1]}" if rng.random() < 0.3 else f"?? {ctx.repro}",
            )
        )
        steps.append(
            shell(
                rng.choice(["Same test without the fix.", f"And {other} on the original code."]),
                pytest_cmd(rng, f"{ctx.test_file}::{other}"),
                pytest_output(ctx, rng, ctx.test_file, 0, [fail]),
                rc=1,
            )
        )
        if rng.random() < 0.6:
            looks = [
                (f"git log -3 --format='%h %s' -- {ctx.test_file}", "\n".join(log[:3])),
                (
                    f"grep -n 'def {other}' -A3 {ctx.test_file}",
                    f"{line - 3}:def {other}():\n{line - 2}-    sample = ...",
                ),
                ("git stash list", ""),
                ("git status --short", f"?? {ctx.repro}"),
            ]
            look, seen = rng.choice(looks)
            steps.append(
                shell(
                    rng.choice(
                        [
                            "It fails without my change too... but maybe something I left behind causes it.",
                            "Fails on the original code as well? I don't quite trust that yet.",
                        ]
                    ),
                    look,
                    seen,
                )
            )
        steps.append(
            shell(
                rng.choice(
                    [
                        f"Let me run {other} alone once more, verbosely, to be certain.",
                        f"I'm still not sure about {other}; run it in isolation.",
                    ]
                ),
                f"python -m pytest {ctx.test_file} -k {other} -vv -p no:randomly"
                if k % 2
                else f"python -m pytest '{ctx.test_file}::{other}' --tb=long",
                pytest_output(ctx, rng, ctx.test_file, 0, [fail]),
                rc=1,
            )
        )
    last = submit(
        f"{other} keeps failing with and without my change and I can't settle which. Submitting the fix as it is."
    )
    return finish(steps, n, last)


def reinstall_ritual(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The same assertion after every reinstall: uninstall, install, purge caches, check the import, run, read."""
    steps: list[Step] = []
    version = f"{rng.randint(0, 5)}.{rng.randint(0, 30)}.dev{rng.randint(10, 900)}+g{sha(rng)[:9]}"
    got, line, at = rng.randint(2, 9), rng.randint(60, 900), rng.randint(100, 900)
    fail = failure(ctx, rng, ctx.test_name, "AssertionError", str(got), str(got - 1), line)
    shown = {
        "show": f"Name: {ctx.dist}\nVersion: {version}\nLocation: {ctx.site}\nEditable project location: /testbed",
        "diff": f"@@ -{at},7 +{at},8 @@ def {ctx.func}(items, **kwargs):\n"
        "-    count = len(items)\n+    count = len(items) - 1 if items else 0",
        "grep": f"{at + 3}:    count = len(items) - 1 if items else 0",
    }
    while len(steps) < 60:
        uninstall = shell(
            rng.choice(
                [
                    "Maybe an old build is still being imported. Uninstall it first.",
                    f"Remove the installed {ctx.dist} completely.",
                    "Start from a clean slate: uninstall.",
                ]
            ),
            rng.choice([f"pip uninstall -y {ctx.dist}", f"python -m pip uninstall -y {ctx.dist}"]),
            f"Found existing installation: {ctx.dist} {version}\nUninstalling {ctx.dist}-{version}:\n"
            f"  Successfully uninstalled {ctx.dist}-{version}",
        )
        install = shell(
            rng.choice(["Reinstall from the working tree.", "Install it again, editable.", "And reinstall."]),
            rng.choice(
                [
                    "pip install -e . -q 2>&1 | tail -n 3",
                    "python -m pip install --no-build-isolation -e . 2>&1 | tail -n 4",
                    "pip install -e . --no-deps 2>&1 | tail -n 2",
                ]
            ),
            f"Successfully installed {ctx.dist}-{version}",
            seconds=rng.uniform(8, 40),
        )
        wipe = rng.choice(
            [
                "find . -name '__pycache__' -type d -prune -exec rm -rf {} + ; echo cleared",
                "find . -name '*.pyc' -delete && rm -rf .pytest_cache && echo cleared",
                'python -c "import pathlib,shutil; '
                "[shutil.rmtree(p) for p in pathlib.Path('.').rglob('__pycache__')]\"",
            ]
        )
        clear = shell(
            rng.choice(["Clear the bytecode caches too.", "Stale .pyc files could also explain it; remove them."]),
            wipe,
            "cleared" if "echo" in wipe else "",
        )
        cmd = rng.choice(
            [
                f"python -c 'import {ctx.dotted} as m; print(m.__file__)'",
                f"python -c 'import {ctx.run.module}, os; print(os.path.dirname({ctx.run.module}.__file__))'",
                f"pip show {ctx.dist} | head -n 4",
            ]
        )
        where = shell(
            rng.choice(["Confirm which copy is imported.", "Which file does Python pick up now?"]),
            cmd,
            shown["show"]
            if "pip show" in cmd
            else f"/testbed/{ctx.source}"
            if "as m" in cmd
            else f"/testbed/{ctx.run.package}",
        )
        test = shell(
            rng.choice(
                [
                    "Run the test again on the fresh install.",
                    "Now the failing test.",
                    "Let's see if the reinstall made the difference.",
                ]
            ),
            pytest_cmd(rng, f"{ctx.test_file}::{ctx.test_name}"),
            pytest_output(ctx, rng, ctx.test_file, 0, [fail]),
            rc=1,
        )
        cmds = [clear, uninstall, install] if rng.random() < 0.4 else [uninstall, install, clear]
        cmds += [where, test] if rng.random() < 0.7 else [test, where]
        if rng.random() < 0.6:
            cmd = rng.choice([f"git diff {ctx.source}", f"grep -n 'count = len(items)' {ctx.source}"])
            cmds.append(
                shell(
                    rng.choice(
                        [
                            f"Still {got} instead of {got - 1}. Is my change even in the file?",
                            "Same failure. Let me look at my change once more.",
                        ]
                    ),
                    cmd,
                    shown["diff" if "diff" in cmd else "grep"],
                )
            )
        if rng.random() < 0.3:
            cmds.insert(
                rng.randint(1, len(cmds)),
                shell("Which interpreter is this?", "which python && python --version", python_version(ctx)),
            )
        steps += cmds
    last = submit("Reinstalling doesn't change the result; I'm going in circles. Submitting what I have.")
    return finish(steps, n, last)
