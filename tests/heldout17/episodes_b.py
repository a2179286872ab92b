"""Productive episodes that look like the loops: quoting fixed by writing a script, tests added one at a time,
an API found after several lookups.
"""

from __future__ import annotations

import random

from heldout17.apis import APIS
from heldout17.libs import fill
from heldout17.loops_quote import bash_eof, broken, one_liner
from heldout17.runs import Ctx
from heldout17.talk import pytest_run, say
from heldout17.wire import Step

MESSAGES = (
    (
        "print(\"Can't reproduce: 'value' is\", value)",
        "print(\"Can't reproduce: 'value' is %r (%s)\" % (value, type(value).__name__))",
    ),
    ("print('Result for \"default\" case:', result)", "print('Result for \"default\" case: %r' % (result,))"),
    ("print(\"Checking 'before' state...\")", "print(\"Checking 'before' state of %s...\" % name)"),
)


def quoting_fixed_once(ctx: Ctx, rng: random.Random) -> list[Step]:
    old, new = rng.choice(MESSAGES)
    line = rng.randint(8, 40)
    if rng.random() < 0.5:
        command = f'{ctx.py} -c "{one_liner(rng.randint(0, 2), ctx.script, old, new, chr(39))}"'
        first = Step(
            f"I'd like the reproduction script to print the value's type too. A quick python one-liner to edit line {line} of `{ctx.script}`.",
            command,
            *broken(command, ctx),
            0.1,
        )
    else:
        command = f"sed -i '{line}s/.*/{new}/' {ctx.script}"
        first = Step(
            f"I'd like the reproduction script to print the value's type too. Let me change line {line} of `{ctx.script}` with sed.",
            command,
            bash_eof(command, "'")
            if command.count("'") % 2
            else f"sed: -e expression #1, char {len(command.split(chr(39))[1]) + 1}: unterminated `s' command\n",
            2 if command.count("'") % 2 else 1,
            0.1,
        )
    fixer = rng.choice(("/tmp/edit_script.py", "fix_message.py", "/tmp/patch_line.py"))
    return [
        first,
        Step(
            "The quotes inside the line clash with the shell's quoting. Instead of fighting it, I'll write the edit as a small python script with a quoted heredoc, where nothing is interpreted.",
            f"cat <<'EOF' > {fixer}\nfrom pathlib import Path\n\npath = Path({ctx.script!r})\ntext = path.read_text()\nold = {old!r}\nnew = {new!r}\nassert text.count(old) == 1, text.count(old)\npath.write_text(text.replace(old, new))\nprint('replaced 1 occurrence')\nEOF\n{ctx.py} {fixer}",
            "replaced 1 occurrence\n",
            0,
            0.3,
        ),
        Step("Let me confirm the line now.", f"sed -n '{line}p' {ctx.script}", new + "\n"),
    ]


CASES = (
    "default",
    "empty_input",
    "none_value",
    "unicode_text",
    "repeated_call",
    "large_input",
    "whitespace_only",
    "nested_value",
    "mixed_case",
    "zero",
)


def incremental_tests(ctx: Ctx, rng: random.Random) -> list[Step]:
    count = rng.randint(6, 10)
    cases = [CASES[0], *rng.sample(CASES[1:], count - 1)]
    path = rng.choice(("test_repro_cases.py", "test_edge_cases.py", f"test_{ctx.func.strip('_')}_cases.py"))
    unittest = ctx.repo.style == "django"
    header = (
        f"import subprocess\nimport sys\n{'import unittest' + chr(10) if unittest else ''}\n\n"
        f"def run_repro(*args):\n    proc = subprocess.run([sys.executable, {ctx.script!r}, *args], capture_output=True, text=True)\n"
        "    return proc.returncode, proc.stdout + proc.stderr\n"
    )
    if unittest:
        header += "\n\nclass ReproCases(unittest.TestCase):\n"

    def test(case: str) -> str:
        check = "self.assertEqual(code, 0, out)" if unittest else "assert code == 0, out"
        indent = "    " if unittest else ""
        head = f"def test_{case}(self):" if unittest else f"def test_{case}():"
        return f"\n{indent}{head}\n{indent}    code, out = run_repro('--case', {case!r})\n{indent}    {check}\n"

    def run(n: int) -> Step:
        if unittest:
            out = (
                "." * n
                + "\n"
                + "-" * 70
                + f"\nRan {n} test{'s' if n != 1 else ''} in {rng.uniform(0.2, 1.5) * n:.3f}s\n\nOK\n"
            )
            command = f"{ctx.py} -m unittest {path[:-3]}"
        else:
            out = pytest_run(ctx, rng, path, "." * n, slow=0.3 * n)
            command = rng.choice((f"{ctx.py} -m pytest {path}", f"{ctx.py} -m pytest {path} 2>&1 | tail -n 15"))
            if command.endswith("15"):
                out = "\n".join(out.splitlines()[-15:]) + "\n"
        return Step(
            say(
                rng,
                "Running the tests.",
                f"{n} test{'s' if n != 1 else ''} now; running them.",
                "Let me run the file again.",
            ),
            command,
            out,
            0,
            0.4 * n,
        )

    footer = "\n\nif __name__ == '__main__':\n    unittest.main()\n" if unittest else ""
    steps = [
        Step(
            f"The fix works on the reproduction. I'll turn the scenarios into a small test file of my own, adding one case at a time so a failure points at one scenario. Starting with the {cases[0]} case.",
            f"cat <<'EOF' > {path}\n{header}{test(cases[0])}{footer}EOF",
        ),
        run(1),
    ]
    for n, case in enumerate(cases[1:], 2):
        if unittest:
            command = f"{ctx.py} - <<'EOF'\nfrom pathlib import Path\np = Path({path!r})\ns = p.read_text()\nmarker = \"\\n\\nif __name__\"\np.write_text(s.replace(marker, {test(case)!r}.rstrip() + '\\n' + marker, 1))\nEOF"
        else:
            command = f"cat <<'EOF' >> {path}\n{test(case)}EOF"
        steps.append(
            Step(
                say(
                    rng,
                    f"Passing. Adding the {case.replace('_', ' ')} case.",
                    f"Next: {case.replace('_', ' ')}.",
                    f"Now a test for the {case.replace('_', ' ')} scenario.",
                ),
                command,
            )
        )
        steps.append(run(n))
    return steps


def api_explored(ctx: Ctx, rng: random.Random) -> list[Step]:
    api = APIS[ctx.repo.name]
    lookups = rng.randint(5, 9)
    wrong = [(code, fill(error, ctx.site)) for code, error in api.wrong]
    rng.shuffle(wrong)
    looks = list(api.looks)
    code, out = looks.pop(0)
    steps = [
        Step(
            f"For the verification I need to {api.goal}. I don't remember the exact name; let me look at what is there rather than guess.",
            f'{ctx.py} -c "{code}"',
            fill(out, ctx.site) + "\n",
        )
    ]
    while len(steps) < lookups - 1:
        if looks and (not wrong or rng.random() < 0.4):
            code, out = looks.pop(0)
            steps.append(Step("Let me list the candidates.", f'{ctx.py} -c "{code}"', fill(out, ctx.site) + "\n"))
        elif wrong:
            code, error = wrong.pop()
            rest = error.split("line 1, in <module>\n", 1)[1] if error.startswith("Traceback") else error
            out = f'Traceback (most recent call last):\n  File "<string>", line 1, in <module>\n{rest}\n'
            steps.append(
                Step(
                    say(
                        rng,
                        f"Maybe `{code.split(';')[-1].strip()}`.",
                        "Trying the name I half remember.",
                        "Another guess.",
                    ),
                    f'{ctx.py} -c "{api.setup}; {code}"',
                    out,
                    1,
                    0.6,
                )
            )
        else:
            steps.append(
                Step(
                    "Let me see the module's public names.",
                    f'{ctx.py} -c "import {api.module} as m; print(len(dir(m)))"',
                    f"{rng.randint(40, 400)}\n",
                )
            )
    code, out = api.found
    steps.append(
        Step("Let me look more specifically.", f'{ctx.py} -c "{api.setup}; {code}"', fill(out, ctx.site) + "\n")
    )
    code, out = api.right
    steps.append(
        Step(
            f"There it is. Using it: `{code.split(';')[-1].strip()}`.",
            f'{ctx.py} -c "{api.setup}; {code}"',
            fill(out, ctx.site) + "\n",
            0,
            0.8,
        )
    )
    return steps
