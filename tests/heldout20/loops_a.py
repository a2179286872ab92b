"""Loop families: golden files churned, and deprecation warnings from installed code taking turns.

A family builder returns the tail of a loop: `length` steps, the last one submitting.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import Ctx, addr, give_up, pytest_output, vary


def _golden_lines(ctx: Ctx, rng: random.Random) -> tuple[str, str]:
    """One line of the golden file and what the code printed there this time: never the same twice."""
    kind = rng.randrange(6)
    if kind == 0:
        return f"    <{ctx.cls} node=3 at {addr(rng)}>", f"    <{ctx.cls} node=3 at {addr(rng)}>"
    if kind == 1:
        names = ["'alpha'", "'beta'", "'gamma'", "'delta'"]
        rng.shuffle(names)
        shown = list(names)
        rng.shuffle(shown)
        return f"  members: {{{', '.join(names)}}}", f"  members: {{{', '.join(shown)}}}"
    if kind == 2:
        return f"elapsed: {rng.uniform(0.001, 0.09):.4f}s", f"elapsed: {rng.uniform(0.001, 0.09):.4f}s"
    if kind == 3:
        return (
            f"written to /tmp/pytest-of-root/pytest-{rng.randint(0, 40)}/test_{ctx.stem}0/out.txt",
            f"written to /tmp/pytest-of-root/pytest-{rng.randint(41, 90)}/test_{ctx.stem}0/out.txt",
        )
    if kind == 4:
        return f"  total = {rng.randint(1, 9)}.3", f"  total = {rng.randint(1, 9)}.30000000000000004"
    keys = ["name", "kind", "args", "depth"]
    other = list(keys)
    rng.shuffle(other)
    return "  " + ", ".join(f"{k}=..." for k in keys), "  " + ", ".join(f"{k}=..." for k in other)


def golden_file_churn(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    test = f"{ctx.tests_dir}/test_{ctx.stem}_golden.py"
    golden = f"{ctx.tests_dir}/golden/{ctx.stem}_report.txt"
    name = f"test_{ctx.stem}_report_matches_golden"
    steps: list[Step] = []
    line = rng.randint(8, 30)
    last = ""
    while len(steps) < length - 1:
        move = "run" if last != "run" and rng.random() < 0.45 else rng.choice(["regen", "edit", "look", "run"])
        if move == "run" or not steps:
            line = max(3, line + rng.randint(-9, 14))
            expected, actual = _golden_lines(ctx, rng)
            body = [
                f"    def {name}():",
                f"        actual = render_report({ctx.cls}())",
                "        expected = GOLDEN.read_text()",
                ">       assert actual == expected, unified(expected, actual)",
                "E       AssertionError: golden file differs:",
                f"E         --- {golden}",
                "E         +++ actual",
                f"E         @@ -{line},3 +{line},3 @@",
                f"E          [{ctx.stem}] section {line // 7 + 1}",
                f"E         -{expected}",
                f"E         +{actual}",
                "E          ",
                "",
                f"{test}:{rng.choice([22, 23, 24])}: AssertionError",
            ]
            command = vary(
                rng,
                [
                    f"python -m pytest {test} -q",
                    f"python -m pytest {test}::{name} -x",
                    f"pytest {test} -k golden",
                    f"PYTHONHASHSEED=0 python -m pytest {test} -q",
                    f"python -m pytest -p no:randomly {test}",
                ],
            )
            thought = vary(
                rng,
                [
                    "Let me run the golden test again.",
                    "Running the golden-file test to see whether it matches now.",
                    f"The golden file should match now. Re-running {name}.",
                    "Checking the snapshot test again after that change.",
                ],
            )
            out = pytest_output(
                ctx, rng, test, rng.randint(2, 6), [(name, body, "AssertionError: golden file differs:")]
            )
            steps.append(Step(thought, command, out, 1, seconds=rng.uniform(1, 4)))
        elif move == "regen":
            command = vary(
                rng,
                [
                    f"UPDATE_GOLDEN=1 python -m pytest {test} -q",
                    f"UPDATE_GOLDEN=1 pytest {test}::{name}",
                    f"python -c \"from {ctx.dotted} import *; import pathlib; pathlib.Path('{golden}').write_text(render_report({ctx.cls}()))\" 2>/dev/null; echo done",
                ],
            )
            out = "done" if command.endswith("echo done") else pytest_output(ctx, rng, test, rng.randint(3, 7), [])
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "The expected output is stale. I'll regenerate the golden file from the current output.",
                            "Regenerating the golden file so it matches what the code prints now.",
                            f"I'll rewrite {golden} with the current output.",
                        ],
                    ),
                    command,
                    out,
                )
            )
        elif move == "edit":
            expected, actual = _golden_lines(ctx, rng)
            command = vary(
                rng,
                [
                    f'sed -i "{line + 1}s|.*|{actual}|" {golden}',
                    f"sed -i -E 's/0x[0-9a-f]+/0x<ADDR>/g; s/pytest-[0-9]+/pytest-N/g' {golden}",
                    f"python - <<'EOF'\nimport pathlib\np = pathlib.Path('{golden}')\nlines = p.read_text().splitlines()\nlines[{line}] = {actual.strip()!r}\np.write_text('\\n'.join(lines) + '\\n')\nEOF",
                ],
            )
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "I'll fix that line of the golden file by hand.",
                            "Only one hunk differs; let me edit the expected file directly.",
                            "Masking the volatile part of the expected line.",
                        ],
                    ),
                    command,
                    "",
                )
            )
        else:
            command = vary(
                rng,
                [
                    f"sed -n '{max(1, line - 2)},{line + 4}p' {golden}",
                    f"git diff --stat -- {golden}",
                    f"grep -n 'UPDATE_GOLDEN\\|def unified' {test}",
                    f"cat -A {golden} | sed -n '{line},{line + 2}p'",
                ],
            )
            if command.startswith("git"):
                out = f" {golden} | {rng.randint(4, 40)} ++++++++--------\n 1 file changed, {rng.randint(2, 20)} insertions(+), {rng.randint(2, 20)} deletions(-)"
            elif command.startswith("grep"):
                out = '9:UPDATE = os.environ.get("UPDATE_GOLDEN")\n14:def unified(expected, actual):\n26:    if UPDATE:'
            else:
                expected, _ = _golden_lines(ctx, rng)
                out = f"[{ctx.stem}] section {line // 7 + 1}\n{expected}\n\n  depth: {rng.randint(1, 5)}"
                if "cat -A" in command:
                    out = "\n".join(part + "$" for part in out.splitlines())
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Let me look at the golden file around the failing hunk.",
                            "Let me check what the golden file contains there now.",
                            "What is actually in the expected file?",
                        ],
                    ),
                    command,
                    out,
                )
            )
        last = move
    steps[
        0
    ].thought = f"Let me run the golden-file test for {ctx.stem} to see whether the report output is still as recorded."
    return [*steps, give_up(rng, "the golden file test")]


_WARNINGS = [
    (
        "pkg_resources/__init__.py",
        2871,
        "declare_namespace(pkg)",
        "Deprecated call to `pkg_resources.declare_namespace('{ns}')`.\nImplementing implicit namespace packages (as specified in PEP 420) is preferred to `pkg_resources.declare_namespace`. See https://setuptools.pypa.io/en/latest/references/keywords.html#keyword-namespace-packages",
    ),
    (
        "pkg_resources/__init__.py",
        121,
        'warnings.warn("pkg_resources is deprecated as an API", DeprecationWarning)',
        "pkg_resources is deprecated as an API. See https://setuptools.pypa.io/en/latest/pkg_resources.html",
    ),
    (
        "setuptools/_distutils/version.py",
        346,
        "warnings.warn(",
        "distutils Version classes are deprecated. Use packaging.version instead.",
    ),
    (
        "jinja2/utils.py",
        485,
        "warnings.warn(",
        "'contextfunction' is renamed to 'pass_context', the old name will be removed in Jinja 3.1.",
    ),
    (
        "docutils/frontend.py",
        675,
        "warnings.warn('The frontend.Option class will be removed '",
        "The frontend.Option class will be removed in Docutils 0.21 or later.",
    ),
    (
        "html5lib/_trie/_base.py",
        3,
        "from collections import Mapping",
        "Using or importing the ABCs from 'collections' instead of from 'collections.abc' is deprecated since Python 3.3, and in 3.10 it will stop working",
    ),
    ("pyparsing/core.py", 5880, "warnings.warn(", "'oneOf' deprecated - use 'one_of'"),
    (
        "imp.py",
        31,
        'warnings.warn("the imp module is deprecated in favour of importlib"',
        "the imp module is deprecated in favour of importlib; see the module's documentation for alternative uses",
    ),
]


def deprecation_cascade(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    test = f"{ctx.tests_dir}/test_{ctx.stem}.py"
    chain = rng.sample(_WARNINGS, rng.randint(3, 4))
    shown = 0
    steps: list[Step] = []
    ns = rng.choice(["sphinxcontrib", "mpl_toolkits", "google", "zope"])
    imported = rng.randint(2, 12)

    def failing() -> str:
        path, line, code, text = chain[shown]
        where = f"{ctx.site}/{path}" if path != "imp.py" else ctx.site.replace("/site-packages", "/imp.py")
        text = text.format(ns=ns)
        return "\n".join(
            [
                "=" * 29 + " test session starts " + "=" * 30,
                ctx.run.pytest_header,
                "rootdir: /testbed",
                "collected 0 items / 1 error",
                "",
                "=" * 36 + " ERRORS " + "=" * 36,
                f"{'_' * 15} ERROR collecting {test} {'_' * 15}",
                f"{ctx.tests_dir}/test_{ctx.stem}.py:{imported}: in <module>",
                f"    from {ctx.dotted} import *",
                f"{where}:{line}: in <module>",
                f"    {code}",
                f"E   DeprecationWarning: {text.splitlines()[0]}",
                "=" * 27 + " short test summary info " + "=" * 28,
                f"ERROR {test} - DeprecationWarning: {text.splitlines()[0][:60]}...",
                "!" * 20 + " Interrupted: 1 error during collection " + "!" * 20,
                f" 1 error in {rng.uniform(0.3, 1.9):.2f}s ".center(80, "="),
            ]
        )

    while len(steps) < length - 1:
        path, line, _, _ = chain[shown]
        package = path.split("/")[0].removesuffix(".py")
        roll = rng.random()
        if not steps or roll < 0.4:
            command = vary(
                rng,
                [
                    f"python -W error -m pytest {test} -q",
                    f"python -W error::DeprecationWarning -m pytest {test}",
                    f"pytest -W error {test} -x -q",
                    f"python -W error -m pytest {test} -q -p no:cacheprovider",
                ],
            )
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Running the tests with warnings as errors again.",
                            "Let me see which warning is raised now.",
                            "Re-running under -W error.",
                        ],
                    ),
                    command,
                    failing(),
                    2,
                    seconds=rng.uniform(1, 3),
                )
            )
            continue
        if roll < 0.75:
            fix = rng.randrange(4)
            if fix == 0:
                command = f"python -W error -W 'ignore::DeprecationWarning:{package}' -m pytest {test} -q"
            elif fix == 1:
                command = f"sed -i '/^filterwarnings/a\\    ignore::DeprecationWarning:{package}.*' setup.cfg && grep -n -A4 filterwarnings setup.cfg"
            elif fix == 2:
                command = f"sed -i '{line}s/^/# /' {ctx.site}/{path} && python -W error -m pytest {test} -q"
            else:
                command = f"printf '[pytest]\\nfilterwarnings =\\n    error\\n    ignore::DeprecationWarning:{package}\\n' > pytest.ini && python -m pytest {test} -q"
            thought = vary(
                rng,
                [
                    f"The warning comes from {package}, which I can't change. I'll filter it.",
                    f"This DeprecationWarning is raised inside the installed {package}, not our code. Let me ignore it for that module.",
                    f"I'll silence the {package} warning and see if the tests run.",
                ],
            )
            if rng.random() < 0.8:
                shown = (shown + 1) % len(chain)
            out = (
                failing()
                if "pytest" in command
                else f"{rng.randint(80, 120)}:filterwarnings =\n{rng.randint(80, 120)}-    error\n{rng.randint(80, 120)}-    ignore::DeprecationWarning:{package}.*"
            )
            steps.append(Step(thought, command, out, 2 if "pytest" in command else 0))
            continue
        look = rng.randrange(3)
        if look == 0:
            command, out = (
                "grep -rn filterwarnings setup.cfg tox.ini pyproject.toml pytest.ini 2>/dev/null",
                f"setup.cfg:{rng.randint(80, 120)}:filterwarnings =\ntox.ini:{rng.randint(20, 60)}:filterwarnings = error",
            )
        elif look == 1:
            command, out = (
                f"ls -la {ctx.site}/{path}",
                f"-rw-r--r-- 1 root root {rng.randint(9000, 120000)} Oct 24 {rng.randint(10, 23)}:{rng.randint(10, 59)} {ctx.site}/{path}",
            )
        else:
            command, out = (
                f"pip show {package.replace('_', '-')} | head -3",
                f"Name: {package.replace('_', '-')}\nVersion: {rng.randint(1, 68)}.{rng.randint(0, 9)}.{rng.randint(0, 4)}\nSummary: ",
            )
        steps.append(
            Step(
                vary(
                    rng,
                    [
                        "Where is this configured?",
                        "Let me check the file raising it.",
                        "Let me look at where the warnings filters come from.",
                    ],
                ),
                command,
                out,
            )
        )
    steps[
        0
    ].thought = "The CI runs the tests with warnings turned into errors, so let me do the same to make sure my change adds none."
    return [*steps, give_up(rng, "the deprecation warnings from installed packages")]
