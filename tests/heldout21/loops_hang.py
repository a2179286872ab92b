"""A loop on a run that hangs: prints, timeouts and smaller inputs, and it still never returns."""

from __future__ import annotations

import random
from dataclasses import replace

from heldout20.calls import Step
from heldout21.text import Ctx, Move, lineno, loop_steps, think, vary, write_repro


def _code(rng: random.Random, hot: str, at: int, var: str) -> str:
    """The lines around `at`, as `nl -ba` shows them: a loop that only advances on some paths."""
    body = [
        f"    def {hot}(self, {var}, seen=None):",
        "        seen = set() if seen is None else seen",
        f"        while {var} is not None:",
        f"            if {var} in seen:",
        "                continue",
        f"            seen.add({var})",
        f"            if self._matches({var}):",
        f"                return {var}",
        f"            {var} = self._next({var})",
        "        return None",
    ]
    start = at - 3
    return "\n".join(f"{start + k:6d}\t{line}" for k, line in enumerate(body))


def hang_timeout(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    names = rng.sample(ctx.functions, min(2, len(ctx.functions)))
    hot, caller = names[0], names[-1]
    var = vary(rng, ["node", "item", "current", "obj", "expr"])
    source = "/testbed/" + ctx.source
    at = lineno(random.Random(0), source, hot)
    lib = ctx.site.rsplit("/", 1)[0]
    size = {"big": rng.choice([1000, 500, 200]), "small": rng.choice([10, 3, 5])}
    deadlock = rng.random() < 0.4
    found = rng.randint(12, 300)
    call = f"result = {caller}(data)"

    somewhere = rng.randint(6, 30)

    def call_line() -> int:
        # The script this loop wrote has its call on a known line; a script of the run's own, on one line of it.
        return ctx.written.index(call) + 1 if call in ctx.written else somewhere

    def printed(most: int) -> str:
        if ctx.written:
            return "step 0"  # printed and flushed before the call that never returns
        return "\n".join(f"step {k}" for k in range(rng.randint(0, most)))

    def stack(seconds: int) -> str:
        frames = [f'  File "{source}", line {at + rng.choice([0, 1, 3, 4, 5])} in {hot}']
        if deadlock:
            frames = [
                f'  File "{lib}/threading.py", line {rng.choice([312, 316, 1060])} in wait',
                f'  File "{source}", line {at + 2} in {hot}',
            ]
        frames += [
            f'  File "{source}", line {lineno(random.Random(1), source, caller)} in {caller}',
            f'  File "<string>", line {call_line()} in <module>',  # exec() of the script's text
        ]
        return (
            f"Timeout (0:00:{seconds:02d})!\nThread 0x00007f{rng.randrange(16**7):07x}740 (most recent call first):\n"
            + "\n".join(frames)
        )

    def run(i: int) -> Step:
        shown = printed(3)
        intentions = [
            f"Run {ctx.repro} again.",
            "Let me see if it finishes now.",
            "Re-run the reproduction.",
            "Try the script once more.",
        ]
        return Step(think(rng, intentions), f"{ctx.py} {ctx.repro}", shown, 0, 60.0, timed_out=True)

    def bounded(i: int) -> Step:
        limit = rng.choice([5, 10, 15, 20, 30])
        shown = printed(2)
        command = vary(
            rng,
            [
                f'timeout {limit} {ctx.py} {ctx.repro}; echo "exit: $?"',
                f"timeout {limit} python -u {ctx.repro}; echo rc=$?",
            ],
        )
        code = "exit: 124" if "exit" in command else "rc=124"
        intentions = [
            f"Put a {limit}s timeout on it so I can see the exit status.",
            "Run it under timeout so it can't hang the shell.",
            "Bound the run with timeout.",
        ]
        return Step(think(rng, intentions), command, f"{shown}\n{code}".strip(), 0, float(limit))

    def dump(i: int) -> Step:
        seconds = rng.choice([5, 8, 10])
        command = (
            f'timeout 30 python -X faulthandler -c "import faulthandler; faulthandler.dump_traceback_later({seconds}, exit=True); '
            f"exec(open('{ctx.repro}').read())\""
        )
        intentions = [
            "Dump the stack after a few seconds to see where it's stuck.",
            "Use faulthandler to find where it hangs.",
            "Get a traceback of the hang.",
        ]
        return Step(think(rng, intentions), command, stack(seconds), 1, float(seconds))

    def interrupt(i: int) -> Step:
        frames = [
            f'  File "/testbed/{ctx.repro}", line {call_line()}, in <module>',
            f"    result = {caller}(data)",
            f'  File "{source}", line {lineno(random.Random(1), source, caller)}, in {caller}',
            f"    return self.{hot}({var})",
            f'  File "{source}", line {at + rng.choice([0, 1, 4, 5])}, in {hot}',
            f"    {vary(rng, [f'if self._matches({var}):', f'{var} = self._next({var})', f'if {var} in seen:'])}",
        ]
        if deadlock:
            frames[-1] = "    with self._lock:"
        out = "Traceback (most recent call last):\n" + "\n".join(frames) + "\nKeyboardInterrupt"
        return Step(
            think(
                rng,
                [
                    "Interrupt it with SIGINT after a while to get a Python traceback.",
                    "Send SIGINT so Python prints where it was.",
                ],
            ),
            f"timeout -s INT 12 {ctx.py} {ctx.repro}",
            out,
            1,
            12.0,
        )

    def shrink(i: int) -> Step:
        old, new = size["big"], size["small"]
        size["big"] = new
        size["small"] = max(1, new // 2)
        intentions = [
            f"Shrink the input from {old} to {new} so it should finish quickly.",
            "Use a much smaller input.",
            "Maybe it's just slow on large input; make it tiny.",
        ]
        return Step(
            think(rng, intentions),
            f"sed -i 's/range({old})/range({new})/' {ctx.repro} && grep -n 'range(' {ctx.repro}",
            f"3:data = list(range({new}))",
        )

    def trace(i: int) -> Step:
        line = at + rng.choice([2, 6, 8])
        count = rng.randint(400, 1600)
        repeated = "\n".join([f"{hot}: {var}=<{ctx.cls} {var}_{rng.randint(0, 3)}>"] * count)
        return Step(
            think(
                rng,
                [
                    f"Print inside {hot} to see whether it is making progress.",
                    f"Add a debug print to the loop in {hot}.",
                    "Instrument the loop.",
                ],
            ),
            f'sed -i \'{line}a\\            print("{hot}:", "{var}=%r" % ({var},), flush=True)\' {ctx.source} && timeout 10 {ctx.py} {ctx.repro} | head -c 20000',
            repeated,
            0,
            10.0,
        )

    def look(i: int) -> Step:
        if rng.random() < 0.5:
            a = at - 3
            return Step(
                think(
                    rng,
                    [f"Look at {hot} around line {at}.", "Let me read the loop again.", f"Show the code of {hot}."],
                    ["", ""],
                ),
                f"nl -ba {ctx.source} | sed -n '{a},{a + 9}p'",
                _code(rng, hot, at, var),
            )
        out = "\n".join(
            f"{lineno(random.Random(k), source, hot) + k * 37}:{' ' * 8}while {w}:"
            for k, w in enumerate([f"{var} is not None", "True", "pending"])
        )
        return Step(
            think(rng, ["Which loops are in that file?", "Find every while loop in the module."], ["", ""]),
            f"grep -n 'while ' {ctx.source}",
            out,
        )

    def guard(i: int) -> Step:
        line = at - 1 + rng.choice([0, 2])
        fix = vary(
            rng, [f"while {var} is not None and len(seen) < 10000:", f"while {var} is not None and {var} not in seen:"]
        )
        intentions = [
            f"Guard the loop in {hot} so it can't spin forever.",
            "Add a bound to the loop.",
            f"I think the loop in {hot} never terminates when it sees a repeat; guard it.",
        ]
        return Step(
            think(rng, intentions),
            f"sed -i '{line}s/while {var} is not None:/{fix}/' {ctx.source} && git diff --stat",
            f" {ctx.source} | {rng.randint(2, 6)} ++--\n 1 file changed, {rng.randint(1, 3)} insertions(+), {rng.randint(1, 3)} deletions(-)",
        )

    def plugin(i: int) -> Step:
        if ctx.django:
            return Step(
                think(rng, ["Run only the relevant tests, serially, to see if the tests hang too."]),
                ctx.test_cmd(" --parallel 1 -v 2"),
                f"Testing against Django installed in '/testbed/django'\nImporting application {ctx.label.split('.')[0]}\nFound {found} test(s).\nSkipping setup of unused database(s): other.\nSystem check identified no issues (0 silenced).\ntest_{hot.strip('_')} ({ctx.django_class}) ... ",
                0,
                60.0,
                timed_out=True,
            )
        if rng.random() < 0.5:
            return Step(
                think(
                    rng,
                    [
                        "Run the tests with a per-test timeout.",
                        "pytest-timeout would stop the hanging test and show where it is.",
                    ],
                ),
                ctx.test_cmd(" -x -q --timeout=30"),
                f"ERROR: usage: __main__.py [options] [file_or_dir] [file_or_dir] [...]\n__main__.py: error: unrecognized arguments: --timeout=30\n  inifile: {vary(rng, ['setup.cfg', 'tox.ini', 'pytest.ini'])}\n  rootdir: /testbed",
                4,
            )
        return Step(
            think(rng, ["Run just the tests for this function to see if they hang too."]),
            ctx.test_cmd(f" -x -q -k {hot.strip('_')}"),
            "=" * 29
            + " test session starts "
            + "=" * 30
            + f"\n{ctx.run.pytest_header}\nrootdir: /testbed\ncollected {found} items / {found - 3} deselected / 3 selected\n\n{ctx.test_file} ",
            0,
            60.0,
            timed_out=True,
        )

    body = f"from {ctx.dotted} import {caller}\n\ndata = list(range({size['big']}))\nprint('step 0', flush=True)\nresult = {caller}(data)\nprint('step 1', flush=True)\nprint(result)"
    preamble = write_repro(ctx, rng, body)
    opener = replace(
        run(0),
        thought=vary(
            rng,
            [
                f"Now run {ctx.repro} to check the behaviour with the change.",
                "Let me run the reproduction script.",
                "Run the script to confirm the fix.",
            ],
        ),
    )
    moves: list[tuple[Move, int]] = [
        (run, 3),
        (bounded, 3),
        (dump, 2),
        (interrupt, 1),
        (shrink, 2),
        (trace, 1),
        (look, 3),
        (guard, 2),
        (plugin, 2),
    ]
    return loop_steps(rng, n, opener, moves, f"the hang in {hot}", preamble, run)
