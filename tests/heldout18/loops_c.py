"""Loops where every output is refused as too long, or the package crashes whenever it is imported."""

from __future__ import annotations

import random
import re

from heldout18.listings import collected, git_log, grep_tree
from heldout18.replies import banner, siblings, snake, traceback
from heldout18.runs import Run, command_of, dotted
from heldout18.scenes import OPENING, TAIL, pick
from heldout18.wire import Step, answer, step, submit


def output_too_long(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """Each narrower search the agent tries is still more output than the harness shows."""
    if len(run.tree) < 40:
        return None
    onset = rng.randint(OPENING[0], min(OPENING[1], len(run.calls) - 1))
    length = rng.randint(*TAIL)
    word, src = run.symbol, run.source
    root = src.split("/")[0] if not src.startswith(("lib/", "src/")) else "/".join(src.split("/")[:2])
    folder = src.rsplit("/", 1)[0]
    tests = run.test_file.rsplit("/", 1)[0]
    where = root if tests.startswith(root) else f"{root} {tests.split('/')[0]}"
    # A real too-long view of the file the run itself printed, when it printed one.
    real_view = next(
        (
            (command_of(a), r)
            for a, r in run.exchanges
            if "<warning>" in r and src in command_of(a) and " | " not in command_of(a)
        ),
        None,
    )
    moves = [
        lambda: step(
            "Let me search the whole repository.",
            f'grep -rn "{word}" .',
            0,
            grep_tree(run, rng, word, ".", rng.randint(40_000, 160_000)),
            2,
        ),
        lambda: step(
            f"I'll restrict the search to `{root}`.",
            pick(rng, f'grep -rn "{word}" {root}/', f"grep -rn {word} {root}"),
            0,
            grep_tree(run, rng, word, root, rng.randint(15_000, 60_000)),
        ),
        lambda: step(
            "Only the first hits then.",
            f'grep -rn "{word}" {root}/ | head -n {rng.choice([150, 200, 250, 300])}',
            0,
            grep_tree(run, rng, word, root, rng.randint(11_000, 19_000)),
        ),
        lambda: step(
            "Python files only, and only call sites.",
            f'grep -rn --include="*.py" "{word}(" {where}',
            0,
            grep_tree(run, rng, word, root, rng.randint(12_000, 40_000)),
        ),
        lambda: step(
            f"Let me narrow to the `{folder}` directory.",
            f'grep -rn "{word}" {folder}',
            0,
            grep_tree(run, rng, word, folder, rng.randint(10_500, 25_000)),
        ),
        lambda: step(
            f"Maybe the history of `{folder}` points to the right place.",
            pick(rng, f"git log --oneline -- {folder}", f"git log --oneline {root} | head -n 400"),
            0,
            git_log(run, rng, rng.randint(220, 700)),
        ),
        lambda: step(
            "Let me see which tests exist for this area instead.",
            f"python -m pytest {tests} --collect-only -q",
            0,
            collected(run, rng, tests, rng.randint(11_000, 45_000)),
            8,
        ),
        lambda: step(
            "I'll search with find and grep together.",
            f"find . -name '*.py' | xargs grep -n \"{word}\"",
            0,
            grep_tree(run, rng, word, ".", rng.randint(30_000, 120_000)),
        ),
        lambda: step(
            "Cutting the lines short should make it fit.",
            f'grep -rn "{word}" {root} | cut -c1-160',
            0,
            grep_tree(run, rng, word, root, rng.randint(11_000, 30_000)),
        ),
    ]
    first = moves[0]()
    steps = [
        Step(first.answer.replace("THOUGHT: ", f"THOUGHT: I need to find every use of `{word}`. ", 1), first.reply, 2)
    ]
    hits = rng.randint(180, 1400)
    again = (
        "Too long again. ",
        "Still more than the harness will show. ",
        "That was cut off too. ",
        "Still too much. ",
        "",
    )
    while len(steps) < length - 1:
        if real_view and rng.random() < 0.1:
            steps.append(Step(answer("Let me read the file itself instead.", real_view[0]), real_view[1], 1))
            continue
        if rng.random() < 0.08:
            steps.append(step("How many hits are there at all?", f'grep -rn "{word}" {root} | wc -l', 0, f"{hits}\n"))
            continue
        made = rng.choice(moves[1:])()
        if made.reply.startswith("<returncode>0</returncode>\n<output>"):
            continue  # came out short: the agent would have moved on, this family is about the ones that did not
        steps.append(
            Step(made.answer.replace("THOUGHT: ", "THOUGHT: " + rng.choice(again), 1), made.reply, made.seconds)
        )
    steps.append(submit("I can't get a usable view of the code this way; submitting what I have."))
    return onset, steps


def _entry(run: Run, rng: random.Random, a: str, b: str) -> tuple[str, str, list[tuple[str, int, str, str]], str, str]:
    """What the agent runs: its thought, the command, the frames reaching the first package module, the test file
    pytest collects (if any) and that first module."""
    kind = rng.randrange(4)
    if kind == 0:
        return (
            pick(
                rng,
                "Running the reproduction.",
                "Let me run the reproduction script again.",
                "Does the script run now?",
            ),
            pick(rng, f"python {run.script}", f"python3 {run.script}"),
            [(f"/testbed/{run.script}", rng.randint(1, 4), "<module>", f"from {dotted(a)} import {run.symbol}")],
            "",
            a,
        )
    if kind == 1:
        first = rng.choice([a, b])
        return (
            pick(rng, f"Does a bare import of `{dotted(first)}` work?", "Let me just import the module."),
            f'python -c "import {dotted(first)}"',
            [("<string>", 1, "<module>", "")],
            "",
            first,
        )
    if kind == 2 and run.owner == "django":
        return (
            "Let me run the test suite for this app.",
            f"./tests/runtests.py {run.test_file.removeprefix('tests/').split('/')[0]}",
            [
                ("/testbed/tests/runtests.py", 17, "<module>", "import django"),
                ("/testbed/django/__init__.py", 1, "<module>", "from django.utils.version import get_version"),
            ],
            "",
            a,
        )
    return (
        pick(
            rng, "Let me try the tests instead.", "Running the tests for this module.", "Do the tests at least collect?"
        ),
        f"python -m pytest {run.test_file} -x -q",
        [],
        run.test_file,
        rng.choice([a, a, b]),
    )


def _crash(
    run: Run,
    rng: random.Random,
    frames: list[tuple[str, int, str, str]],
    test: str,
    chain: list[tuple[str, int, str]],
    error: str,
) -> tuple[int, str]:
    """The crash as the command shows it: a traceback, or pytest's collection error."""
    full = frames + [(f"/testbed/{path}", line, "<module>", code) for path, line, code in chain]
    if not test:
        return 1, traceback(full, error)
    inner = "".join(f"{path}:{line}: in <module>\n    {code}\n" for path, line, code in chain)
    return 4, (
        f"ImportError while loading conftest '/testbed/conftest.py'.\n{inner}E   {error}\n"
        if run.owner in ("sympy", "astropy")
        else "\n==================================== ERRORS ====================================\n"
        f"{banner(f'ERROR collecting {test}', '_')}\nImportError while importing test module '/testbed/{test}'.\n"
        "Hint: make sure your test modules/packages have valid Python names.\nTraceback:\n"
        f"{inner}E   {error}\n=========================== short test summary info ============================\n"
        f"ERROR {test}\n!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n1 error in {rng.uniform(0.2, 2.5):.2f}s\n"
    )


def import_time_crash(run: Run, rng: random.Random) -> tuple[int, list[Step]] | None:
    """The agent's refactor makes the package crash at import; each edit moves the crash to another module."""
    onset = rng.randint(OPENING[0], min(OPENING[1], len(run.calls) - 1))
    length = rng.randint(*TAIL)
    a, b, c = run.source, *siblings(run, rng, 2)
    ma, mb, mc = dotted(a), dotted(b), dotted(c)
    helper = f"normalize_{snake(run.symbol).split('_')[-1] or 'value'}"
    new_py = int(run.python.split(".")[1]) >= 8
    top = {a: 14 + len(a) % 20, b: 9 + len(b) % 15, c: 11 + len(c) % 12}

    def partially(name: str, module: str, path: str) -> str:
        if new_py:
            return f"ImportError: cannot import name '{name}' from partially initialized module '{module}' (most likely due to a circular import) ({path})"
        return f"ImportError: cannot import name '{name}'" + (
            f" from '{module}' ({path})" if run.python == "3.7" else ""
        )

    def attribute(name: str, module: str) -> str:
        if new_py:
            return f"AttributeError: partially initialized module '{module}' has no attribute '{name}' (most likely due to a circular import)"
        return f"AttributeError: module '{module}' has no attribute '{name}'"

    # Each state: the import chain the crash goes through and its error, whichever module is imported first.
    states = [
        lambda first: (
            [(a, top[a], f"from {mb} import {helper}"), (b, top[b], f"from {ma} import {run.symbol}")]
            if first == a
            else [(b, top[b], f"from {ma} import {run.symbol}"), (a, top[a], f"from {mb} import {helper}")],
            partially(run.symbol, ma, f"/testbed/{a}") if first == a else partially(helper, mb, f"/testbed/{b}"),
        ),
        lambda first: (
            [
                (a, top[a] + 1, f"import {mb} as _helpers"),
                (b, top[b], f"from {ma} import {run.symbol}"),
                (a, top[a] + 40, f"_normalize = _helpers.{helper}"),
            ],
            attribute(helper, mb),
        ),
        lambda first: (
            [
                (a, top[a], f"from {mc} import {helper}"),
                (c, top[c], f"from {mb} import DEFAULTS"),
                (b, top[b], f"from {ma} import {run.symbol}"),
            ],
            partially(run.symbol, ma, f"/testbed/{a}"),
        ),
        lambda first: (
            [(a, top[a], f"from {mb} import {helper}"), (b, top[b] + 30, f"_DEFAULT = {helper}({run.symbol})")],
            f"NameError: name '{run.symbol}' is not defined",
        ),
    ]
    state = 0
    steps = [
        step(
            f"I'll add a small `{helper}` helper in `{b}` so the logic can be shared.",
            f"cat >> {b} <<'EOF'\n\n\ndef {helper}(value):\n    if value is None:\n        return value\n    return str(value).strip()\nEOF",
            0,
            "",
        ),
        step(
            f"Now import it in `{a}` and use it in `{run.symbol}`.",
            f"sed -i '0,/^import /s//from {mb} import {helper}\\nimport /' {a}",
            0,
            "",
        ),
    ]
    fixes = [
        (
            f"The import is circular: `{b}` imports `{ma}` at the top. I'll import the module instead of the name.",
            f"sed -i 's/^from {re.escape(mb)} import {helper}$/import {mb} as _helpers/' {a}",
            1,
        ),
        (
            f"I'll move `{helper}` into `{c}`, which should not depend on `{ma}`.",
            f"sed -i 's/^import {re.escape(mb)} as _helpers$/from {mc} import {helper}/' {a} && sed -n '/^def {helper}/,/^$/p' {b} >> {c}",
            2,
        ),
        (
            f"I'll guard the import in `{b}` so it only happens for type checking.",
            f"sed -i 's/^from {re.escape(ma)} import {run.symbol}$/if TYPE_CHECKING:\\n    from {ma} import {run.symbol}/' {b}",
            3,
        ),
        (
            "Let me go back to a plain import of the helper module and import the name lazily inside the function.",
            f"sed -i 's/^from {re.escape(mc)} import {helper}$/from {mb} import {helper}/' {a}",
            0,
        ),
    ]
    while len(steps) < length - 1:
        roll = rng.random()
        if roll < 0.5:
            thought, command, frames, test, first = _entry(run, rng, a, b)
            chain, error = states[state](first)
            code, out = _crash(run, rng, frames, test, chain, error)
            steps.append(step(thought, command, code, out, 2))
        elif roll < 0.75:
            thought, command, state = rng.choice([fix for fix in fixes if fix[2] != state])
            for path in (a, b, c):
                top[path] += rng.choice([0, 0, 1, -1, 2])
            steps.append(step(thought, command, 0, ""))
        else:
            look = rng.choice([a, b, c])
            imports = [
                f"{line}:{code}\n"
                for path, line, code in states[state](a)[0]
                if path == look and code.startswith(("from", "import"))
            ] or [f"{top[look]}:from {mb} import DEFAULTS\n"]
            steps.append(
                step(
                    pick(rng, f"Let me look at the imports at the top of `{look}`.", f"What does `{look}` import?"),
                    f'grep -n "^from\\|^import" {look} | head -n 30',
                    0,
                    f"1:import {pick(rng, 're', 'warnings', 'functools')}\n"
                    f"{rng.randint(2, 5)}:import {pick(rng, 'copy', 'operator', 'itertools')}\n"
                    + "".join(sorted(set(imports), key=lambda line: int(line.split(":")[0]))),
                )
            )
    steps.append(
        submit("The package still fails to import and I keep moving the problem around. Submitting the current state.")
    )
    return onset, steps
