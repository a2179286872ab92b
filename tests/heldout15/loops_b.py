"""Loop tails, part two: git state confusion, infinite recursion, print-and-stare."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from heldout15.common import address, compose, duration, short_hash
from heldout15.replies import result, timed_out
from heldout15.runs import Repo, Step


def git_state_confusion(rng: random.Random, repo: Repo, n: int) -> list[Step]:
    head = short_hash(rng)[:7]
    base = short_hash(rng)[:7]
    other = rng.choice(
        [
            repo.target.rsplit("/", 1)[0] + "/__init__.py",
            f"{repo.src}/utils.py" if repo.name != "sympy" else "sympy/core/basic.py",
        ]
    )
    files = [repo.target, other]
    stashes = rng.randint(0, 1)
    steps: list[Step] = []

    def status() -> str:
        state = rng.choice(
            [
                f"HEAD detached at {head}\nYou are in the middle of an am session.\n",
                f"HEAD detached from {base}\n",
                'On branch main\nYou have unmerged paths.\n  (fix conflicts and run "git commit")\n  (use "git merge --abort" to abort the merge)\n',
                f"interactive rebase in progress; onto {base}\nLast command done (1 command done):\n   pick {head} WIP on main\nNo commands remaining.\n",
            ]
        )
        unmerged = "\n".join(f"\tboth modified:   {f}" for f in rng.sample(files, rng.randint(1, 2)))
        untracked = "\n".join(
            rng.sample(
                ["reproduce_issue.py", "test_fix.py", f"{repo.target}.orig", f"{repo.target}.rej", "patch.diff"],
                rng.randint(1, 3),
            )
        )
        return (
            f'{state}\nUnmerged paths:\n  (use "git add <file>..." to mark resolution)\n{unmerged}\n\n'
            f'Untracked files:\n  (use "git add <file>..." to include in what will be committed)\n\t{untracked.replace(chr(10), chr(10) + chr(9))}\n\n'
            'no changes added to commit (use "git add" and/or "git commit -a")\n'
        )

    moves: list[tuple[str, str, Callable[[], tuple[int, str]]]] = [
        (
            "git stash",
            "I'll stash my changes so I can compare against the original behaviour.",
            lambda: (
                0,
                f"Saved working directory and index state WIP on (no branch): {head} {rng.choice(['Fixed', 'Merge pull request', 'Refs'])} #{rng.randint(10000, 35000)} -- {rng.choice(['Fixed', 'Added', 'Refactored'])} ...\n",
            ),
        ),
        (
            "git stash pop",
            "Now bring my changes back.",
            lambda: (
                1,
                f"Auto-merging {rng.choice(files)}\nCONFLICT (content): Merge conflict in {rng.choice(files)}\nThe stash entry is kept in case you need it again.\n",
            ),
        ),
        (
            f"git checkout {rng.choice(['main', 'master', '-'])}",
            "Let me get back onto the branch first.",
            lambda: (
                1,
                f"error: Your local changes to the following files would be overwritten by checkout:\n\t{rng.choice(files)}\nPlease commit your changes or stash them before you switch branches.\nAborting\n",
            ),
        ),
        (
            f"git checkout {base} -- {repo.target}",
            "I'll restore the original version of the file from the base commit and redo the edit cleanly.",
            lambda: (1, f"error: path '{repo.target}' is unmerged\n"),
        ),
        ("git status", "Let me look at the state of the working tree.", lambda: (0, status())),
        (
            "git merge --abort",
            "Abort whatever merge is in progress.",
            lambda: (128, "fatal: There is no merge to abort (MERGE_HEAD missing).\n"),
        ),
        (
            "git reset --merge",
            "`git reset --merge` should clear the unmerged state without losing my edits.",
            lambda: (0, ""),
        ),
        (
            "git stash list",
            "How many stash entries do I have now?",
            lambda: (
                0,
                "".join(
                    f"stash@{{{i}}}: WIP on (no branch): {head} Fixed #{rng.randint(10000, 35000)}\n"
                    for i in range(stashes + 1)
                ),
            ),
        ),
        (
            f"git diff {repo.target} | head -n 40",
            "Let me see what the file looks like now.",
            lambda: (
                0,
                f"diff --cc {repo.target}\nindex {short_hash(rng)[:10]},{short_hash(rng)[:10]}..0000000000\n--- a/{repo.target}\n+++ b/{repo.target}\n@@@ -{rng.randint(20, 400)},7 -{rng.randint(20, 400)},7 +{rng.randint(20, 400)},11 @@@\n++<<<<<<< Updated upstream\n +        return self._cache.get(key)\n++=======\n+         value = self._cache.get(key)\n+         return value if value is not None else default\n++>>>>>>> Stashed changes\n",
            ),
        ),
        (
            f"git checkout --theirs {repo.target} && git add {repo.target}",
            "Take my stashed version of the file and mark it resolved.",
            lambda: (0, ""),
        ),
        (
            f"git switch -c fix-{rng.choice(['issue', 'bug', 'pr'])}",
            "I'll put the work on a branch to get out of detached HEAD.",
            lambda: (
                128,
                'fatal: cannot switch branch while merging\nConsider "git merge --quit" or "git worktree add".\n',
            ),
        ),
        (
            "git rebase --continue",
            "The rebase seems to be waiting. Continue it.",
            lambda: (
                1,
                f"{repo.target}: needs merge\nYou must edit all merge conflicts and then\nmark them as resolved using git add\n",
            ),
        ),
        (
            "git log --oneline -5",
            "Where is HEAD relative to the base commit?",
            lambda: (
                0,
                f"{head} (HEAD) WIP on main\n{base} {rng.choice(['Fixed', 'Refs', 'Merged'])} #{rng.randint(10000, 35000)} -- ...\n"
                + "".join(
                    f"{short_hash(rng)[:7]} {rng.choice(['Fixed', 'Refs', 'Added'])} #{rng.randint(10000, 35000)}\n"
                    for _ in range(3)
                ),
            ),
        ),
        (
            f"git stash apply stash@{{{rng.randint(0, 2)}}}",
            "Apply the earlier stash instead of popping.",
            lambda: (
                1,
                f"error: Your local changes to the following files would be overwritten by merge:\n\t{rng.choice(files)}\nPlease commit your changes or stash them before you merge.\nAborting\n",
            ),
        ),
    ]
    order = list(range(1, len(moves)))
    steps.append(
        Step(
            compose(
                rng,
                [
                    "Before going further I want to confirm the test fails without my change. I'll stash my edits, run it on the original code, and pop them back.",
                    f"I'd like to see the behaviour of the original `{repo.target}`. Stashing my changes is the quickest way.",
                ],
                ["", "Then `git stash pop` restores everything."],
            ),
            "git stash",
            result(0, moves[0][2]()[1]),
            0.3,
        ),
    )
    steps.append(
        Step(
            f"I've checked the original behaviour with `{repo.test(repo.target)}` in my head; the PR's example fails there as expected. Let me restore my changes.",
            "git stash pop",
            result(
                1,
                f"Auto-merging {repo.target}\nCONFLICT (content): Merge conflict in {repo.target}\nThe stash entry is kept in case you need it again.\n",
            ),
            0.3,
        )
    )
    while len(steps) < n:
        rng.shuffle(order)
        for index in order[: rng.randint(4, 8)]:
            command, why, outcome = moves[index]
            code, output = outcome()
            if command == "git stash":
                stashes += 1
            steps.append(
                Step(
                    compose(
                        rng,
                        [
                            "",
                            "The tree is still not clean.",
                            "That did not work: git still reports a conflict.",
                            "Hmm, git is refusing again.",
                            f"I'm still not back to a clean tree; `{repo.target}` keeps showing up as modified or unmerged.",
                        ],
                        [why],
                        ["", "Once the tree is clean I can re-apply the fix in one go and run the tests."],
                    ),
                    command,
                    result(code, output),
                    0.3,
                )
            )
    return steps[:n]


def infinite_recursion(rng: random.Random, repo: Repo, n: int) -> list[Step]:
    script = repo.script or rng.choice(["reproduce_issue.py", "reproduce.py"])
    cls = rng.choice(["LazyObject", "Proxy", "Wrapper", "Node", "Expr", "Options", "Settings", "Quantity"])
    methods = [
        "__getattr__",
        "__eq__",
        "__hash__",
        "__repr__",
        "__setattr__",
        "__deepcopy__",
        "_eval_is_zero",
        "__len__",
        "copy",
    ]
    kinds = [
        "maximum recursion depth exceeded",
        "maximum recursion depth exceeded while calling a Python object",
        "maximum recursion depth exceeded in comparison",
        "maximum recursion depth exceeded while getting the repr of an object",
    ]
    fixes = [
        (
            "object.__getattribute__(self, '_wrapped')",
            "use `object.__getattribute__` so the lookup of `_wrapped` does not go through `__getattr__` again",
        ),
        ("self.__dict__.get('_wrapped')", "read `_wrapped` straight from `__dict__`"),
        (
            "if name.startswith('__'): raise AttributeError(name)",
            "bail out early for dunder names, which `copy`/`pickle` probe",
        ),
        ("super().__eq__(other)", "delegate to `super().__eq__` instead of comparing `self == other`"),
        ("id(self)", "hash on `id(self)` so hashing does not compare"),
        ("self._setup() if self._wrapped is empty else None", "only call `_setup()` when `_wrapped` is still empty"),
        ("type(self).__name__", "build the repr from the type name instead of `str(self)`"),
    ]
    steps: list[Step] = [
        Step(
            compose(
                rng,
                [
                    f"To handle the attribute lookup the PR asks for, I'll make `{cls}` delegate unknown attributes to the wrapped object with `__getattr__`.",
                    f"I'll add the delegation to `{repo.target}`: attributes not found on the wrapper are looked up on the wrapped object.",
                ],
                ["", "```python\n    def __getattr__(self, name):\n        return getattr(self._wrapped, name)\n```"],
            ),
            f"sed -i '{rng.randint(200, 1600)}a\\    def __getattr__(self, name):\\n        return getattr(self._wrapped, name)\\n' {repo.target}",
            result(0, ""),
            0.2,
        )
    ]
    last = 0
    while len(steps) < n:
        method = rng.choice(methods)
        frames = rng.sample(methods, 2)
        line_a, line_b = rng.randint(200, 1600), rng.randint(200, 1600)
        repeated = rng.randint(985, 996)
        trace = (
            "Traceback (most recent call last):\n"
            f'  File "/testbed/{script}", line {rng.randint(8, 40)}, in <module>\n    {rng.choice(["print(obj)", "result = check(obj)", "main()", "assert a == b"])}\n'
            f'  File "/testbed/{repo.target}", line {line_a}, in {frames[0]}\n    return {rng.choice(["getattr(self._wrapped, name)", "self == other", "hash(self.args)", "repr(self._wrapped)"])}\n'
            f'  File "/testbed/{repo.target}", line {line_b}, in {frames[1]}\n    {rng.choice(["self._setup()", "return self.__class__(self)", "if self._wrapped is empty:", "value = self.value"])}\n'
            f'  File "/testbed/{repo.target}", line {line_a}, in {frames[0]}\n    return getattr(self._wrapped, name)\n'
            f"  [Previous 2 lines repeated {repeated} more times]\n"
            f'  File "/testbed/{repo.target}", line {rng.randint(200, 1600)}, in {method}\n    {rng.choice(["if self._wrapped is empty:", "return func(self._wrapped, *args)", "return self.args == other.args"])}\n'
            f"RecursionError: {rng.choice(kinds)}\n"
        )
        run = rng.choice(
            [
                f"python {script}",
                f"python {script} 2>&1 | tail -n 15",
                f"timeout 60 python {script}",
                f"python {script} 2>&1 | tail -n 8",
            ]
        )
        tail = run.endswith(("15", "8"))
        output = trace if not tail else "\n".join(trace.splitlines()[-(8 if run.endswith("8") else 15) :]) + "\n"
        opener = [
            f"Still `RecursionError`. The stack now goes through `{frames[0]}` and `{frames[1]}`.",
            "The recursion is still there, just entered from a different place.",
            f"RecursionError again, now in `{method}`.",
            "Let me run the reproduction script again with the change.",
        ]
        if len(steps) == 1:
            opener = [f"Let me run `{script}` to check the change does not break anything."]
        reply, secs = result(1, output), rng.uniform(1, 4)
        if rng.random() < 0.07:
            reply, secs = timed_out(run, ""), rng.uniform(60, 62)
        counted = ["", f"The last traceback had {last} repeated lines, so it is unbounded."] if last else [""]
        steps.append(Step(compose(rng, opener, counted), run, reply, secs))
        last = repeated if "timed out" not in reply else 0
        if len(steps) >= n:
            break
        code, why = rng.choice(fixes)
        line = rng.randint(200, 1600)
        thought = compose(
            rng,
            [
                f"I think the cycle is `{frames[0]}` -> `{frames[1]}` -> `{frames[0]}`. I'll {why}.",
                f"The fix is to {why}.",
                f"`{cls}.{method}` ends up calling itself. To stop that I'll {why}.",
            ],
            [
                "",
                f"```python\n    def {method}(self, *args):\n        ...\n        {code}\n```",
                "Wait, I should make sure this does not change the behaviour for normal attributes. It shouldn't.",
            ],
        )
        edit = rng.choice(
            [
                f"sed -i '{line}s/.*/        {code}/' {repo.target}",
                f"sed -i '{line}i\\        {code}' {repo.target}",
            ]
        )
        steps.append(Step(thought, edit, result(0, ""), 0.2))
        if rng.random() < 0.3 and len(steps) < n:
            steps.append(
                Step(
                    f"Let me look at `{method}` as it is now.",
                    f"grep -n 'def {method}' {repo.target} && sed -n '{line - 6},{line + 8}p' {repo.target}",
                    result(
                        0,
                        f"{line - 2}:    def {method}(self, *args):\n    def {method}(self, *args):\n        if self._wrapped is empty:\n            self._setup()\n        {code}\n        return func(self._wrapped, *args)\n",
                    ),
                    0.2,
                )
            )
    return steps[:n]


_ADDRESS = re.compile(r"0x[0-9a-f]{6,16}")
_SECONDS = re.compile(r"\b\d+\.\d{2,4}s\b")


def print_and_stare(rng: random.Random, repo: Repo, n: int) -> list[Step]:
    """The same script rerun with nothing changed; only addresses and timings differ between runs."""
    assert repo.script is not None
    script, code = repo.script, repo.script_rc
    steps: list[Step] = []
    thoughts = [
        "Let me run the script again to look at the output more carefully.",
        "I want to see the output once more.",
        f"Let me re-run `{script}` and pay attention to the exact values printed.",
        "Running it again to confirm the behaviour is consistent.",
        "I'll run the reproduction again.",
        "I need to double check the output before making any change.",
        "The output is the same. Let me run it one more time to be sure it's deterministic.",
        "Maybe I misread something. Let me run it again.",
    ]
    musings = [
        "",
        "",
        "The printed result is not what the PR expects.",
        "It still shows the wrong value.",
        f"The behaviour in `{repo.target}` must be where this comes from.",
        "I need to understand exactly which branch is taken here.",
        "Let me think about what the output tells me. The value printed comes straight from the function the PR mentions, and nothing in between transforms it. So the wrong result is produced inside that function, not by how the script prints it.",
        "Wait. Before changing anything I want to be completely sure what the current behaviour is, so I can tell whether a fix changes it.",
    ]
    specific = {
        " | head -n 40": "Let me look at the beginning of the output again.",
        " | head -n 20": "Only the first lines this time.",
        " 2>&1": "Once more, with stderr merged, in case a warning is being hidden.",
        " 2>&1 | tail -n 20": "Let me check the end of the output, including stderr.",
        "-u": "Unbuffered, so prints and errors come out in order.",
    }
    for i in range(n):
        variant = rng.choice(["", "", "", " | head -n 40", " 2>&1", " 2>&1 | tail -n 20", " | head -n 20", "-u"])
        said = specific.get(variant) if rng.random() < 0.6 else None
        command = f"python -u {script}" if variant == "-u" else f"python {script}{variant}"
        if rng.random() < 0.12:
            command = f"cd /testbed && {command}"
        output = _ADDRESS.sub(lambda _: address(rng), repo.script_output)
        output = _SECONDS.sub(lambda _: duration(rng, 0.01, 2.0), output)
        lines = output.splitlines()
        if "head -n" in variant:
            output = "\n".join(lines[: int(variant.rsplit(" ", 1)[1])]) + "\n"
        elif "tail -n" in variant:
            output = "\n".join(lines[-20:]) + "\n"
        piped = "|" in variant
        reply = result(0 if piped else code, output)
        steps.append(
            Step(
                compose(rng, [said or thoughts[(i * 7 + rng.randrange(3)) % len(thoughts)]], musings),
                command,
                reply,
                rng.uniform(0.5, 3),
            )
        )
    return steps
