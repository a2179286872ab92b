# ruff: noqa: E501
"""Productive episodes on the loops' surface: a rebase conflict, a patch that needs --3way, a hook's rewrite,
a commit left on a detached HEAD, a submodule not checked out, a CRLF file — each met once and resolved.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout36.loops_history import _conflict, _markers
from heldout36.loops_tree import _hook_run
from heldout36.text import Ctx, sha, sha40


def _passes(ctx: Ctx, rng: random.Random, thought: str) -> Step:
    return Step(
        thought, ctx.tests(), pytest_output(ctx, rng, ctx.test_file, rng.randint(5, 70), []), seconds=rng.uniform(1, 8)
    )


def rebase_continued(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A rebase onto main stops once on a conflict; it is resolved by hand and the rebase finishes."""
    commit, line = sha(rng), rng.randint(60, 900)
    return [
        Step(
            "Rebase my fix onto main so the diff is against the latest code.",
            "git rebase main",
            _conflict(ctx, rng, commit, ctx.subject),
            rc=1,
        ),
        Step("Look at the conflict.", f"sed -n '{line},{line + 11}p' {ctx.source}", _markers(ctx, rng, commit)),
        Step(
            "Upstream already turns values into a list; my None guard is still needed before it. Keep both, guard first.",
            f"python - <<'EOF'\np = '{ctx.source}'\ns = open(p).read()\nstart = s.index('<<<<<<< HEAD')\nend = s.index('\\n', s.index('>>>>>>> ')) + 1\nmerged = '    if values is None:\\n        return []\\n    values = list(values)\\n'\nopen(p, 'w').write(s[:start] + merged + s[end:])\nprint('resolved')\nEOF",
            "resolved",
        ),
        Step(
            "No markers left? Then continue.",
            f"! grep -n '^<<<<<<<\\|^>>>>>>>' {ctx.source} && git add {ctx.source} && GIT_EDITOR=true git rebase --continue",
            f"[detached HEAD {sha(rng)}] {ctx.subject}\n 1 file changed, {rng.randint(2, 6)} insertions(+)\nSuccessfully rebased and updated refs/heads/{ctx.branch}.",
        ),
        _passes(ctx, rng, "Rebase done. Run the tests on the rebased fix."),
    ]


def patch_applied_3way(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The issue's patch fails on offsets once; --3way applies it and the result is checked."""
    line = rng.randint(80, 900)
    clean = rng.random() < 0.5
    steps = [
        Step(
            "Apply the patch attached to the issue.",
            f"git apply {ctx.patch}",
            f"error: patch failed: {ctx.source}:{line}\nerror: {ctx.source}: patch does not apply",
            rc=1,
        ),
        Step(
            "The context moved since the patch was written. Let git do a three-way merge with the blobs it records.",
            f"git apply --3way {ctx.patch}",
            f"Applied patch to '{ctx.source}' cleanly."
            if clean
            else f"Applied patch to '{ctx.source}' with conflicts.\nU {ctx.source}",
            rc=0 if clean else 1,
        ),
    ]
    if not clean:
        steps.append(
            Step(
                "One small conflict: the patch's guard against upstream's list() call. Take the patch's side.",
                f"git checkout --theirs {ctx.source} && git reset -q {ctx.source}",
                "",
            )
        )
    steps += [
        Step(
            "Check what the patch changed.",
            f"git diff --stat -- {ctx.source}",
            f" {ctx.source} | {rng.randint(4, 12)} ++++++--\n 1 file changed, {rng.randint(3, 9)} insertions(+), {rng.randint(1, 3)} deletions(-)",
        ),
        _passes(ctx, rng, "Applied. Run the tests."),
    ]
    return steps


def hook_satisfied(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The first commit is refused because a formatter rewrote the file; the rewrite is staged and the commit lands."""
    first = ctx.hooks[0]
    return [
        Step(
            "Commit the fix on the branch.",
            f'git add {ctx.source} && git commit -m "{ctx.subject}"',
            _hook_run(ctx, rng, [first], 1),
            rc=1,
            seconds=rng.uniform(3, 10),
        ),
        Step(
            f"{first} reformatted my lines. Look at what it changed.",
            f"git diff -U0 {ctx.source}",
            f"@@ -{rng.randint(60, 900)} +{rng.randint(60, 900)},3 @@\n-    return _{ctx.stem}_impl(values, strict=options.get('strict', False), **options)\n+    return _{ctx.stem}_impl(\n+        values, strict=options.get(\"strict\", False), **options\n+    )",
        ),
        Step(
            "Only formatting. Stage it and commit again.",
            f'git add {ctx.source} && git commit -m "{ctx.subject}"',
            _hook_run(ctx, rng, [], 1)
            + f"\n[{ctx.branch} {sha(rng)}] {ctx.subject}\n 1 file changed, {rng.randint(3, 9)} insertions(+), {rng.randint(1, 3)} deletions(-)",
            seconds=rng.uniform(3, 10),
        ),
        Step(
            "Committed. Confirm the tree is clean.",
            "git status --short && git log --oneline -1",
            f"{sha(rng)} {ctx.subject}",
        ),
    ]


def reflog_recovered_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A commit made on a detached HEAD is left behind once, found in the reflog and cherry-picked for good."""
    tag, lost = f"v{rng.randint(1, 4)}.{rng.randint(0, 12)}.{rng.randint(0, 5)}", sha(rng)
    return [
        Step(
            "Back to my branch after comparing with the old release.",
            f"git checkout {ctx.branch}",
            f"Warning: you are leaving 1 commit behind, not connected to\nany of your branches:\n\n  {lost} {ctx.subject}\n\nIf you want to keep it by creating a new branch, this may be a good time\nto do so with:\n\n git branch <new-branch-name> {lost}\n\nSwitched to branch '{ctx.branch}'",
        ),
        Step(
            "I committed the fix while detached at " + tag + ". Bring that commit onto the branch.",
            f"git cherry-pick {lost}",
            f"[{ctx.branch} {sha(rng)}] {ctx.subject}\n Date: {rng.choice(['Mon', 'Tue', 'Wed', 'Thu'])} Dec {rng.randint(1, 28)} 1{rng.randint(0, 9)}:{rng.randint(10, 59)}:{rng.randint(10, 59)} 2025 +0000\n 1 file changed, {rng.randint(3, 9)} insertions(+), {rng.randint(1, 3)} deletions(-)",
        ),
        Step(
            "From now on I'll compare with a worktree instead of detaching. Check the fix is on the branch.",
            f"git log --oneline -2 -- {ctx.source}",
            f"{sha(rng)} {ctx.subject}\n{sha(rng)} Merge pull request #{rng.randint(9000, 30000)}",
        ),
        _passes(ctx, rng, "The fix is back on the branch. Run the tests."),
    ]


def submodule_synced(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Tests miss a submodule's data once; the submodule was never initialised, and one update fixes it."""
    sub, want = ctx.submodule, sha40(rng)
    data = rng.choice(["cases.json", "expected.txt", "golden.csv"])
    return [
        Step(
            "Run the tests that read the reference data.",
            ctx.tests(" -k data"),
            pytest_output(
                ctx,
                rng,
                ctx.test_file,
                rng.randint(3, 30),
                [
                    (
                        f"test_{ctx.stem}_data",
                        [
                            f"E       FileNotFoundError: [Errno 2] No such file or directory: '/testbed/{sub}/data/{data}'"
                        ],
                        "FileNotFoundError",
                    )
                ],
            ),
            rc=1,
        ),
        Step("Is the submodule checked out?", "git submodule status", f"-{want} {sub}"),
        Step(
            "The leading '-' means it was never initialised. Initialise it.",
            f"git submodule update --init {sub}",
            f"Submodule '{sub}' (/testbed/.git/modules-cache/{sub.split('/')[-1]}) registered for path '{sub}'\nCloning into '/testbed/{sub}'...\ndone.\nSubmodule path '{sub}': checked out '{want}'",
            seconds=rng.uniform(1, 5),
        ),
        _passes(ctx, rng, "Checked out at the recorded commit. Run the tests again."),
    ]


def crlf_normalized_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A whole-file diff from LF written into a CRLF file, seen once; the edit is redone keeping CRLF."""
    total = rng.randint(300, 1400)
    return [
        Step(
            "Check my diff before finishing.",
            "git diff --stat",
            f" {ctx.source} | {2 * total} {'+' * 30}{'-' * 30}\n 1 file changed, {total} insertions(+), {total} deletions(-)",
        ),
        Step(
            "The whole file changed: line endings, probably. Check.",
            f"git ls-files --eol {ctx.source}",
            f"i/crlf  w/lf    attr/                 \t{ctx.source}",
        ),
        Step(
            "The file is stored with CRLF and my edit wrote LF. Convert back to CRLF without touching anything else.",
            f"python - <<'EOF'\np = '{ctx.source}'\ndata = open(p, 'rb').read().replace(b'\\r\\n', b'\\n').replace(b'\\n', b'\\r\\n')\nopen(p, 'wb').write(data)\nprint('ok')\nEOF",
            "ok",
        ),
        Step(
            "Now the diff should be only my change.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(4, 10)} +++++--\n 1 file changed, {rng.randint(3, 8)} insertions(+), {rng.randint(1, 3)} deletions(-)",
        ),
        _passes(ctx, rng, "Just the fix now. Run the tests."),
    ]
