# ruff: noqa: E501
"""Productive episodes that look like the loops for a while: a wait that ends, a bisect that lands, a retry that goes through."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout30.loops_work import _bisecting, _coverage
from heldout30.text import Ctx, sha


def server_came_up(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A background check server polled a few times while it starts, then answering."""
    port = rng.choice([8000, 8081, 8765, 5001])
    log = rng.choice(["/tmp/server.log", "/tmp/serve.out"])
    steps = [
        Step(
            f"To check the change end to end I'll start a small server that imports {ctx.dotted} in the background and poll it until it answers.",
            f"cat > serve_check.py <<'EOF'\nimport time\nfrom http.server import BaseHTTPRequestHandler, HTTPServer\nprint('importing', flush=True)\nimport {ctx.run.module}\nprint('serving', flush=True)\n\nclass Handler(BaseHTTPRequestHandler):\n    def do_GET(self):\n        self.send_response(200)\n        self.end_headers()\n        self.wfile.write(b'ok')\n\nHTTPServer(('127.0.0.1', {port}), Handler).serve_forever()\nEOF\nnohup python serve_check.py > {log} 2>&1 &\necho started $!",
            f"started {rng.randint(900, 9999)}\n",
        )
    ]
    polls = rng.randint(2, 5)
    for i in range(polls):
        wait = rng.choice([2, 3, 5])
        steps.append(
            Step(
                rng.choice(
                    [
                        "The server is still starting; let me wait and check again.",
                        "Polling the server.",
                        f"Waiting {wait}s more for it to come up.",
                    ]
                ),
                rng.choice(
                    [
                        f"sleep {wait}; curl -s -m 3 http://127.0.0.1:{port}/ ; echo rc=$?; tail -1 {log}",
                        f"sleep {wait} && tail -2 {log} && curl -s http://127.0.0.1:{port}/; echo",
                        f"sleep {wait}; cat {log}; curl -sS -m 3 http://127.0.0.1:{port}/ || true",
                    ]
                ),
                "importing\n" if i < polls - 1 else "serving\n",
                seconds=float(wait + 1),
            )
        )
    steps.append(
        Step(
            "The log says it's serving now. One more request.",
            f"curl -s -m 3 http://127.0.0.1:{port}/ ; echo",
            "ok\n",
        )
    )
    steps.append(
        Step(
            "It answers. Let me stop the server and remove the script.",
            "kill %1 2>/dev/null || pkill -f serve_check.py; rm -f serve_check.py; echo cleaned",
            "cleaned\n",
        )
    )
    return steps


def bisect_landed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A long bisect with every step testable, the range halving each time, down to the first bad commit."""
    good = rng.choice(["HEAD~400", "HEAD~250", "HEAD~120"])
    left = int(good.split("~")[1]) // 2
    check = f"python {ctx.script} >/dev/null 2>&1 && echo good || echo bad"
    steps = [
        Step(
            f"I'd like to know which commit introduced this, to see the intent of the change. The script fails on HEAD; let me bisect from {good}.",
            f"git stash -q && git bisect start HEAD {good}",
            _bisecting(rng, left),
        )
    ]
    while left > 0:
        verdict = rng.choice(["good", "bad"])
        steps.append(
            Step(
                rng.choice(["Testing this revision.", "Let me test this one.", "Next bisect point."]),
                check,
                f"{verdict}\n",
                seconds=rng.uniform(1, 4),
            )
        )
        left //= 2
        culprit = sha(rng, 40)
        out = (
            _bisecting(rng, left)
            if left
            else f"{culprit} is the first bad commit\ncommit {culprit}\nAuthor: {rng.choice(['Jon Dufresne', 'Mariusz Felisiak', 'Tim Graham', 'Thomas Fan', 'Oscar Benjamin'])}\n\n    Refactored {ctx.func} to share the cached path\n\n {ctx.source} | {rng.randint(8, 40)} ++++++++------\n 1 file changed\n"
        )
        steps.append(Step(f"It's {verdict}.", f"git bisect {verdict}", out))
    steps.append(
        Step(
            "Found the commit that introduced it. Let me end the bisect and restore my work.",
            "git bisect reset -q && git stash pop -q && git status --short",
            f" M {ctx.source}\n?? {ctx.script}\n",
        )
    )
    return steps


def benchmark_settled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A noisy timing once, then old and new timed side by side with repeats: clearly faster, moved on."""
    base = rng.uniform(90, 400)
    setup = f"from {ctx.dotted} import {ctx.func}; data = list(range(1000))"
    return [
        Step(
            "Let me make sure the change didn't slow this down.",
            f"python -m timeit -s '{setup}' '{ctx.func}(data)'",
            f"2000 loops, best of 5: {base * rng.uniform(1.05, 1.3):.0f} usec per loop\n",
            seconds=8,
        ),
        Step(
            "One timeit run is noisy. Let me time the new version with more repeats.",
            f"python -m timeit -r 15 -s '{setup}' '{ctx.func}(data)'",
            f"2000 loops, best of 15: {base * rng.uniform(0.97, 1.02):.0f} usec per loop\n",
            seconds=25,
        ),
        Step(
            "And the original code the same way, with my change stashed for a moment.",
            f"git stash -q && python -m timeit -r 15 -s '{setup}' '{ctx.func}(data)'; git stash pop -q && git status --short",
            f"2000 loops, best of 15: {base * rng.uniform(0.98, 1.03):.0f} usec per loop\n M {ctx.source}\n",
            seconds=25,
        ),
    ]


def coverage_reached(ctx: Ctx, rng: random.Random) -> list[Step]:
    """The new branch missed by coverage once; a test through it added, and it counts."""
    start = rng.randint(150, 900)
    pct = rng.randint(80, 90)
    name = f"test_{ctx.stem}_handles_empty"
    run = f"python -m pytest {ctx.test_file} -q --cov={ctx.dotted} --cov-report=term-missing"
    return [
        Step(
            "Let me check that the tests exercise the branch I added.",
            run,
            _coverage(ctx, rng, (start, start + 3), pct),
            seconds=12,
        ),
        Step(
            f"Lines {start}-{start + 3} (my new branch) are not covered. I'll add a test that goes through it.",
            f"cat >> {ctx.test_file} <<'EOF'\n\n\ndef {name}():\n    from {ctx.dotted} import {ctx.func}\n    assert {ctx.func}([]) == []\nEOF\npython -m pytest {ctx.test_file} -q -k {name}",
            f".\n1 passed, {rng.randint(10, 80)} deselected in {rng.uniform(0.3, 2):.2f}s\n",
        ),
        Step(
            "Rerunning coverage.",
            run + " | grep -E 'TOTAL|" + ctx.stem + "'",
            f"{ctx.source.replace('src/', '', 1).replace('lib/', '', 1):<44}{rng.randint(300, 900):>5}{rng.randint(20, 60):>7}{pct + 1:>6}%   {rng.randint(30, 120)}, {rng.randint(121, 140)}\nTOTAL{'':<39}{rng.randint(300, 900):>5}{rng.randint(20, 60):>7}{pct + 1:>6}%\n",
            seconds=12,
        ),
    ]


def prints_after_pdb(ctx: Ctx, rng: random.Random) -> list[Step]:
    """pdb times out once; prints narrow the bad value over a few runs, each showing something new."""
    line = rng.randint(100, 900)
    steps = [
        Step(
            f"Let me step into `{ctx.func}` with pdb.",
            f"python -m pdb {ctx.script}",
            f"> /testbed/{ctx.script}(1)<module>()\n-> import sys\n(Pdb) ",
            timed_out=True,
            seconds=60.0,
        ),
        Step(
            "The shell here is not interactive, so pdb just waits. I'll print the intermediate values instead.",
            f"python - <<'EOF'\nimport {ctx.dotted} as m\nvalues = [1, None, 2, 2]\nprint('input', values)\nprint('output', m.{ctx.func}(values))\nEOF",
            "input [1, None, 2, 2]\noutput [1, 2, 2]\n",
        ),
    ]
    stages = [
        ("after the None filter", "[1, 2, 2]"),
        ("after dedupe", "[1, 2, 2]"),
        ("after the cache lookup", "[1, 2]"),
    ]
    for where, value in stages[: rng.randint(2, 3)]:
        steps.append(
            Step(
                f"The duplicate survives. Let me print the list {where}.",
                f"sed -n '{line},{line + 8}p' {ctx.source} && python -c \"import {ctx.dotted} as m; print(m._{ctx.stem}_impl([1, None, 2, 2]))\"",
                f"        values = [v for v in values if v is not None]\n        seen = []\n        for v in values:\n            if v not in seen:\n                seen.append(v)\n        return values\n{value}\n",
            )
        )
        line += rng.randint(5, 15)
    steps.append(
        Step(
            "There it is: the loop builds `seen` but the function returns `values`. Fixing the return.",
            f"sed -i '{line}s/return values/return seen/' {ctx.source} && python {ctx.script}",
            "output [1, 2]\nOK\n",
        )
    )
    return steps


_TRANSIENT = (
    "ERROR: Could not install packages due to an OSError: [Errno 16] Device or resource busy: '{site}/__pycache__'",
    "ERROR: Could not install packages due to an OSError: [Errno 26] Text file busy: '{site}/_speedups.so'",
    "BlockingIOError: [Errno 11] Resource temporarily unavailable: '/tmp/pip-build-tracker-lock'",
    "ERROR: Exception:\nOSError: [Errno 39] Directory not empty: '/tmp/pip-ephem-wheel-cache-x2k/wheels'",
)


def install_retried(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A reinstall that fails for a passing reason two or three times, retried after a pause, and then goes through."""
    fails = rng.randint(2, 3)
    errors = rng.sample(_TRANSIENT, fails)
    commands = [
        "pip install -e . --no-deps -q",
        "sleep 3 && pip install -e . --no-deps -q",
        "sleep 5; pip install -e . --no-deps --no-build-isolation -q",
        "sleep 10 && pip install -q --no-deps -e .",
    ]
    thoughts = [
        "I'll reinstall the package in development mode so the entry points pick up my change.",
        "A transient lock error; something else was touching the environment. Let me retry after a pause.",
        "A different transient error this time. Retrying once more after a longer pause.",
        "Retrying one last time.",
    ]
    steps = []
    for i in range(fails):
        steps.append(
            Step(
                thoughts[i], commands[i], errors[i].replace("{site}", ctx.site) + "\n", rc=1, seconds=rng.uniform(5, 20)
            )
        )
    steps.append(Step(thoughts[fails], commands[fails], "", seconds=rng.uniform(10, 30)))
    steps.append(
        Step(
            "The install went through. Let me confirm the package imports from the working tree.",
            f'python -c "import {ctx.run.module}; print({ctx.run.module}.__file__)"',
            f"/testbed/{ctx.run.package}/__init__.py\n",
        )
    )
    return steps
