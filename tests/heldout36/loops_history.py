# ruff: noqa: E501
"""Loops in the history: a rebase whose conflict comes back, a mailed patch that never applies, work left
on a detached HEAD and rescued again and again, a stash popped into a conflict and stashed once more.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import pytest_output
from heldout36.text import Ctx, cycle, sha, sha40

_HINTS = (
    'hint: Resolve all conflicts manually, mark them as resolved with\nhint: "git add/rm <conflicted_files>", then run "git rebase --continue".\n'
    'hint: You can instead skip this commit: run "git rebase --skip".\nhint: To abort and get back to the state before "git rebase", run "git rebase --abort".'
)


def _conflict(ctx: Ctx, rng: random.Random, commit: str, subject: str) -> str:
    return f"Auto-merging {ctx.source}\nCONFLICT (content): Merge conflict in {ctx.source}\nerror: could not apply {commit}... {subject}\n{_HINTS}\nCould not apply {commit}... {subject}"


def _markers(ctx: Ctx, rng: random.Random, theirs: str) -> str:
    return "\n".join(
        [
            f"def {ctx.func}(values, **options):",
            "<<<<<<< HEAD",
            f"    values = list(values or ())  # upstream #{rng.randint(9000, 30000)}",
            "    if not values:",
            "        return []",
            "=======",
            "    if values is None:",
            "        return []",
            f">>>>>>> {theirs} ({ctx.subject})",
            f"    return _{ctx.stem}_impl(values, **options)",
        ]
    )


def rebase_conflict_recurs(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Rebasing the fix onto main: each resolution continues into the same conflict at a new commit or line."""
    subjects = [
        ctx.subject,
        f"Handle None in {ctx.func}",
        f"Add test for {ctx.stem}",
        "Address review comments",
        "fixup! " + ctx.subject,
    ]

    def attempt(k: int) -> list[Step]:
        commit, subject = sha(rng), rng.choice(subjects)
        line = rng.randint(60, 900)
        start = rng.choice(
            [
                ("Let me rebase my fix branch onto main so the diff is clean.", "git rebase main"),
                (
                    "Let me try the rebase again, interactively dropping nothing.",
                    f"GIT_SEQUENCE_EDITOR=true git rebase -i main~{rng.randint(0, 3)}",
                ),
                (
                    "Try again with the patience strategy option, maybe it resolves the hunk itself.",
                    "git rebase -X patience main",
                ),
                (
                    "Restart the rebase from scratch.",
                    f"git rebase --abort; git rebase --onto main {sha(rng)} {ctx.branch}",
                ),
                ("Rebase again, this time letting git prefer my side.", "git rebase -X theirs main"),
            ]
        )
        resolve = rng.choice(
            [
                (
                    "Resolve by taking my version of the file.",
                    f"git checkout --theirs {ctx.source} && git add {ctx.source}",
                    "",
                ),
                (
                    "Resolve by keeping upstream's version and re-applying my guard after.",
                    f"git checkout --ours {ctx.source} && git add {ctx.source}",
                    "",
                ),
                (
                    "Remove the conflict markers, keeping both guards.",
                    f"sed -i '/^<<<<<<< HEAD$/d;/^=======$/d;/^>>>>>>> /d' {ctx.source} && git add {ctx.source}",
                    "",
                ),
            ]
        )
        again, again_subject = sha(rng), rng.choice(subjects)
        return [
            Step(start[0], start[1], _conflict(ctx, rng, commit, subject), rc=1),
            Step(
                "Which files are conflicted?",
                rng.choice(["git diff --name-only --diff-filter=U", "git status --short"]),
                f"UU {ctx.source}\n" if k % 2 else f"{ctx.source}\n",
            ),
            Step(
                "Let me look at the conflict.", f"sed -n '{line},{line + 11}p' {ctx.source}", _markers(ctx, rng, commit)
            ),
            Step(resolve[0], resolve[1], resolve[2]),
            Step(
                "Continue the rebase.",
                rng.choice(["GIT_EDITOR=true git rebase --continue", "git -c core.editor=true rebase --continue"]),
                f"[detached HEAD {sha(rng)}] {subject}\n 1 file changed, {rng.randint(2, 9)} insertions(+), {rng.randint(1, 4)} deletions(-)\n"
                + _conflict(ctx, rng, again, again_subject),
                rc=1,
            ),
            Step(
                "It stopped again on the next commit, the same hunk. Let me see how far the rebase got.",
                rng.choice(
                    [
                        "cat .git/rebase-merge/msgnum .git/rebase-merge/end",
                        "ls .git/rebase-merge/ | head",
                        "git status | head -6",
                    ]
                ),
                f"{rng.randint(2, 4)}\n{rng.randint(4, 7)}\n"
                if k % 3 == 0
                else f"interactive rebase in progress; onto {sha(rng)}\nLast commands done ({rng.randint(2, 5)} commands done):\n   pick {again} {again_subject}\nYou are currently rebasing branch '{ctx.branch}' on '{sha(rng)}'.\n",
            ),
        ]

    return cycle(ctx, rng, n, attempt, "the rebase conflict that comes back after every resolution")


def mailbox_patch_never_applies(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The patch attached to the issue: git am, git apply and patch all refuse it, offsets and CRLF drifting."""
    subject = f"[PATCH] Fix {ctx.func} handling of empty input"

    def failed(line: int) -> str:
        return f"error: patch failed: {ctx.source}:{line}\nerror: {ctx.source}: patch does not apply"

    def attempt(k: int) -> list[Step]:
        line = rng.randint(80, 900)
        tries = [
            Step(
                "Apply the issue's patch with git am.",
                f"git am {'-3 ' if k % 2 else ''}{ctx.patch}",
                f"Applying: {subject[8:]}\n{failed(line)}\nPatch failed at 0001 {subject[8:]}\nhint: Use 'git am --show-current-patch=diff' to see the failed patch\n"
                'When you have resolved this problem, run "git am --continue".\nIf you prefer to skip this patch, run "git am --skip" instead.\n'
                'To restore the original branch and stop patching, run "git am --abort".',
                rc=128,
            ),
            Step("Abort the failed am.", "git am --abort", ""),
            Step(
                "Check the patch verbosely to see which hunk fails.",
                f"git apply --check -v {ctx.patch}",
                f"Checking patch {ctx.source}...\nerror: while searching for:\n    if values is None:\n        return []\n\n{failed(line)}",
                rc=1,
            ),
            Step(
                "Maybe whitespace differs. Ignore it.",
                f"git apply --ignore-whitespace --check {ctx.patch}",
                failed(line + rng.randint(-6, 6)),
                rc=1,
            ),
            Step(
                "Let me see the line endings of the patch file.",
                f"file {ctx.patch}",
                f"{ctx.patch}: unified diff output, ASCII text, with CRLF line terminators"
                if k % 2 == 0
                else f"{ctx.patch}: unified diff output, ASCII text",
            ),
            Step(
                "Strip the carriage returns and check again.",
                f"sed -i 's/\\r$//' {ctx.patch} && git apply --check {ctx.patch}",
                f"error: corrupt patch at line {rng.randint(14, 60)}",
                rc=128,
            ),
            Step(
                "Try GNU patch, which tolerates offsets.",
                f"patch -p1 --dry-run {'-l ' if k % 2 else ''}< {ctx.patch}",
                f"checking file {ctx.source}\nHunk #1 FAILED at {line}.\nHunk #2 succeeded at {line + rng.randint(20, 90)} (offset {rng.randint(-40, 40)} lines).\n1 out of 2 hunks FAILED",
                rc=1,
            ),
            Step(
                "Try a three-way apply.",
                f"git apply --3way {ctx.patch}",
                f"error: repository lacks the necessary blob to perform 3-way merge.\nFalling back to direct application...\n{failed(line)}",
                rc=1,
            ),
            Step(
                "Maybe the paths have a different prefix. Try -p0.",
                f"git apply -p{rng.choice([0, 2])} --check {ctx.patch}",
                f"error: {ctx.source.split('/', 1)[-1]}: No such file or directory",
                rc=1,
            ),
            Step(
                "Apply what applies and keep the rejects.",
                f"git apply --reject {ctx.patch}; cat {ctx.source}.rej | head -12",
                f"Checking patch {ctx.source}...\nerror: while searching for:\n    if values is None:\nApplying patch {ctx.source} with 1 reject...\nRejected hunk #1.\ndiff a/{ctx.source} b/{ctx.source}\t(rejected hunks)\n@@ -{line},7 +{line},9 @@ def {ctx.func}(values, **options):",
                rc=1,
            ),
            Step(
                "Roll back the partial apply and remove the reject file.",
                f"git checkout -- {ctx.source} && rm -f {ctx.source}.rej",
                "",
            ),
            Step(
                "Let me look at the hunk header and the context the patch expects.",
                f"grep -n '^@@' {ctx.patch}",
                f"{rng.randint(9, 14)}:@@ -{line},7 +{line},9 @@ def {ctx.func}(values, **options):\n{rng.randint(22, 30)}:@@ -{line + rng.randint(30, 120)},6 +{line + rng.randint(30, 120)},8 @@\n",
            ),
        ]
        start = rng.randrange(len(tries))
        return [tries[(start + i) % len(tries)] for i in range(rng.randint(3, 5))]

    return cycle(ctx, rng, n, attempt, "the issue's patch, which will not apply")


def detached_work_rescued_again(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Comparing with an old tag on a detached HEAD loses the fix; reflog rescues it; the next comparison loses it again."""
    tags = [f"v{rng.randint(1, 4)}.{rng.randint(0, 12)}.{rng.randint(0, 5)}" for _ in range(4)]

    def attempt(k: int) -> list[Step]:
        tag, lost = rng.choice(tags), sha(rng)
        steps = [
            Step(
                f"Let me compare with the old release {tag} to see whether it behaved differently.",
                rng.choice(
                    [
                        f"git checkout {tag}",
                        f"git checkout -q {tag} && git log --oneline -1",
                        f"git switch --detach {tag}",
                    ]
                ),
                f"Note: switching to '{tag}'.\n\nYou are in 'detached HEAD' state. You can look around, make experimental\nchanges and commit them, and you can discard those changes by switching back to a branch.\n\nHEAD is now at {sha(rng)} Release {tag}",
            ),
            Step(
                "Run the tests on the old release.",
                ctx.tests(f" -x{' -k ' + ctx.stem if k % 2 else ''}"),
                pytest_output(ctx, rng, ctx.test_file, rng.randint(20, 80), []),
                seconds=rng.uniform(2, 9),
            ),
            Step(
                "Back to my branch.",
                rng.choice([f"git checkout {ctx.branch}", f"git switch {ctx.branch}", "git checkout -"]),
                f"Warning: you are leaving 1 commit behind, not connected to\nany of your branches:\n\n  {lost} {ctx.subject}\n\nIf you want to keep it by creating a new branch, this may be a good time\nto do so with:\n\n git branch <new-branch-name> {lost}\n\nSwitched to branch '{ctx.branch}'",
            ),
            Step(
                "My fix was committed on the detached HEAD, not on the branch. Let me find it in the reflog.",
                rng.choice(
                    [
                        "git reflog -8",
                        "git reflog | head -10",
                        f"git reflog --date=relative | grep -n '{ctx.func}' | head",
                    ]
                ),
                "\n".join(
                    f"{sha(rng)} HEAD@{{{i}}}: {rng.choice(['checkout: moving from', 'commit:', 'reset: moving to'])} {tag if i % 2 else ctx.branch}"
                    for i in range(rng.randint(5, 9))
                )
                + f"\n{lost} HEAD@{{{rng.randint(2, 6)}}}: commit: {ctx.subject}",
            ),
        ]
        rescue = rng.choice(
            [
                Step(
                    "Cherry-pick it back.",
                    f"git cherry-pick {lost}",
                    f"Auto-merging {ctx.source}\nCONFLICT (content): Merge conflict in {ctx.source}\nerror: could not apply {lost}... {ctx.subject}",
                    rc=1,
                ),
                Step("Take the file from that commit.", f"git checkout {lost} -- {ctx.source}", ""),
                Step(
                    "Keep it on a rescue branch and merge.",
                    f"git branch rescue-{k + 1} {lost} && git merge --no-edit rescue-{k + 1}",
                    f"Updating {sha(rng)}..{lost}\nFast-forward\n {ctx.source} | {rng.randint(3, 12)} +++++--",
                ),
                Step(
                    "Check for dangling commits too.",
                    "git fsck --lost-found 2>/dev/null | head -5",
                    "\n".join(f"dangling commit {sha40(rng)}" for _ in range(rng.randint(2, 5))),
                ),
            ]
        )
        steps.append(rescue)
        if rescue.rc:
            steps.append(
                Step(
                    "Resolve by taking the rescued version.",
                    f"git checkout --theirs {ctx.source} && git add {ctx.source} && git -c core.editor=true cherry-pick --continue",
                    f"[{ctx.branch} {sha(rng)}] {ctx.subject}\n 1 file changed",
                )
            )
        steps.append(
            Step(
                "Is the fix on my branch now?",
                rng.choice(
                    [
                        f"git log --oneline -3 -- {ctx.source}",
                        f"grep -n 'if values is None' {ctx.source}",
                        f"git diff main --stat -- {ctx.source}",
                    ]
                ),
                ""
                if k % 3 == 2
                else f"{sha(rng)} {ctx.subject}\n{sha(rng)} Merge pull request #{rng.randint(9000, 30000)}",
            )
        )
        return steps

    return cycle(ctx, rng, n, attempt, "the fix that keeps getting lost on a detached HEAD")


def stash_pop_reconflict(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The fix stashed to update, popped into a conflict, the conflict stashed again: entries and lines drifting."""

    def attempt(k: int) -> list[Step]:
        depth = k % 4
        base, line = sha(rng), rng.randint(60, 900)
        ref = f"stash@{{{depth}}}"
        return [
            Step(
                rng.choice(
                    [
                        "Stash my fix so I can update the checkout.",
                        "Stash again and retry from a clean tree.",
                        "Put the working changes aside once more.",
                    ]
                ),
                rng.choice(
                    [
                        "git stash",
                        f"git stash push -m 'fix {ctx.stem} try {k + 1}'",
                        "git stash push --include-untracked",
                    ]
                ),
                f"Saved working directory and index state WIP on {ctx.branch}: {base} {ctx.subject}",
            ),
            Step(
                "Update the checkout to the latest main.",
                rng.choice(["git pull --ff-only . main", "git merge --ff-only main", f"git reset --hard main~{depth}"]),
                f"Updating {sha(rng)}..{sha(rng)}\nFast-forward\n {ctx.source} | {rng.randint(4, 30)} ++++++----"
                if depth != 3
                else f"HEAD is now at {sha(rng)} Merge pull request #{rng.randint(9000, 30000)}",
            ),
            Step(
                "Bring my fix back.",
                rng.choice(["git stash pop", f"git stash apply {ref}", "git stash pop --index"]),
                f"Auto-merging {ctx.source}\nCONFLICT (content): Merge conflict in {ctx.source}\nOn branch {ctx.branch}\nUnmerged paths:\n\tboth modified:   {ctx.source}\n\nThe stash entry is kept in case you need it again.",
                rc=1,
            ),
            Step(
                "How many stash entries are there now?",
                rng.choice(["git stash list", "git stash list | head -5"]),
                "\n".join(f"stash@{{{i}}}: WIP on {ctx.branch}: {sha(rng)} {ctx.subject}" for i in range(depth + 2)),
            ),
            rng.choice(
                [
                    Step(
                        "Look at the conflict.",
                        f"sed -n '{line},{line + 8}p' {ctx.source}",
                        _markers(ctx, rng, "Stashed changes"),
                    ),
                    Step(
                        "Apply the stash as a patch instead.",
                        f"git checkout -- {ctx.source} && git stash show -p {ref} | git apply",
                        f"error: patch failed: {ctx.source}:{line}\nerror: {ctx.source}: patch does not apply",
                        rc=1,
                    ),
                    Step(
                        "Take the stashed version of the file.",
                        f"git checkout --theirs {ctx.source} && git diff --stat",
                        f" {ctx.source} | {rng.randint(20, 90)} +++++++-------",
                    ),
                    Step("Reset the conflicted file to main.", f"git checkout main -- {ctx.source}", ""),
                ]
            ),
        ]

    return cycle(ctx, rng, n, attempt, "the stash that conflicts every time I pop it")
