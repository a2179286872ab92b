"""Loop families: a lock nobody holds, and edits to a copy the tests never import."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import Ctx, give_up, vary


def stale_lock(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    kind = rng.randrange(3)
    pid = rng.randint(1200, 9800)
    if kind == 0:
        lock = "/testbed/.git/index.lock"
        act = [
            "git stash",
            "git status --short",
            "git add -A",
            f"git checkout -- {ctx.source}",
            "git diff --stat && git stash list",
        ]
        error = (
            f"fatal: Unable to create '{lock}': File exists.\n\nAnother git process seems to be running in this repository, e.g.\n"
            "an editor opened by 'git commit'. Please make sure all processes\nare terminated then try again. If it still fails, a git process may have\n"
            "crashed in this repository earlier:\nremove the file manually to continue."
        )
        wrong = [
            "rm -f .git/HEAD.lock .git/refs/heads/*.lock",
            "rm -f /tmp/*.lock && git gc --prune=now",
            "rm -rf .git/rebase-merge .git/MERGE_HEAD",
        ]
    elif kind == 1:
        lock = f"/var/cache/{ctx.run.module}/state.db-journal"
        act = [
            f"python check_{ctx.stem}.py",
            f"python -c 'import check_{ctx.stem}' && echo ok",
            f"timeout 60 python check_{ctx.stem}.py",
        ]
        error = f'Traceback (most recent call last):\n  File "/testbed/check_{ctx.stem}.py", line 14, in <module>\n    conn.execute("INSERT INTO runs VALUES (?, ?)", row)\nsqlite3.OperationalError: database is locked'
        wrong = [
            "rm -f /tmp/*.db-journal /tmp/*.db-wal",
            "rm -f state.db-journal && ls",
            "find /testbed -name '*.db-journal' -delete",
        ]
    else:
        lock = f"/var/run/{ctx.run.module}-worker.pid"
        worker = f"scripts/{ctx.stem}_worker.py"
        act = [
            f"python {worker} --once",
            f"python {worker}",
            f"python -u {worker} --once",
            f"timeout 30 python {worker} --once",
        ]
        error = f"Error: pidfile {lock} exists (pid {pid}). Is another instance running?"
        wrong = ["rm -f /tmp/*.pid", f"rm -f ~/.cache/{ctx.run.module}/*.pid", "rm -f ./*.pid ./worker.pid"]
    steps: list[Step] = []
    while len(steps) < length - 1:
        roll = rng.random()
        if not steps or roll < 0.35:
            command = vary(rng, act)
            sleep = rng.choice([0, 0, 2, 5, 10, 30])
            if sleep:
                command = f"sleep {sleep} && {command}"
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Let me try again; the other process may have finished.",
                            "Retrying the command.",
                            "Trying once more after waiting a bit.",
                            "Maybe the lock was released by now.",
                        ],
                    ),
                    command,
                    error,
                    128 if kind == 0 else 1,
                    seconds=1 + sleep,
                )
            )
        elif roll < 0.55:
            command = vary(rng, [f"rm -f {lock}", f"sudo rm -f {lock}", f"rm {lock}"])
            out = f"rm: cannot remove '{lock}': {rng.choice(['Operation not permitted', 'Read-only file system', 'Permission denied'])}"
            if command.startswith("sudo"):
                out = "bash: sudo: command not found"
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "The lock is stale, so I'll remove it.",
                            "No process holds it; removing the lock file.",
                            "Let me delete the stale lock.",
                        ],
                    ),
                    command,
                    out,
                    1,
                )
            )
        elif roll < 0.75:
            command = vary(rng, wrong)
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Maybe there are other leftover lock files; removing those.",
                            "Let me clean up any leftover locks and retry.",
                            "Clearing leftover state from the crashed process.",
                        ],
                    ),
                    command,
                    "",
                )
            )
        else:
            look = rng.randrange(3)
            if look == 0:
                command = vary(
                    rng,
                    ["ps aux | grep -v grep | grep -E 'git|python'", "ps -ef | head -20", f"ps -p {pid} -o pid,cmd"],
                )
                out = f"root         1  0.0  0.0   4364  3316 ?        Ss   {rng.randint(10, 23)}:{rng.randint(10, 59)}   0:00 /bin/bash\nroot       {rng.randint(300, 900)}  0.0  0.0   8892  3260 ?        R    {rng.randint(10, 23)}:{rng.randint(10, 59)}   0:00 ps aux"
                if command.startswith("ps -p"):
                    out = "    PID CMD"
                thought = vary(
                    rng,
                    [
                        "Is anything actually holding the lock?",
                        "Let me see which processes are running.",
                        "Maybe the other process is still alive.",
                    ],
                )
            elif look == 1:
                command, out = (
                    f"ls -la {lock.rsplit('/', 1)[0]} | head",
                    f"total {rng.randint(12, 80)}\ndr-xr-xr-x 1 root root 4096 Oct 24 09:{rng.randint(10, 59)} .\n-r--r--r-- 1 root root    {rng.randint(0, 9)} Oct 24 09:{rng.randint(10, 59)} {lock.rsplit('/', 1)[1]}",
                )
                thought = vary(
                    rng,
                    [
                        "Let me look at the lock file.",
                        "Who owns the lock file?",
                        "Let me check the lock's permissions.",
                    ],
                )
            else:
                command, out = (
                    f"lsof {lock} || fuser {lock}",
                    "bash: lsof: command not found\nbash: fuser: command not found",
                )
                thought = vary(
                    rng,
                    ["Let me find which process has the file open.", "Checking whether any process has the lock open."],
                )
            steps.append(Step(thought, command, out, 1 if command.startswith("ps -p") else 0 if look < 2 else 127))
    steps[0].thought = vary(rng, [f"Next I'll run `{steps[0].command}`.", f"Let me run `{steps[0].command}` now."])
    return [*steps, give_up(rng, "the stale lock")]


def wrong_directory(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    inner = ctx.dotted.replace(".", "/") + ".py"
    copy = rng.choice(
        [
            f"build/lib/{inner}",
            f"/tmp/{ctx.run.owner}-clean/{ctx.source}",
            f"/opt/miniconda3/lib/python3.11/site-packages/{inner}",
        ]
    )
    script = f"check_{ctx.stem}.py"
    line = rng.randint(120, 900)
    output = (
        f'Traceback (most recent call last):\n  File "/testbed/{script}", line {rng.randint(5, 14)}, in <module>\n    print({ctx.stem}_result(sample))\n'
        f'  File "/testbed/{ctx.source}", line {line}, in {ctx.stem}_result\n    return _normalize(value)[0]\nIndexError: list index out of range'
    )
    steps = [
        Step(
            f"I'll write a small script that exercises the failing path in {ctx.source}.",
            f"cat <<'EOF' > {script}\nfrom {ctx.dotted} import *\nsample = []\nprint({ctx.stem}_result(sample))\nEOF\npython {script}",
            output,
            1,
        )
    ]
    edits = [
        f"sed -i 's/return _normalize(value)\\[0\\]/return _normalize(value)[0] if value else None/' {copy}",
        f"sed -i '{line}s/.*/    return next(iter(_normalize(value)), None)/' {copy}",
        f"python - <<'EOF'\np = '{copy}'\ns = open(p).read()\ns = s.replace('return _normalize(value)[0]', 'items = _normalize(value)\\n    return items[0] if items else None')\nopen(p, 'w').write(s)\nEOF",
        f"sed -i '/def {ctx.stem}_result/a\\    if not value:\\n        return None' {copy}",
    ]
    while len(steps) < length - 1:
        roll = rng.random()
        edited = steps[-1].output == ""
        if len(steps) == 1 or (not edited and roll < 0.6) or (edited and roll < 0.1):
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "I'll guard the empty case.",
                            "Let me change the return so an empty list doesn't index.",
                            "Another way: return None when there is nothing to normalize.",
                            "Let me apply the fix again, more explicitly.",
                        ],
                    ),
                    vary(rng, edits),
                    "",
                )
            )
        elif edited or roll < 0.75:
            command = vary(
                rng,
                [
                    f"python {script}",
                    f"python3 {script}",
                    f"cd /testbed && python {script}",
                    f"python {script} 2>&1 | tail -5",
                ],
            )
            text = output if "tail" not in command else "\n".join(output.splitlines()[-5:])
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Let me run the script again.",
                            "Now the script should work.",
                            "Re-running the check.",
                            "Testing the change.",
                        ],
                    ),
                    command,
                    text,
                    1,
                )
            )
        else:
            command = vary(
                rng,
                [
                    f"grep -n 'return' {copy} | grep -n normalize",
                    f"sed -n '{line - 3},{line + 3}p' {copy}",
                    f"ls -la {copy}",
                    f"grep -n 'if not value' {copy}",
                ],
            )
            out = (
                f"{line}:    return next(iter(_normalize(value)), None)"
                if "grep" in command
                else f"-rw-r--r-- 1 root root {rng.randint(8000, 60000)} Nov 19 0{rng.randint(1, 9)}:{rng.randint(10, 59)} {copy}"
            )
            if command.startswith("sed"):
                out = f"def {ctx.stem}_result(value):\n    if not value:\n        return None\n    items = _normalize(value)\n    return items[0] if items else None"
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "The edit is there. Why is it still failing? Let me look at the file.",
                            "Let me verify that the change was applied.",
                            "Checking the edited function.",
                        ],
                    ),
                    command,
                    out,
                )
            )
    return [*steps, give_up(rng, f"the IndexError in {ctx.stem}_result")]
