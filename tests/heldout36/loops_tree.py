# ruff: noqa: E501
"""Loops in the working tree: pre-commit hooks rewriting the files so the commit never lands, a submodule
whose pointer never matches, and line endings that make the whole file the diff.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout36.text import Ctx, cycle, sha, sha40


def _hook_run(ctx: Ctx, rng: random.Random, failing: list[str], files: int) -> str:
    names = ["black", "isort", "flake8", "trailing-whitespace", "end-of-file-fixer", "mixed-line-ending", "check-yaml"]
    lines = []
    for name in names:
        dots = "." * (78 - len(name) - 6)
        if name == "check-yaml":
            lines.append(f"{name}{dots}(no files to check)Skipped")
        elif name in failing:
            lines.append(f"{name}{dots}Failed")
            lines.append(f"- hook id: {name}")
            if name == "flake8":
                lines += [
                    "- exit code: 1",
                    "",
                    f"{ctx.source}:{rng.randint(40, 900)}:{rng.randint(60, 99)}: E501 line too long ({rng.randint(80, 104)} > 79 characters)",
                ]
            else:
                lines += ["- files were modified by this hook", ""]
                if name == "black":
                    lines += [
                        f"reformatted {ctx.source}",
                        "",
                        f"All done! \u2728 \U0001f370 \u2728\n{files} file{'s' if files > 1 else ''} reformatted.",
                    ]
                elif name == "isort":
                    lines += [f"Fixing /testbed/{ctx.source}"]
                else:
                    lines += [f"Fixing {ctx.source}"]
            lines.append("")
        else:
            lines.append(f"{name}{dots}Passed")
    return "\n".join(lines)


def precommit_rewrite_cycle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Committing the fix: two hooks undo each other's rewrite, so every commit fails with files modified."""
    first, second = ctx.hooks

    def attempt(k: int) -> list[Step]:
        failing = [first, second] if k % 3 != 1 else [rng.choice([first, second]), "flake8"]
        message = rng.choice(
            [ctx.subject, f"{ctx.subject} (#{rng.randint(9000, 30000)})", f"Fix {ctx.stem}: handle None"]
        )
        steps = [
            Step(
                rng.choice(
                    [
                        "Commit the fix.",
                        "Stage what the hooks changed and commit again.",
                        "Commit once more now that the files are formatted.",
                    ]
                ),
                rng.choice(
                    [
                        f'git add -u && git commit -m "{message}"',
                        f'git commit -am "{message}"',
                        f'git add {ctx.source} && git commit -q -m "{message}"',
                    ]
                ),
                _hook_run(ctx, rng, failing, rng.randint(1, 3)),
                rc=1,
                seconds=rng.uniform(3, 12),
            ),
            Step(
                "What did the hooks change this time?",
                rng.choice(["git diff --stat", f"git diff -U1 {ctx.source} | head -20", "git status --short"]),
                f" {ctx.source} | {rng.randint(2, 14)} +++++-----\n 1 file changed, {rng.randint(1, 7)} insertions(+), {rng.randint(1, 7)} deletions(-)"
                if k % 2
                else f"@@ -{rng.randint(60, 900)},4 +{rng.randint(60, 900)},5 @@\n-from .utils import ({ctx.func}, _{ctx.stem}_impl)\n+from .utils import (\n+    {ctx.func},\n+    _{ctx.stem}_impl,\n+)",
            ),
        ]
        steps.append(
            rng.choice(
                [
                    Step(
                        "Run the hooks over everything until they settle.",
                        "pre-commit run --all-files | tail -8",
                        _hook_run(ctx, rng, [first, second], rng.randint(12, 80)),
                        rc=1,
                        seconds=rng.uniform(20, 70),
                    ),
                    Step(
                        f"Make {first} and {second} agree: give isort the black profile.",
                        "printf '[tool.isort]\\nprofile = \"black\"\\n' >> pyproject.toml && git add pyproject.toml",
                        "",
                    ),
                    Step(
                        f"Skip {second} for this commit.",
                        f'SKIP={second} git commit -am "{message}"',
                        _hook_run(ctx, rng, [first], 1),
                        rc=1,
                        seconds=rng.uniform(3, 10),
                    ),
                    Step(
                        "Which versions does the hook config pin?",
                        "grep -n -A2 'repo:' .pre-commit-config.yaml | head -16",
                        f"3:  - repo: https://github.com/psf/black\n4:    rev: {rng.randint(22, 24)}.{rng.randint(1, 12)}.0\n7:  - repo: https://github.com/PyCQA/isort\n8:    rev: {rng.randint(5, 5)}.{rng.randint(10, 13)}.{rng.randint(0, 4)}\n",
                    ),
                    Step(
                        "Format the file by hand first.",
                        f"black -q {ctx.source} && isort -q {ctx.source} && git add {ctx.source}",
                        "",
                    ),
                    Step(
                        "Did anything get committed at all?",
                        "git log --oneline -2",
                        f"{sha(rng)} Merge pull request #{rng.randint(9000, 30000)} from {ctx.run.owner}/main\n{sha(rng)} Update changelog",
                    ),
                ]
            )
        )
        return steps

    return cycle(ctx, rng, n, attempt, "the pre-commit hooks that keep rewriting the file so the commit never lands")


def submodule_pointer_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The tests need a submodule's data: update, sync, deinit and checkout never bring it to the recorded commit."""
    sub = ctx.submodule
    url = f"https://github.com/{ctx.run.owner}/{sub.split('/')[-1]}.git"

    def attempt(k: int) -> list[Step]:
        want, have = sha40(rng), sha40(rng)
        data = rng.choice(["cases.json", "expected.txt", "reference.fits", "golden.csv", "schema.yaml"])
        tries = [
            Step(
                "Run the tests that read the submodule's data.",
                ctx.tests(f" -k {rng.choice(['data', 'fixture', 'reference', ctx.stem])}"),
                pytest_output(
                    ctx,
                    rng,
                    ctx.test_file,
                    rng.randint(3, 30),
                    [
                        (
                            f"test_{ctx.stem}_{data.split('.')[0]}",
                            [
                                f"E       FileNotFoundError: [Errno 2] No such file or directory: '/testbed/{sub}/data/{data}'"
                            ],
                            "FileNotFoundError",
                        )
                    ],
                ),
                rc=1,
                seconds=rng.uniform(1, 6),
            ),
            Step(
                "Which commit is the submodule at?",
                "git submodule status",
                f"{rng.choice('+-U')}{have} {sub} (heads/main-{rng.randint(1, 40)}-g{have[:7]})",
            ),
            Step(
                "Update the submodule to the recorded commit.",
                rng.choice(
                    [
                        "git submodule update --init",
                        "git submodule update --init --recursive",
                        f"git submodule update --init --force {sub}",
                    ]
                ),
                rng.choice(
                    [
                        f"Cloning into '/testbed/{sub}'...\nfatal: unable to access '{url}/': Could not resolve host: github.com\nfatal: clone of '{url}' into submodule path '/testbed/{sub}' failed",
                        f"error: Server does not allow request for unadvertised object {want}\nFetched in submodule path '{sub}', but it did not contain {want}. Direct fetching of that commit failed.",
                        f"fatal: remote error: upload-pack: not our ref {want}\nfatal: Fetched in submodule path '{sub}', but it did not contain {want[:12]}",
                    ]
                ),
                rc=1,
                seconds=rng.uniform(2, 25),
            ),
            Step(
                "Sync the URL in case it moved.",
                "git submodule sync --recursive",
                f"Synchronizing submodule url for '{sub}'",
            ),
            Step(
                "Check out the recorded commit inside it.",
                f"git -C {sub} checkout {want[: rng.choice([7, 12, 40])]}",
                f"fatal: reference is not a tree: {want[:12]}",
                rc=128,
            ),
            Step(
                "What does the superproject record?",
                f"git diff {sub}",
                f"diff --git a/{sub} b/{sub}\nindex {want[:7]}..{have[:7]} 160000\n--- a/{sub}\n+++ b/{sub}\n@@ -1 +1 @@\n-Subproject commit {want}\n+Subproject commit {have}",
            ),
            Step(
                "Start over: deinit and re-init.",
                f"git submodule deinit -f {sub} && git submodule update --init {sub}",
                f"Cleared directory '{sub}'\nSubmodule '{sub}' ({url}) unregistered for path '{sub}'\nSubmodule '{sub}' ({url}) registered for path '{sub}'\nfatal: destination path '/testbed/{sub}' already exists and is not an empty directory.",
                rc=128,
            ),
            Step(
                "Let me see the .gitmodules entry.",
                "cat .gitmodules",
                f'[submodule "{sub}"]\n\tpath = {sub}\n\turl = {url}\n\tbranch = main',
            ),
            Step(
                "Record whatever commit is checked out.",
                f"git -C {sub} fetch --depth {rng.choice([1, 10, 50])} origin && git add {sub}",
                f"fatal: unable to access '{url}/': Could not resolve host: github.com",
                rc=128,
            ),
            Step(
                "What does the submodule directory hold?",
                f"ls {sub} {sub}/data 2>&1 | head",
                f"ls: cannot access '{sub}/data': No such file or directory\n{sub}:\nREADME.md"
                if k % 2
                else f"ls: cannot access '{sub}/data': No such file or directory\n{sub}:",
            ),
        ]
        start = rng.randrange(len(tries))
        return [tries[(start + i) % len(tries)] for i in range(rng.randint(3, 5))]

    return cycle(ctx, rng, n, attempt, f"the {sub} submodule, which never gets to the recorded commit")


def line_ending_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The edit rewrote a CRLF file with LF: the whole file is the diff, and every normalisation moves it again."""
    total = rng.randint(300, 1400)

    def stat(whole: bool) -> str:
        changed = total + rng.randint(-4, 6) if whole else rng.randint(3, 9)
        return f" {ctx.source} | {2 * changed} {'+' * 30}{'-' * 30}\n 1 file changed, {changed} insertions(+), {changed} deletions(-)"

    def attempt(k: int) -> list[Step]:
        tries = [
            Step(
                "Check the size of my diff.",
                rng.choice(["git diff --stat", f"git diff --stat -- {ctx.source}", "git diff --shortstat"]),
                stat(True),
            ),
            Step(
                "Why is the whole file changed? Check its line endings.",
                rng.choice([f"file {ctx.source}", f"git ls-files --eol {ctx.source}"]),
                f"{ctx.source}: Python script, ASCII text executable"
                if k % 2
                else f"i/crlf  w/lf    attr/                 \t{ctx.source}",
            ),
            Step(
                "Compare ignoring carriage returns.", f"git diff --ignore-cr-at-eol --stat -- {ctx.source}", stat(False)
            ),
            Step(
                "Let git convert on the way in.",
                rng.choice(
                    ["git config core.autocrlf input", "git config core.autocrlf true", "git config core.eol crlf"]
                ),
                "",
            ),
            Step(
                "Renormalise the index.",
                rng.choice(
                    [
                        "git add --renormalize . && git diff --cached --stat",
                        f"git add --renormalize {ctx.source} && git status --short",
                    ]
                ),
                stat(True) if k % 2 else f"M  {ctx.source}\n",
            ),
            Step(
                "Convert the file back to CRLF.",
                rng.choice([f"unix2dos {ctx.source}", f"sed -i 's/$/\\r/' {ctx.source}"]),
                "bash: unix2dos: command not found" if k % 3 == 0 else "",
                rc=127 if k % 3 == 0 else 0,
            ),
            Step(
                "Maybe .gitattributes decides it.",
                rng.choice(["cat .gitattributes", "git check-attr -a -- " + ctx.source]),
                rng.choice(
                    [
                        "*.py text eol=crlf\n*.fits binary",
                        f"{ctx.source}: text: auto",
                        "cat: .gitattributes: No such file or directory",
                    ]
                ),
            ),
            Step(
                "Add an attribute for Python files.",
                rng.choice(
                    [
                        "echo '*.py text eol=lf' >> .gitattributes",
                        "echo '*.py -text' >> .gitattributes",
                        "printf '* text=auto\\n' > .gitattributes",
                    ]
                ),
                "",
            ),
            Step(
                "Strip the carriage returns everywhere in the file.",
                f"sed -i 's/\\r$//' {ctx.source} && git diff --shortstat",
                f" 1 file changed, {total + rng.randint(-3, 3)} insertions(+), {total + rng.randint(-3, 3)} deletions(-)",
            ),
            Step(
                "Count the CRLF lines left.",
                f"grep -c $'\\r' {ctx.source}",
                str(left := rng.choice([0, total, total // 2, rng.randint(1, 40)])),
                rc=0 if left else 1,
            ),
            Step("Reset the index and look again.", "git reset -q && git diff --stat", stat(True)),
        ]
        start = rng.randrange(len(tries))
        return [tries[(start + i) % len(tries)] for i in range(rng.randint(3, 5))]

    return cycle(ctx, rng, n, attempt, "line endings: the whole file keeps showing up in the diff")
