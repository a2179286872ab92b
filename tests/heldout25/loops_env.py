"""Loops on the interpreter's limits: too few file descriptors, and too old a Python for the agent's syntax."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout25.text import Ctx, Maker, failing, pick, weave


def version(ctx: Ctx) -> tuple[int, int]:
    """The environment's Python, major and minor."""
    major, minor = ctx.run.pytest_header.split("Python ", 1)[1].split(".")[:2]
    return int(major), int(minor)


def too_many_open_files(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The tests die with EMFILE; the agent raises limits it cannot raise and closes files that were not the leak."""
    limit = rng.choice([256, 512, 1024])
    name = ctx.test_name(rng)

    def emfile(rng: random.Random) -> str:
        tmp = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789_", k=8))
        where = pick(rng, [f"/tmp/tmp{tmp}/out.txt", f"/tmp/tmp{tmp}", f"{ctx.site}/_pytest/capture.py", "/dev/null"])
        return f"OSError: [Errno 24] Too many open files: '{where}'"

    def tests(rng: random.Random, i: int) -> Step:
        err = emfile(rng)
        body = [
            f"    def {name}(self):" if ctx.django else f"    def {name}():",
            ">       with open(path, 'w') as fh:",
            f"E       {err}",
            "",
            f"{ctx.test_file}:{rng.randint(30, 700)}: OSError",
        ]
        return Step(
            pick(
                rng,
                [
                    "Running the tests again.",
                    "Let me see whether the tests get further now.",
                    "Re-running the failing test.",
                ],
            ),
            ctx.test_cmd(rng, name),
            failing(ctx, rng, name, body, err, rng.randint(3, 80)),
            1,
            rng.uniform(2, 40),
        )

    def ulimit(rng: random.Random, i: int) -> Step:
        to = rng.choice([4096, 8192, 65536, 100000])
        return Step(
            pick(
                rng,
                [
                    "The descriptor limit is low; I'll raise it for this shell.",
                    "Let me raise the open files limit and retry.",
                ],
            ),
            f"ulimit -n {to} && {ctx.test_cmd(rng, name)}",
            f"bash: ulimit: open files: cannot modify limit: {pick(rng, ['Operation not permitted', 'Invalid argument'])}",
            1,
            0.1,
        )

    def patch(rng: random.Random, i: int) -> Step:
        line = rng.randint(20, 600)
        return Step(
            pick(
                rng,
                [
                    f"Maybe {ctx.source} leaves a file handle open; wrapping it in a with block.",
                    "I'll close the handle explicitly in case that is what leaks.",
                ],
            ),
            pick(
                rng,
                [
                    f"sed -i '{line}s/fh = open(/with open(/' {ctx.source}",
                    "python - <<'EOF'\nimport gc, resource\ngc.collect()\nprint(resource.getrlimit(resource.RLIMIT_NOFILE))\nEOF",
                    f"sed -i '{line}a\\        fh.close()' {ctx.source}",
                ],
            ),
            "" if rng.random() < 0.8 else f"({limit}, {limit})",
            0,
            0.3,
        )

    def repro(rng: random.Random, i: int) -> Step:
        return Step(
            "Running the reproduction script.",
            pick(rng, ["python reproduce.py", "python repro_issue.py", "python -X dev reproduce.py"]),
            f'Traceback (most recent call last):\n  File "/testbed/reproduce.py", line {rng.randint(5, 40)}, in <module>\n{emfile(rng)}',
            1,
            rng.uniform(0.5, 6),
        )

    looks: list[Maker] = [
        lambda rng, i: Step(
            "What is the limit?",
            pick(rng, ["ulimit -n", "ulimit -Sn; ulimit -Hn"]),
            f"{limit}\n{limit}" if rng.random() < 0.5 else str(limit),
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "How many descriptors are open right now?", "ls /proc/self/fd | wc -l", str(rng.randint(4, 9)), 0, 0.1
        ),
        lambda rng, i: Step(
            "Let me find who holds files open.", "lsof -p $$ | wc -l", "bash: lsof: command not found", 127, 0.1
        ),
        lambda rng, i: Step(
            f"Where does {ctx.stem} open files?",
            f"grep -n 'open(' {ctx.source} | head -n 20",
            "\n".join(
                f"{rng.randint(20, 900)}:        fh = open(path{pick(rng, [', ', ', mode='])}'{pick(rng, ['r', 'rb', 'w'])}')"
                for _ in range(rng.randint(1, 4))
            ),
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "System-wide limit?",
            "cat /proc/sys/fs/file-max /proc/sys/fs/file-nr",
            f"{rng.randint(10**5, 10**7)}\n{rng.randint(900, 4000)}\t0\t{rng.randint(10**5, 10**7)}",
            0,
            0.1,
        ),
    ]
    return weave(rng, n, [tests, ulimit, patch, repro, tests], looks, "the 'Too many open files' errors")


def syntax_too_new(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The agent's fix uses syntax newer than the environment's Python, and it keeps rewriting it in newer syntax still."""
    line = rng.randint(40, 800)
    name = ctx.test_name(rng)
    new = [
        (
            "match value:",
            f'  File "/testbed/{ctx.source}", line {{line}}\n    match value:\n          ^\nSyntaxError: invalid syntax',
        ),
        (
            "def _coerce(value: int | None = None):",
            "TypeError: unsupported operand type(s) for |: 'type' and 'NoneType'",
        ),
        (
            "with (open(a) as f, open(b) as g):",
            f'  File "/testbed/{ctx.source}", line {{line}}\n    with (open(a) as f, open(b) as g):\n                   ^\nSyntaxError: invalid syntax',
        ),
        ("if isinstance(value, int | float):", "TypeError: isinstance() arg 2 must be a type or tuple of types"),
    ]
    if version(ctx) < (3, 9):
        new += [
            ("name = name.removeprefix('_')", "AttributeError: 'str' object has no attribute 'removeprefix'"),
            ("def _items(self) -> list[tuple[str, int]]:", "TypeError: 'type' object is not subscriptable"),
        ]

    def error(rng: random.Random, which: int) -> str:
        at = line + rng.randint(-3, 12)
        return new[which][1].replace("{line}", str(at))

    def run(rng: random.Random, i: int) -> Step:
        which = rng.randrange(len(new))
        err = error(rng, which)
        tail = err.splitlines()[-1]
        out = (
            (
                f'Traceback (most recent call last):\n  File "/testbed/{pick(rng, ["reproduce.py", "repro.py"])}", line {rng.randint(1, 9)}, in <module>\n'
                f"    from {ctx.dotted} import {ctx.cls}\n{err}"
            )
            if rng.random() < 0.5
            else failing(ctx, rng, name, [f"E   {tail}"], tail, rng.randint(0, 30))
        )
        cmd = pick(rng, ["python reproduce.py", ctx.test_cmd(rng, name), "python repro.py"])
        return Step(
            pick(
                rng,
                ["Let me run it again.", "Checking whether it imports now.", "Running the tests after the rewrite."],
            ),
            cmd,
            out,
            1,
            rng.uniform(0.5, 12),
        )

    def rewrite(rng: random.Random, i: int) -> Step:
        code = rng.choice(new)[0]
        at = line + rng.randint(-5, 5)
        return Step(
            pick(
                rng,
                [
                    "The error points at my new lines; let me restructure them.",
                    "I'll rewrite that part more cleanly.",
                    "Maybe the indentation of my block is off; rewriting it.",
                ],
            ),
            pick(
                rng,
                [
                    f"sed -i '{at}s/.*/    {code}/' {ctx.source}",
                    f"python - <<'EOF'\nimport re\np = '{ctx.source}'\ns = open(p).read().splitlines()\ns[{at}] = '    {code}'\nopen(p, 'w').write('\\n'.join(s) + '\\n')\nEOF",
                ],
            ),
            "",
            0,
            0.3,
        )

    looks: list[Maker] = [
        lambda rng, i: Step(
            "Let me look at the lines around the error.",
            f"sed -n '{line - rng.randint(3, 10)},{line + rng.randint(10, 25)}p' {ctx.source}",
            f"    def {ctx.stem}(self, value):\n        {rng.choice(new)[0]}\n            ...\n        return value",
            0,
            0.1,
        ),
        lambda rng, i: Step("Does it compile on its own?", f"python -m py_compile {ctx.source}", error(rng, 0), 1, 0.3),
        lambda rng, i: Step(
            "Let me see the diff so far.",
            f"git diff {ctx.source} | head -n {rng.randint(30, 80)}",
            f"diff --git a/{ctx.source} b/{ctx.source}\n@@ -{line},6 +{line},9 @@\n+        {rng.choice(new)[0]}",
            0,
            0.1,
        ),
        lambda rng, i: Step("Which Python is this?", "which python", "/opt/miniconda3/envs/testbed/bin/python", 0, 0.1),
    ]
    return weave(rng, n, [run, rewrite, run], looks, "the syntax errors in my change")
