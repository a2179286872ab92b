"""Loop families: the tail of a real run that stops making progress, one exchange per call.

Each builder returns exactly `n` exchanges. Within a tail, commands, tools and wordings vary while the
thing that matters (the failure, the hang, the rejected patch, the resolver's refusal) does not move,
or moves only a line or a number.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout12.runs import Ctx, Exchange
from heldout12.talk import (
    SUBMIT,
    code_lines,
    doubled,
    hang,
    maybe,
    numbered,
    para,
    run_tests,
    say,
    step,
    test_command,
)


def _finish(rng: random.Random, ctx: Ctx, out: list[Exchange], n: int) -> list[Exchange]:
    """Cut to `n`; some runs give up and submit whatever they have as their last call."""
    out = out[:n]
    if rng.random() < 0.3:
        thought = para(
            rng,
            (
                "I have spent a lot of steps on this and I am not getting anywhere.",
                "I cannot make further progress here.",
                "I've tried multiple approaches and none worked.",
            ),
            ("I will submit the current state of my changes.", "I'll submit what I have.", "Submitting."),
        )
        out[-1] = step(thought, SUBMIT, 0, "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT\n")
    return out


def _name(ctx: Ctx, rng: random.Random) -> str:
    return rng.choice(ctx.tests)


def _nodot(ctx: Ctx) -> str:
    return ctx.py.replace(".", "")


def _failure(ctx: Ctx, rng: random.Random, name: str, line: int) -> tuple[str, str]:
    """(pytest body, django body) of one assertion failure that does not change between runs."""
    got, want = rng.choice([("1", "2"), ("None", "'a'"), ("[]", "['x']"), ("False", "True"), ("(2, 3)", "(3, 2)")])
    call = f"{ctx.symbol}({rng.choice(['obj', 'value', 'data', ''])})"
    pytest_body = (
        f"    def {name}():\n"
        f">       assert {call} == {want}\n"
        f"E       AssertionError: assert {got} == {want}\n"
        f"E        +  where {got} = {call}\n\n"
        f"{ctx.test}:{line}: AssertionError"
    )
    django_body = (
        f'  File "/testbed/{ctx.test}", line {line}, in {name}\n'
        f"    self.assertEqual({call}, {want})\n"
        f"AssertionError: {got} != {want}"
    )
    return pytest_body, django_body


def _tested(ctx: Ctx, rng: random.Random, name: str, bodies: tuple[str, str], total: int) -> tuple[str, int, str]:
    """Run the test file: the same one test fails, the rest pass."""
    command, quiet = test_command(ctx, rng, name if rng.random() < 0.4 else None)
    results = [(name, "F")] + [(f"test_other_{i}", ".") for i in range(total - 1)]
    rng.shuffle(results)
    if "::" in command or " -k " in command:
        results = [(name, "F")]
    rc, out = run_tests(ctx, rng, results, {name: bodies[1] if ctx.django else bodies[0]}, quiet=quiet)
    if "tail -n" in command:
        out = "\n".join(out.splitlines()[-40:]) + "\n"
    return command, rc, out


# ---------------------------------------------------------------- wrong-file-fix


def wrong_file_fix(ctx: Ctx, rng: random.Random, n: int) -> list[Exchange]:
    """Edits land in a stale copy (build/, .tox, a scratch clone) the failing test never imports."""
    inner = ctx.src.removeprefix("lib/").removeprefix("src/")
    copy = rng.choice(
        [
            f"build/lib/{inner}",
            f"build/lib.linux-x86_64-cpython-{_nodot(ctx)}/{inner}",
            f".tox/py{_nodot(ctx)}/lib/python{ctx.py}/site-packages/{inner}",
            f"/tmp/{ctx.repo}_orig/{ctx.src}",
        ]
    )
    name = _name(ctx, rng)
    line = rng.randint(40, 900)
    bodies = _failure(ctx, rng, name, line)
    total = rng.randint(3, 30)
    base = rng.randint(60, 1500)
    out = [
        step(
            para(
                rng,
                f"Let me find where `{ctx.symbol}` is actually defined, there may be more than one copy.",
                maybe(rng, 0.5, "I want to be sure I'm editing the right file."),
            ),
            say(
                rng,
                f'grep -rn "def {ctx.symbol}\\|class {ctx.symbol}" --include=*.py . | head -20',
                f"find / -name {inner.rsplit('/', 1)[-1]} -path '*{ctx.pkg}*' 2>/dev/null | head",
            ),
            0,
            f"./{ctx.src}:{base}:    def {ctx.symbol}(self, *args, **kwargs):\n./{copy.removeprefix('/tmp/')}:{base}:    def {ctx.symbol}(self, *args, **kwargs):\n"
            if not copy.startswith("/")
            else f"/testbed/{ctx.src}\n{copy}\n",
        )
    ]
    fixes: list[tuple[str, Callable[[int], str]]] = [
        (
            "sed",
            lambda i: (
                f"sed -i '{base + 2 + i % 3}s/return {rng.choice(['result', 'value', 'obj'])}/return self._normalize(result)/' {copy}"
            ),
        ),
        (
            "python",
            lambda i: (
                f"python - <<'EOF'\nimport re\np = '{copy}'\ns = open(p).read()\ns = s.replace('if value is None:', 'if value is None or value == {rng.choice(['[]', '()', '{}', chr(39) * 2])}:', 1)\nopen(p, 'w').write(s)\nprint('patched', p)\nEOF"
            ),
        ),
        ("perl", lambda i: f"perl -pi -e 's/\\bother\\b/other_{i}/g if $. > {base} && $. < {base + 20}' {copy}"),
        (
            "cat",
            lambda i: (
                f"cat <<'EOF' > /tmp/fix_{i}.py\nimport fileinput\nfor line in fileinput.input('{copy}', inplace=True):\n    print(line.replace('kwargs)', 'kwargs, strict=False)'), end='')\nEOF\npython /tmp/fix_{i}.py"
            ),
        ),
        (
            "ed",
            lambda i: f"ed -s {copy} <<'EOF'\n{base + 1}a\n        if not args:\n            return None\n.\nw\nq\nEOF",
        ),
    ]
    i = 0
    while len(out) < n:
        tool, make = rng.choice(fixes)
        command = make(i)
        first = (
            f"`{copy}` is the copy with `{ctx.symbol}` that I'll fix.",
            f"I'll make the change in `{copy}`.",
            f"Both files define it; the one under `{copy.split('/')[0]}` looks like the one in use. Editing it.",
        )
        out.append(
            step(
                para(
                    rng,
                    first
                    if i == 0
                    else (
                        f"The test still fails with the same assertion. I'll adjust `{ctx.symbol}` in `{copy}` differently.",
                        f"Still failing. My previous change to `{copy}` must not have covered this case; trying another approach.",
                        f"Same failure. I'll rework the condition in `{ctx.symbol}` ({copy}).",
                        f"It seems the fix isn't complete. Let me update `{copy}` again.",
                        f"Hmm, the result is unchanged: `{bodies[0].splitlines()[2][8:]}`. Let me modify the function again.",
                    ),
                    maybe(
                        rng,
                        0.35,
                        "Maybe the value is normalised before it reaches this branch.",
                        "The early return might be skipping my change.",
                        "I suspect the kwargs are not forwarded.",
                    ),
                ),
                command,
                0,
                f"patched {copy}\n" if tool == "python" else "",
            )
        )
        command, rc, output = _tested(ctx, rng, name, bodies, total)
        out.append(
            step(
                say(
                    rng,
                    "Now run the test again.",
                    "Let's rerun the failing test.",
                    "Verify the change.",
                    f"Running `{name}` again.",
                ),
                command,
                rc,
                output,
                rng.uniform(1, 6),
            )
        )
        roll = rng.random()
        if roll < 0.3:
            look = say(
                rng,
                f"grep -n '{ctx.symbol}' {copy} | head",
                f"sed -n '{base},{base + 12}p' {copy}",
                f"diff {ctx.src} {copy} | head -30",
            )
            shown = numbered(code_lines(rng, ctx.symbol, 8), base)
            if look.startswith("diff"):
                shown = f"{base + 2}c{base + 2}\n< {code_lines(rng, ctx.symbol, 3)[2]}\n---\n> {code_lines(rng, ctx.symbol, 3)[2]}\n"
            out.append(
                step(
                    say(
                        rng,
                        "Let me confirm my edit is actually in the file.",
                        f"Checking that `{copy}` contains the change.",
                        "Is the change there?",
                    ),
                    look,
                    1 if look.startswith("diff") else 0,
                    shown,
                )
            )
        elif roll < 0.38:
            out.append(
                doubled(rng, "I'll edit the function and rerun the test.", fixes[0][1](i), test_command(ctx, rng)[0])
            )
        i += 1
    return _finish(rng, ctx, out, n)


# ---------------------------------------------------------------- import-shadowing

_SHADOWS = (
    (
        "inspect",
        "inspect the signature",
        "ImportError: cannot import name '{what}' from partially initialized module '{mod}' (most likely due to a circular import) (/testbed/{path})",
    ),
    ("types", "check the types involved", "AttributeError: module 'types' has no attribute 'MappingProxyType'"),
    (
        "copy",
        "test copying",
        "AttributeError: partially initialized module 'copy' has no attribute 'deepcopy' (most likely due to a circular import)",
    ),
    ("numbers", "check numeric handling", "AttributeError: module 'numbers' has no attribute 'Number'"),
    (
        "token",
        "test tokenization",
        "ImportError: cannot import name 'EXACT_TOKEN_TYPES' from 'token' (/testbed/token.py)",
    ),
    ("signal", "test the signal behaviour", "AttributeError: module 'signal' has no attribute 'SIGINT'"),
    (
        "operator",
        "test the operators",
        "ImportError: cannot import name 'attrgetter' from 'operator' (/testbed/operator.py)",
    ),
    ("enum", "check enum handling", "AttributeError: module 'enum' has no attribute 'IntFlag'"),
    (
        "decimal",
        "check decimal rounding",
        "ImportError: cannot import name 'Decimal' from 'decimal' (/testbed/decimal.py)",
    ),
    ("string", "check string formatting", "AttributeError: module 'string' has no attribute 'Formatter'"),
)


def import_shadowing(ctx: Ctx, rng: random.Random, n: int) -> list[Exchange]:
    """A helper script named like a stdlib module shadows it; reinstalls and path tricks change nothing."""
    shadow, purpose, error = rng.choice(_SHADOWS)
    init = ctx.src.rsplit("/", 1)[0] + "/__init__.py"
    error = error.format(what=ctx.symbol, mod=ctx.module.rsplit(".", 1)[0], path=init)
    trace = (
        "Traceback (most recent call last):\n"
        f'  File "/testbed/{shadow}.py", line 1, in <module>\n'
        f"    from {ctx.module} import {ctx.symbol}\n"
        f'  File "/testbed/{init}", line {rng.randint(1, 40)}, in <module>\n'
        f"    from {ctx.module.rsplit('.', 1)[0]} import {rng.choice(['base', 'utils', 'core', 'compat'])}\n"
        f'  File "/opt/miniconda3/envs/testbed/lib/python{ctx.py}/{rng.choice(["functools", "dataclasses", "typing", "collections/__init__"])}.py", line {rng.randint(20, 900)}, in <module>\n'
        f"    import {shadow}\n"
        f'  File "/testbed/{shadow}.py", line 1, in <module>\n'
        f"    from {ctx.module} import {ctx.symbol}\n"
        f"{error}\n"
    )
    dist = {"scikit-learn": "scikit-learn", "pytest": "pytest", "django": "Django"}.get(ctx.repo, ctx.pkg)
    out = [
        step(
            f"I'll write a small script to {purpose} of `{ctx.symbol}`.",
            f"cat <<'EOF' > {shadow}.py\nfrom {ctx.module} import {ctx.symbol}\n\nprint({ctx.symbol})\nprint(type({ctx.symbol}))\nEOF",
            0,
            "",
        ),
        step(
            say(rng, "Run it.", f"Now run `{shadow}.py`.", "Let's see what it prints."),
            f"python {shadow}.py",
            1,
            trace,
            1.1,
        ),
    ]
    attempts = [
        (
            "pip install -e . --no-deps -q 2>&1 | tail -3",
            f"  Running setup.py develop for {dist}\nSuccessfully installed {dist}\n",
            "Maybe the editable install is broken. Reinstalling the package in development mode.",
        ),
        (
            f"pip uninstall -y {dist} && pip install -e . -q 2>&1 | tail -2",
            f"Found existing installation: {dist}\nUninstalling {dist}:\n  Successfully uninstalled {dist}\nSuccessfully installed {dist}\n",
            "Let me uninstall and reinstall it cleanly.",
        ),
        (
            "find . -name '__pycache__' -type d -prune -exec rm -rf {} + && find . -name '*.pyc' -delete && echo cleaned",
            "cleaned\n",
            "Stale bytecode could cause this. Clearing all __pycache__ directories.",
        ),
        (
            f"PYTHONPATH=/testbed:{ctx.site} python {shadow}.py",
            None,
            "Let me set PYTHONPATH explicitly so the right modules are picked up.",
        ),
        (
            f'python -c "import {ctx.pkg}; print({ctx.pkg}.__file__)"',
            f"/testbed/{init}\n",
            f"Let me check which `{ctx.pkg}` is imported.",
        ),
        (
            f"pip install --force-reinstall --no-deps {rng.choice(['setuptools', 'typing_extensions', 'six'])} -q && python {shadow}.py",
            None,
            "Maybe an auxiliary package is corrupted. Force reinstalling it.",
        ),
        (
            f"mv {ctx.src.rsplit('/', 1)[0]}/__pycache__ /tmp/pycache_bak_{rng.randint(1, 99)} 2>/dev/null; python -B {shadow}.py",
            None,
            "Moving the cache away and running without writing bytecode.",
        ),
        (
            f"env -i PATH=$PATH HOME=$HOME python {shadow}.py",
            None,
            "Running with a clean environment in case some variable interferes.",
        ),
        (
            'python -c "import sys; print(sys.path[:4])"',
            f"['', '/opt/miniconda3/envs/testbed/lib/python{_nodot(ctx)}.zip', '/opt/miniconda3/envs/testbed/lib/python{ctx.py}', '/opt/miniconda3/envs/testbed/lib/python{ctx.py}/lib-dynload']\n",
            "Let me inspect sys.path.",
        ),
        ("pip check", "No broken requirements found.\n", "Checking for broken requirements."),
        (f"cd /tmp && python /testbed/{shadow}.py; cd /testbed", None, "Perhaps running from another directory helps."),
        (
            f"mv {shadow}_check.py {shadow}_check_old.py 2>/dev/null; python -I -c 'print(1)' && python {shadow}.py",
            None,
            "Renaming my older helper in case it conflicts.",
        ),
    ]
    rng.shuffle(attempts)
    i = 0
    while len(out) < n:
        command, result, why = attempts[i % len(attempts)]
        lead = say(
            rng,
            f"The same `{error.split(':')[0]}` again.",
            "Still the same import error.",
            f"This is strange: `{error[:70]}`.",
            "No change.",
            "The import still fails.",
        )
        if result is None:
            out.append(step(para(rng, lead, why), command, 1, trace, 1.5))
        else:
            out.append(step(para(rng, lead, why), command, 0, result, rng.uniform(0.5, 25)))
            out.append(
                step(
                    say(rng, "Try the script again.", "Now rerun.", f"Running `{shadow}.py` again."),
                    f"python {shadow}.py",
                    1,
                    trace,
                    1.2,
                )
            )
        i += 1
    return _finish(rng, ctx, out, n)


# ---------------------------------------------------------------- timeout-retry


def timeout_retry(ctx: Ctx, rng: random.Random, n: int) -> list[Exchange]:
    """A test that hangs forever, rerun with other timeouts, flags and selections; processes killed."""
    name = _name(ctx, rng)
    where = rng.randint(80, 1400)
    header = (
        "============================= test session starts ==============================\n"
        f"platform linux -- Python {ctx.py_full}, pytest-{ctx.pytest}, pluggy-1.5.0\n"
        f"rootdir: /testbed\nconfigfile: {ctx.configfile}\n"
    )
    partial = header + f"collected {rng.randint(5, 80)} items\n\n{ctx.test} " + "." * rng.randint(0, 30)
    selected = header + f"collected {rng.randint(5, 80)} items / 1 deselected / 1 selected\n\n{ctx.test} "
    interrupted = (
        "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!! KeyboardInterrupt !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        f"/testbed/{ctx.src}:{where}: KeyboardInterrupt\n"
        "(to show a full traceback on KeyboardInterrupt use --full-trace)\n"
    )
    pids = [rng.randint(300, 9000) for _ in range(3)]
    moves: list[Callable[[int], Exchange]] = [
        lambda i: hang(
            say(rng, "Running the test again to see where it gets stuck.", f"Let me run `{name}` alone."),
            f"python -m pytest {ctx.test} -k {name}",
            selected,
        ),
        lambda i: hang(
            say(rng, "Rerunning the file with -x to stop at the first problem.", "Stop at the first failure."),
            f"pytest -x {ctx.test}",
            partial,
        ),
        lambda i: step(
            say(
                rng,
                "I'll limit the runtime with `timeout` so the shell doesn't get killed.",
                "Use coreutils timeout this time.",
            ),
            f"timeout {rng.choice([20, 30, 45, 50])} python -m pytest {ctx.test} -x -q",
            124,
            "." * rng.randint(0, 20),
            45,
        ),
        lambda i: step(
            "Send SIGINT after a while so pytest shows where it is stuck.",
            f"timeout -s INT {rng.choice([25, 40, 55])} pytest {ctx.test} -k {name} -p no:cacheprovider",
            2,
            selected + interrupted + f"{rule_line(rng)}\n",
            40,
        ),
        lambda i: no_timeout_plugin(ctx, rng, name, rng.choice([10, 20, 30])),
        lambda i: step(
            "Check for leftover processes from the previous runs.",
            say(rng, "ps aux | grep -E 'pytest|python' | grep -v grep", "ps -ef | grep pytest | grep -v grep"),
            0,
            "".join(
                f"root      {pid}  {rng.uniform(60, 99):.1f}  0.{rng.randint(1, 9)} {rng.randint(200000, 900000)} {rng.randint(40000, 200000)} ?  R    {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}   {rng.randint(0, 9)}:{rng.randint(10, 59)} /opt/miniconda3/envs/testbed/bin/python -m pytest {ctx.test}\n"
                for pid in pids[: rng.randint(1, 3)]
            ),
        ),
        lambda i: step(
            "Kill them before trying again.",
            f"kill -9 {' '.join(map(str, pids[: rng.randint(1, 3)]))}; sleep 1; echo done",
            0,
            "done\n",
            1.5,
        ),
        lambda i: hang(
            say(
                rng,
                "Let me try the reproduction script instead of pytest.",
                "Maybe it's pytest-specific. Running the script directly.",
            ),
            say(
                rng,
                "python reproduce_issue.py",
                "python -u reproduce_issue.py",
                "python -X faulthandler reproduce_issue.py",
            ),
            say(rng, "", "Starting...\n", f"Testing {ctx.symbol}...\n"),
        ),
        lambda i: step(
            "Run it under timeout with faulthandler to dump the stack.",
            f"PYTHONFAULTHANDLER=1 timeout {rng.choice([15, 30])} python reproduce_issue.py",
            124,
            "",
            30,
        ),
        lambda i: hang(
            "Run with verbose output to see which test hangs.",
            f"python -m pytest {ctx.test} -vv -x -p no:randomly",
            partial.replace(" .", " PASSED"),
        ),
    ]
    out: list[Exchange] = []
    i = 0
    last = -1
    while len(out) < n:
        choice = rng.choice([j for j in range(len(moves)) if j != last])
        move, last = moves[choice](i), choice
        if out:
            lead = say(
                rng,
                "Still hanging.",
                "It timed out again.",
                "No output before the kill, again.",
                "Same as before: it never finishes.",
                f"It gets stuck somewhere in `{ctx.symbol}`.",
                "Hmm.",
                "",
            )
            tail = maybe(
                rng,
                0.3,
                "Perhaps an infinite loop in the recursion.",
                "Maybe a lock is never released.",
                "It could be waiting on stdin.",
                "The cache might be growing without bound.",
            )
            move = Exchange(
                move.content.replace("THOUGHT: ", "THOUGHT: " + (lead + " " if lead else ""), 1).replace(
                    "\n\n```bash", (" " + tail if tail else "") + "\n\n```bash", 1
                ),
                move.reply,
                move.secs,
            )
        out.append(move)
        if rng.random() < 0.2:
            lead = say(rng, "It still hangs.", "Timed out again.", "Same hang.")
            out.append(
                step(
                    f"{lead} Let me look at the loop around line {where}.",
                    f"sed -n '{where - 5},{where + 8}p' {ctx.src}",
                    0,
                    "\n".join(code_lines(rng, ctx.symbol, 14)) + "\n",
                )
            )
        i += 1
    return _finish(rng, ctx, out, n)


def no_timeout_plugin(ctx: Ctx, rng: random.Random, name: str, secs: int) -> Exchange:
    return step(
        say(
            rng,
            "Maybe pytest-timeout is available.",
            f"Let pytest itself give up after {secs}s.",
            "Use the --timeout option.",
        ),
        f"pytest --timeout={secs} {ctx.test}::{name}",
        4,
        f"ERROR: usage: pytest [options] [file_or_dir] [file_or_dir] [...]\npytest: error: unrecognized arguments: --timeout={secs}\n  inifile: /testbed/{ctx.configfile}\n  rootdir: /testbed\n",
        1,
    )


def rule_line(rng: random.Random) -> str:
    return f"============================ no tests ran in {rng.uniform(20, 55):.2f}s ============================"


# ---------------------------------------------------------------- patch-rejected


def patch_rejected(ctx: Ctx, rng: random.Random, n: int) -> list[Exchange]:
    """A hand-written diff that never applies: hunks at drifting lines, context off, or corrupt."""
    start = rng.randint(60, 1200)
    body = code_lines(rng, ctx.symbol, 7)
    patch = rng.choice(["fix.patch", "changes.diff", f"{ctx.symbol.strip('_')}.patch", "/tmp/p.diff"])
    out: list[Exchange] = []
    i = 0
    while len(out) < n:
        at = start + rng.randint(-6, 6)
        added = f"        if {rng.choice(['value', 'obj', 'other'])} is None:\n            return {rng.choice(['None', 'self', '[]', 'result'])}"
        diff = (
            f"--- a/{ctx.src}\n+++ b/{ctx.src}\n@@ -{at},7 +{at},{9 if i % 2 else 8} @@\n"
            + "\n".join(" " + line for line in body[:3])
            + "\n"
            + "\n".join("+" + line for line in added.splitlines())
            + "\n"
            + "\n".join(" " + line for line in body[3 : 6 - (i % 2)])
        )
        write = f"cat <<'EOF' > {patch}\n{diff}\nEOF"
        verdict = rng.random()
        if verdict < 0.3:
            error = f"error: corrupt patch at line {rng.randint(9, 14)}\n"
        elif verdict < 0.55:
            error = f"checking file {ctx.src}\nHunk #1 FAILED at {at}.\n1 out of 1 hunk FAILED\n"
        else:
            error = f"error: patch failed: {ctx.src}:{at}\nerror: {ctx.src}: patch does not apply\n"
        applies = "patch -p1" if "Hunk" in error else "git apply"
        apply = {
            "git apply": rng.choice(
                [
                    f"git apply {patch}",
                    f"git apply -v {patch}",
                    f"git apply --check {patch}",
                    f"git apply --ignore-whitespace {patch}",
                    f"git apply --recount {patch}",
                ]
            ),
            "patch -p1": rng.choice(
                [f"patch -p1 --dry-run < {patch}", f"patch -p1 < {patch}", f"patch -p1 -l --dry-run < {patch}"]
            ),
        }[applies]
        if "-v" in apply:
            error = f"Checking patch {ctx.src}...\n" + error
        lead = para(
            rng,
            (
                f"The patch was rejected. The hunk probably starts at a different line; `{ctx.symbol}` is around line {at}.",
                "The patch doesn't apply. I'll regenerate it with corrected context lines.",
                f"`{error.splitlines()[-1]}`. Let me rewrite the diff with the exact indentation.",
                "Still failing to apply. Maybe the line count in the hunk header is wrong. Recounting.",
                "I'll write the patch again, this time making sure the context matches the file.",
            ),
            maybe(
                rng,
                0.3,
                "Using a patch keeps the change reviewable.",
                "I prefer a diff here over sed because the change spans several lines.",
            ),
        )
        if i == 0:
            lead = f"I'll express the change to `{ctx.symbol}` as a unified diff and apply it with git."
        if rng.random() < 0.5:
            out.append(step(lead, f"{write}\n{apply}", 1, error))
        else:
            out.append(step(lead, write, 0, ""))
            out.append(step(say(rng, "Apply it.", "Now apply the patch.", "Applying."), apply, 1, error))
        if rng.random() < 0.25:
            out.append(
                step(
                    say(
                        rng,
                        "Let me look at the exact lines in the file.",
                        "Check the current content around the function.",
                    ),
                    f"nl -ba {ctx.src} | sed -n '{at - 3},{at + 9}p'",
                    0,
                    numbered(code_lines(rng, ctx.symbol, 13), at - 3),
                )
            )
        elif rng.random() < 0.12:
            out.append(
                step(
                    "Check the patch file for stray whitespace.",
                    f"cat -A {patch} | head -20",
                    0,
                    "\n".join(line + "$" for line in diff.splitlines()[:20]) + "\n",
                )
            )
        i += 1
    return _finish(rng, ctx, out, n)


# ---------------------------------------------------------------- syntax-churn

_SYNTAX = (
    ("IndentationError: unexpected indent", "        return result"),
    ("IndentationError: unindent does not match any outer indentation level", "    else:"),
    ("SyntaxError: invalid syntax", "        elif value is None"),
    ("SyntaxError: unmatched ')'", "            result.append(self._convert(item)))"),
    ("IndentationError: expected an indented block", "        if not args:"),
    ("SyntaxError: '(' was never closed", "        result = self._convert(item"),
)


def syntax_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Exchange]:
    """Each rewrite of a block leaves a syntax or indentation error a line or two from the last."""
    line = rng.randint(80, 1200)
    shown_line, shown_error = line, ""
    out: list[Exchange] = []
    i = 0
    while len(out) < n:
        error, code = rng.choice(_SYNTAX)
        if error.endswith("indented block") and ctx.py >= "3.10":
            error += f" after 'if' statement on line {line - 1}"
        if error.startswith("SyntaxError: '('") and ctx.py < "3.10":
            error = "SyntaxError: unexpected EOF while parsing"
        edits = [
            f"sed -i '{line}s/^    /        /' {ctx.src}",
            f"sed -i '{line - 1},{line + 2}d' {ctx.src} && sed -i '{line - 2}a\\        if value is None:\\n            return result\\n        result = self._convert(value)' {ctx.src}",
            f"python - <<'EOF'\npath = '{ctx.src}'\nlines = open(path).read().splitlines(True)\nlines[{line - 3}:{line + 1}] = [\n    '        for item in items:\\n',\n    '            if item is None:\\n',\n    '                continue\\n',\n    '            result.append(self._convert(item))\\n',\n]\nopen(path, 'w').writelines(lines)\nEOF",
            f"ed -s {ctx.src} <<'EOF'\n{line}d\n{line - 1}a\n{code}\n.\nw\nq\nEOF",
            f"perl -0pi -e 's/(def {ctx.symbol}\\(.*?\\n)/$1        value = kwargs.pop(\"value\", None)\\n/s' {ctx.src}",
            f"awk 'NR=={line}{{sub(/^        /, \"    \")}} {{print}}' {ctx.src} > /tmp/fixed.py && mv /tmp/fixed.py {ctx.src}",
        ]
        if i == 0:
            thought = para(
                rng,
                f"I'll restructure the body of `{ctx.symbol}` so the new branch sits before the conversion.",
                maybe(rng, 0.4, "It's a few lines, so I'll rewrite them in place."),
            )
        else:
            thought = para(
                rng,
                (
                    f"There's a syntax problem at line {shown_line}. I'll rewrite that block.",
                    f"`{shown_error}` at line {shown_line}. The indentation got mixed up. Fixing it.",
                    "My last edit broke the indentation. Let me redo the block properly.",
                    f"Still a `{shown_error.split(':')[0]}`. I'll replace lines {shown_line - 2}-{shown_line + 1} with a clean version.",
                    "The structure of the if/else is off again. Rewriting.",
                    f"Line {shown_line} again. I must have left a stray line from the previous version.",
                ),
                maybe(
                    rng,
                    0.3,
                    "I need to be careful with the 8-space indentation inside the method.",
                    "This time I'll double check the nesting.",
                ),
            )
        out.append(step(thought, rng.choice(edits), 0, ""))
        line += rng.choice([-2, -1, 1, 1, 2])
        report = (
            f'  File "/testbed/{ctx.src}", line {line}\n    {code.strip()}\n    {"^" * rng.randint(1, 6)}\n{error}\n'
        )
        check = rng.choice(
            [
                (
                    f'python -c "import {ctx.module}"',
                    'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n' + report,
                ),
                (f"python -m py_compile {ctx.src}", report),
                (
                    "python reproduce_issue.py",
                    f'Traceback (most recent call last):\n  File "/testbed/reproduce_issue.py", line {rng.randint(1, 4)}, in <module>\n    from {ctx.module} import {ctx.symbol}\n'
                    + report,
                ),
            ]
        )
        out.append(
            step(
                say(rng, "Check that it compiles.", "Does it import now?", "Verify.", "Run the reproduction."),
                check[0],
                1,
                check[1],
                0.8,
            )
        )
        shown_line, shown_error = line, error
        if rng.random() < 0.3:
            view = code_lines(rng, ctx.symbol, 10)
            view[4] = view[4][2:]
            out.append(
                step(
                    "Let me look at the lines around the error.",
                    f"nl -ba {ctx.src} | sed -n '{line - 5},{line + 4}p'",
                    0,
                    numbered(view, line - 5),
                )
            )
        i += 1
    return _finish(rng, ctx, out, n)


# ---------------------------------------------------------------- dependency-conflict

_CONFLICTS = (
    ("docutils", "0.17.1", ">=0.19", "sphinx", "5.0.2", "docutils<0.19,>=0.14"),
    ("numpy", "1.21.6", ">=1.25", "scipy", "1.7.3", "numpy<1.23.0,>=1.16.5"),
    ("pytest", "7.0.1", ">=8.0", "pytest-asyncio", "0.21.1", "pytest<8,>=7.0.0"),
    ("jinja2", "2.11.3", ">=3.1", "sphinx", "3.5.4", "Jinja2<3.1"),
    ("pandas", "1.3.5", ">=2.0", "xarray", "0.20.2", "pandas<2,>=1.1"),
    ("packaging", "21.3", ">=23.2", "setuptools-scm", "6.4.2", "packaging<22,>=20.0"),
    ("hypothesis", "6.46.0", ">=6.100", "pytest-xdist", "2.5.0", "execnet<2,>=1.1"),
    ("matplotlib", "3.5.3", ">=3.8", "seaborn", "0.11.2", "matplotlib<3.6,>=2.2"),
    ("attrs", "19.3.0", ">=22.2", "pytest", "7.0.1", "attrs<22,>=19.2.0"),
)


def dependency_conflict(ctx: Ctx, rng: random.Random, n: int) -> list[Exchange]:
    """A newer dependency pip's resolver refuses; other pins, --no-deps, constraints, conda all fail."""
    want, have, spec, blocker, blocker_version, needs = rng.choice(_CONFLICTS)
    major = spec.lstrip(">=")
    needed = f"ImportError: {want}{spec} is required for this test (found {want} {have})"
    verify = (f'python -c "import {want}; print({want}.__version__)"', 0, f"{have}\n")
    test_fail = (
        "python reproduce_issue.py",
        1,
        f'Traceback (most recent call last):\n  File "/testbed/reproduce_issue.py", line 2, in <module>\n    from {ctx.module} import {ctx.symbol}\n  File "/testbed/{ctx.src}", line {rng.randint(5, 40)}, in <module>\n    from {want} import {rng.choice(["nodes", "utils", "compat", "core"])}\n{needed}\n',
    )

    def impossible(pins: str) -> str:
        wording = rng.choice(
            [
                f"ERROR: Cannot install {pins} because these package versions have conflicting dependencies.\n",
                f"ERROR: Cannot install {blocker}=={blocker_version} and {want}{spec} because these package versions have conflicting dependencies.\n",
            ]
        )
        return (
            f"Requirement already satisfied: {blocker} in {ctx.site} ({blocker_version})\n"
            + wording
            + f"\nThe conflict is caused by:\n    The user requested {want}{spec}\n    {blocker} {blocker_version} depends on {needs}\n\n"
            "To fix this you could try to:\n1. loosen the range of package versions you've specified\n"
            "2. remove package versions to allow pip to attempt to solve the dependency conflict\n\n"
            "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts\n"
        )

    def no_deps(version: str) -> str:
        return (
            f"Collecting {want}=={version}\n  Downloading {want}-{version}-py3-none-any.whl ({rng.randint(100, 9000)} kB)\n"
            f"Installing collected packages: {want}\n  Attempting uninstall: {want}\n    Found existing installation: {want} {have}\n"
            f"    Uninstalling {want}-{have}:\n      Successfully uninstalled {want}-{have}\n"
            "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed. "
            "This behaviour is the source of the following dependency conflicts:\n"
            f"{blocker} {blocker_version} requires {needs.split(',')[0]}, but you have {want} {version} which is incompatible.\n"
            f"Successfully installed {want}-{version}\n"
        )

    moves: list[Callable[[], list[Exchange]]] = [
        lambda: [
            step(
                say(rng, f"Install a newer `{want}`.", f"The test needs `{want}{spec}`. Upgrading it."),
                f"pip install '{want}{spec}'",
                1,
                impossible(f"{want}{spec}"),
                8,
            )
        ],
        lambda: [
            step(
                f"Pin `{want}` to exactly {major} instead.",
                f"pip install {want}=={major}",
                1,
                impossible(f"{want}=={major}"),
                7,
            )
        ],
        lambda: [
            step(
                f"Upgrade `{blocker}` together with `{want}` so the resolver can pick compatible versions.",
                f"pip install -U {blocker} '{want}{spec}'",
                1,
                impossible(f"{blocker} and {want}{spec}"),
                12,
            )
        ],
        lambda: [
            step(
                f"Install `{want}` without dependencies, ignoring `{blocker}`'s pin.",
                f"pip install --no-deps {want}=={major}",
                0,
                no_deps(major),
                6,
            ),
            step(
                "Check whether it works now.",
                *test_fail[:1],
                1,
                test_fail[2].replace(have, major) if rng.random() < 0.5 else test_fail[2],
                1.5,
            ),
            step(f"Odd. Which `{want}` is imported?", verify[0], 0, f"{have}\n", 1),
        ],
        lambda: [
            step(
                "A constraints file might let pip find a solution.",
                f"printf '{want}{spec}\\n{blocker}>={blocker_version}\\n' > /tmp/constraints.txt && pip install -c /tmp/constraints.txt {want}",
                1,
                impossible(f"{want} and {blocker}>={blocker_version}").replace(
                    "The user requested", "The user requested (constraint)"
                ),
                9,
            )
        ],
        lambda: [
            step(
                "Try conda, its solver may handle it.",
                f"conda install -y -c conda-forge '{want}{spec}'",
                1,
                f"Collecting package metadata (current_repodata.json): done\nSolving environment: failed with initial frozen solve. Retrying with flexible solve.\nSolving environment: failed with repodata from current_repodata.json, will retry with next repodata source.\nCollecting package metadata (repodata.json): done\nSolving environment: failed\n\nUnsatisfiableError: The following specifications were found to be incompatible with each other:\n\nOutput in format: Requested package -> Available versions\n\nPackage {want} conflicts for:\n{blocker}=={blocker_version} -> {want}[version='{needs.split(',')[0].removeprefix(want)}']\n{want}{spec}\n",
                95,
            )
        ],
        lambda: [
            step(
                "Let me see what pip thinks is broken.",
                "pip check",
                1,
                f"{blocker} {blocker_version} has requirement {needs.split(',')[0]}, but you have {want} {have}.\n",
                2,
            )
        ],
        lambda: [
            step(
                f"Maybe an older `{blocker}` doesn't pin `{want}`.",
                f"pip install '{blocker}<{blocker_version}' '{want}{spec}'",
                1,
                impossible(f"{blocker}<{blocker_version} and {want}{spec}"),
                14,
            )
        ],
        lambda: [test_fail_step(rng, test_fail)],
        lambda: [
            step(
                "Use the legacy resolver.",
                f"pip install --use-deprecated=legacy-resolver '{want}{spec}'",
                1,
                f"ERROR: {blocker} {blocker_version} has requirement {needs}, but you'll have {want} {major} which is incompatible.\nERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '{ctx.site}/{want}/__init__.py'\n",
                10,
            )
        ],
    ]
    out: list[Exchange] = [
        step(
            say(rng, "Run the reproduction script.", "Let me run my script first."),
            test_fail[0],
            test_fail[1],
            test_fail[2],
            1.4,
        )
    ]
    last = -1
    while len(out) < n:
        choice = rng.choice([i for i in range(len(moves)) if i != last])
        out.extend(moves[choice]())
        last = choice
    return _finish(rng, ctx, out, n)


def test_fail_step(rng: random.Random, test_fail: tuple[str, int, str]) -> Exchange:
    return step(
        say(rng, "Run the reproduction again.", "Does it work now?", "Rerun."),
        test_fail[0],
        test_fail[1],
        test_fail[2],
        1.4,
    )


# ---------------------------------------------------------------- assertion-chase


def assertion_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Exchange]:
    """The agent moves the test's expected value and the code in turn; the numbers drift, never match."""
    name = _name(ctx, rng)
    kind = rng.choice(["int", "float", "shape"])
    expected = rng.randint(8, 400)
    actual = expected + rng.choice([-2, -1, 1, 2])
    scale = rng.choice([10.0, 100.0, 1000.0])
    digits = rng.choice([2, 3, 4])
    out: list[Exchange] = []
    line = rng.randint(30, 800)
    i = 0

    def show(value: int) -> str:
        if kind == "float":
            return str(round(value / scale, digits))
        if kind == "shape":
            return f"({value // 10}, {value % 10 + 1})"
        return str(value)

    while len(out) < n:
        got, want = show(actual), show(expected)
        if ctx.django:
            body = f'  File "/testbed/{ctx.test}", line {line}, in {name}\n    self.assertEqual(result, {want})\nAssertionError: {got} != {want}'
        else:
            body = f"    def {name}():\n        result = {ctx.symbol}(data)\n>       assert result == {want}\nE       assert {got} == {want}\n\n{ctx.test}:{line}: AssertionError"
        command, quiet = test_command(ctx, rng, name)
        results = (
            [(name, "F")]
            if ("::" in command or " -k " in command)
            else [(name, "F")] + [(f"test_case_{j}", ".") for j in range(rng.randint(2, 9))]
        )
        rc, output = run_tests(ctx, rng, results, {name: body}, quiet)
        out.append(
            step(
                say(rng, "Run the test.", f"Running `{name}`.", "Check again.", "Let's see."),
                command,
                rc,
                output,
                rng.uniform(1, 5),
            )
        )
        if i % 2 == 0:
            thought = para(
                rng,
                (
                    f"The test expects {want} but gets {got}. I think the expected value in the test is off; updating it to {got}.",
                    f"Got {got} instead of {want}. The expectation in `{name}` looks outdated, adjusting it.",
                    f"Off by a little ({got} vs {want}). I'll change the expected value.",
                ),
                maybe(
                    rng,
                    0.3,
                    "This matches the behaviour described in the PR.",
                    "The new value is the mathematically correct one.",
                ),
            )
            command = rng.choice(
                [
                    f"sed -i '{line}s/{want}/{got}/' {ctx.test}",
                    f"python - <<'EOF'\np = '{ctx.test}'\ns = open(p).read().replace('== {want}', '== {got}', 1)\nopen(p, 'w').write(s)\nEOF",
                    f"perl -pi -e 's/\\Q{want}\\E/{got}/ if $. == {line}' {ctx.test}",
                ]
            )
            expected = actual
            actual = expected + rng.choice([-3, -1, 1, 2, 3])
        else:
            thought = para(
                rng,
                (
                    f"Now {got} != {want}. The computation in `{ctx.symbol}` must be slightly off; adjusting the offset.",
                    f"Still not matching. I'll tweak the rounding in `{ctx.symbol}` instead of the test.",
                    f"Different again: {got}. The boundary handling in `{ctx.src}` must be at fault.",
                ),
                maybe(
                    rng,
                    0.3,
                    "I think the off-by-one is in the slice end.",
                    "Maybe the loop should include the last element.",
                ),
            )
            offset = rng.randint(1, 3)
            command = rng.choice(
                [
                    f"sed -i 's/len(items) - {offset}/len(items) - {offset + 1}/' {ctx.src}",
                    f"sed -i 's/round(value, {offset})/round(value, {offset + 1})/' {ctx.src}",
                    f"python - <<'EOF'\np = '{ctx.src}'\ns = open(p).read().replace('[:-{offset}]', '[:-{offset + 1}]', 1)\nopen(p, 'w').write(s)\nEOF",
                ]
            )
            actual = actual + rng.choice([-2, -1, 1, 2])
            if actual == expected:
                actual += 1
        out.append(step(thought, command, 0, ""))
        i += 1
    return _finish(rng, ctx, out, n)
