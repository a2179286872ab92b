"""Productive episodes: work that keeps moving and ends well, inserted into real resolved runs."""

from __future__ import annotations

import random

from heldout15.common import compose, short_hash, tests_dir
from heldout15.pytest_text import fixture_missing, passing, scope_mismatch
from heldout15.replies import result
from heldout15.runs import Repo, Step


def _cases(rng: random.Random, count: int) -> list[str]:
    pool = [
        "empty input",
        "single element",
        "nested value",
        "None default",
        "unicode name",
        "negative index",
        "large value",
        "duplicate keys",
        "zero length",
        "mixed types",
        "subclass instance",
    ]
    return rng.sample(pool, count)


def slow_convergence(rng: random.Random, repo: Repo) -> list[Step]:
    """An edge-case script whose failure changes a little after every edit until it passes."""
    rounds = rng.randint(6, 10)
    cases = _cases(rng, min(rounds, 11))
    script = rng.choice(["check_edge_cases.py", "edge_cases.py", "verify_fix.py"])
    outcomes = [
        ("None", "[]"),
        ("(1)", "(1,)"),
        ("'a'", "'A'"),
        ("0", "1"),
        ("[1, 1]", "[1]"),
        ("{}", "{'a': 1}"),
        ("False", "True"),
    ]
    steps = [
        Step(
            compose(
                rng,
                [
                    "The main case works now. I want to check edge cases before I'm confident in the fix.",
                    "Let me write a script that exercises the edge cases of the change.",
                ],
                ["", f"I'll cover: {', '.join(cases[:4])} and a few more."],
                ["", "Each case prints `ok` when it matches, so I can see how far it gets."],
            ),
            f"cat <<'EOF' > {script}\nimport {repo.module} as target\nfrom {repo.module} import *  # noqa: F401,F403\n\nCASES = {cases!r}\n\n\ndef check(label):\n    result, expected = target.{repo.symbol}(*INPUTS[label]), EXPECTED[label]\n    assert result == expected, (label, result, expected)\n\n\nfor i, label in enumerate(CASES):\n    check(label)\n    print(f'ok {{i}} {{label}}')\nprint('ALL EDGE CASES PASSED')\nEOF",
            result(0, ""),
            0.2,
        )
    ]
    passed: list[str] = []
    for r in range(rounds):
        failing = cases[r % len(cases)]
        got, want = rng.choice(outcomes)
        output = "".join(f"ok {i} {case}\n" for i, case in enumerate(passed))
        output += (
            f'Traceback (most recent call last):\n  File "/testbed/{script}", line {rng.randint(14, 16)}, in <module>\n    check(label)\n'
            f'  File "/testbed/{script}", line 9, in check\n    assert result == expected, (label, result, expected)\nAssertionError: ({failing!r}, {got}, {want})\n'
        )
        steps.append(
            Step(
                compose(
                    rng,
                    [
                        "Let me run the edge-case script." if r == 0 else f"Progress: {len(passed)} cases pass now.",
                        "Running the edge cases again." if r == 0 else "Good, one more case passes. Running again.",
                    ],
                    ["", "This is a different failure from last time, so the previous fix worked."] if r else [""],
                ),
                rng.choice([f"python {script}", f"python {script} 2>&1 | tail -n 15"]),
                result(1, output),
                rng.uniform(0.6, 2),
            )
        )
        fix_line = rng.randint(40, 900)
        steps.append(
            Step(
                compose(
                    rng,
                    [
                        f"For `{failing}` the function returns `{got}` but should return `{want}`. I'll handle that case explicitly in `{repo.target}`.",
                        f"The `{failing}` case needs its own branch in `{repo.symbol}`.",
                        f"`{failing}` gives `{got}`: the early return happens before the value is normalised. It should be `{want}`.",
                    ],
                    [
                        "",
                        f"```python\nif not value:\n    return {want}\n```",
                        "Wait, I need to make sure this does not break the cases that already pass. The new branch only triggers for this input shape, so it should be fine.",
                    ],
                ),
                rng.choice(
                    [
                        f"sed -i '{fix_line}i\\        if not value:\\n            return {want}' {repo.target}",
                        f"python - <<'EOF'\np = '{repo.target}'\ns = open(p).read()\ns = s.replace('    return {got}\\n', '    return {want}\\n', 1)\nopen(p, 'w').write(s)\nEOF",
                    ]
                ),
                result(0, ""),
                0.2,
            )
        )
        passed.append(failing)
    final = "".join(f"ok {i} {case}\n" for i, case in enumerate(passed)) + "ALL EDGE CASES PASSED\n"
    steps.append(
        Step(
            f"All {rounds} cases should be handled now. Running the script again.",
            f"python {script}",
            result(0, final),
            1.0,
        )
    )
    return steps


def cleanup_after_fix(rng: random.Random, repo: Repo) -> list[Step]:
    """After the fix: reviews of the diff, a few greps and reads, small style edits."""
    line = rng.randint(30, 700)
    diff = (
        f"diff --git a/{repo.target} b/{repo.target}\nindex {short_hash(rng)[:10]}..{short_hash(rng)[:10]} 100644\n--- a/{repo.target}\n+++ b/{repo.target}\n"
        f"@@ -{line},7 +{line},9 @@\n     def _resolve(self, value):\n-        return value\n+        if value is None:\n+            return self.default \n+        return value\n"
    )
    pool = [
        Step("Let me review the full diff of my change.", "git diff", result(0, diff), 0.2),
        Step(
            "I'll check for leftover debug prints in the file I edited.",
            f"grep -n 'print(' {repo.target} | head -n 20",
            result(1, ""),
            0.2,
        ),
        Step(
            "There's a trailing space in one of the lines I added. Let me fix that.",
            f"sed -i '{line + 3}s/[[:space:]]*$//' {repo.target}",
            result(0, ""),
            0.2,
        ),
        Step(
            "Checking for trailing whitespace in the whole file.",
            f"grep -n ' $' {repo.target} | head",
            result(1, ""),
            0.2,
        ),
        Step(
            "Let me read the edited function once more to make sure it reads well.",
            f"sed -n '{line - 3},{line + 12}p' {repo.target}",
            result(
                0,
                "    def _resolve(self, value):\n        if value is None:\n            return self.default\n        return value\n",
            ),
            0.2,
        ),
        Step(
            "I'll run flake8 on the file to check style.",
            f"python -m flake8 {repo.target} --select=E,W --max-line-length=120",
            result(0, ""),
            1.5,
        ),
        Step(
            "Are there other callers that might rely on the old behaviour?",
            f"grep -rn '_resolve(' {repo.src} | grep -v tests | head",
            result(
                0,
                f"{repo.target}:{line + 1}:    def _resolve(self, value):\n{repo.target}:{line + 40}:        return self._resolve(value)\n",
            ),
            0.3,
        ),
        Step(
            "I'll make the comment a bit more precise.",
            f"sed -i '{line + 1}i\\        # A missing value falls back to the default (see the PR description).' {repo.target}",
            result(0, ""),
            0.2,
        ),
        Step(
            "Final look at the diff.",
            f"git diff --stat && git diff {repo.target} | tail -n 12",
            result(
                0,
                f" {repo.target} | {rng.randint(3, 9)} ++++++--\n 1 file changed, {rng.randint(3, 7)} insertions(+), 1 deletion(-)\n"
                + diff[-160:],
            ),
            0.2,
        ),
        Step(
            "Let me make sure the file still compiles.",
            f"python -m py_compile {repo.target} && echo OK",
            result(0, "OK"),
            0.3,
        ),
    ]
    count = rng.randint(5, 9)
    picked = sorted(rng.sample(range(len(pool)), count))
    return [pool[i] for i in picked]


def conftest_fixed(rng: random.Random, repo: Repo) -> list[Step]:
    """A regression test whose fixture is missing once or twice, then a correct conftest and a pass."""
    folder = tests_dir(repo)
    stem = repo.target.rsplit("/", 1)[-1].removesuffix(".py").strip("_") or repo.mod
    test = f"{folder}/test_{stem}_pr.py"
    conftest = f"{folder}/conftest.py"
    fixture = rng.choice([f"{stem}_obj", "sample_data", "tmp_config", f"make_{stem}"])
    count = rng.randint(3, 7)
    case = f"test_{stem}_regression"
    steps = [
        Step(
            f"I'll add a regression test using a `{fixture}` fixture so the setup is shared between the cases.",
            f"cat <<'EOF' > {test}\nimport pytest\n\n\ndef {case}({fixture}):\n    assert {fixture} is not None\nEOF",
            result(0, ""),
            0.2,
        ),
        Step(
            "Run the new test file.",
            repo.test(test),
            result(1, fixture_missing(rng, repo, test, case, [fixture], fixture, [], count - 1)),
            2.0,
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                f"Right, `{fixture}` does not exist yet. I'll define it in `{conftest}` with module scope.",
                f"cat <<'EOF' >> {conftest}\n\n\n@pytest.fixture(scope=\"module\")\ndef {fixture}(tmp_path):\n    return tmp_path\nEOF",
                result(0, ""),
                0.2,
            ),
            Step(
                "Run it again.",
                repo.test(test),
                result(1, scope_mismatch(rng, repo, test, case, conftest, fixture, "module", "tmp_path", count - 1)),
                2.0,
            ),
            Step(
                "`tmp_path` is function-scoped, so a module-scoped fixture cannot use it. `tmp_path_factory` is the session-scoped equivalent.",
                f"sed -i 's/def {fixture}(tmp_path):/def {fixture}(tmp_path_factory):/; s/    return tmp_path$/    return tmp_path_factory.mktemp(\"{stem}\")/' {conftest}",
                result(0, ""),
                0.2,
            ),
        ]
    else:
        steps.append(
            Step(
                f"The fixture has to be defined. I'll add it to `{conftest}`, using `tmp_path_factory` since I want it module-scoped.",
                f'cat <<\'EOF\' >> {conftest}\n\n\n@pytest.fixture(scope="module")\ndef {fixture}(tmp_path_factory):\n    return tmp_path_factory.mktemp("{stem}")\nEOF',
                result(0, ""),
                0.2,
            )
        )
    steps.append(
        Step("Now the test should find its fixture.", repo.test(test), result(0, passing(rng, repo, test, count)), 2.0)
    )
    return steps


# The edit each error code gets (the file's line and path filled in).
_TYPING_EDITS = {
    "return-value": "sed -i '{line}s/return value$/return value if value is not None else default/' {path}",
    "type-arg": "sed -i '{line}s/: Dict = /: Dict[str, Any] = /' {path}",
    "no-untyped-def": "sed -i '{line}s/):$/) -> None:/' {path}",
    "name-defined": "sed -i '1a from typing import Any, Dict, Optional' {path}",
    "arg-type": "sed -i '{line}s/append(\\(.*\\))$/append(str(\\1))/' {path}",
}


def typing_pass(rng: random.Random, repo: Repo) -> list[Step]:
    """mypy on the edited file, errors falling every run until none are left."""
    counts = sorted(rng.sample(range(1, 9), rng.randint(2, 4)), reverse=True)
    steps: list[Step] = []
    kinds = [
        (
            'Incompatible return value type (got "Optional[str]", expected "str")',
            "return-value",
            "return the default when the value is None",
        ),
        ('Missing type parameters for generic type "Dict"', "type-arg", "spell out `Dict[str, Any]`"),
        ("Function is missing a return type annotation", "no-untyped-def", "annotate the return type"),
        ('Name "Optional" is not defined', "name-defined", "import `Optional` from typing"),
        (
            'Argument 1 to "append" of "list" has incompatible type "int"; expected "str"',
            "arg-type",
            "convert with `str()` before appending",
        ),
    ]
    for count in counts:
        lines = "\n".join(
            f"{repo.target}:{rng.randint(30, 800)}: error: {text}  [{code}]"
            for text, code, _ in rng.sample(kinds, min(count, 5))
        )
        steps.append(
            Step(
                compose(
                    rng,
                    [f"Down to {count} error{'s' if count > 1 else ''}.", f"Running mypy on `{repo.target}` again."]
                    if steps
                    else [
                        "Let me type-check the file I modified.",
                        f"The function I changed in `{repo.target}` is annotated; mypy should agree with the fix.",
                    ],
                    ["", "I only care about errors in the lines I touched."],
                ),
                f"mypy {repo.target} --follow-imports=silent",
                result(
                    1, f"{lines}\nFound {count} error{'s' if count > 1 else ''} in 1 file (checked 1 source file)\n"
                ),
                rng.uniform(3, 8),
            )
        )
        _, code, fix = rng.choice(kinds)
        steps.append(
            Step(
                compose(
                    rng,
                    [f"For `[{code}]` I'll {fix}.", f"The `{code}` error is real: I'll {fix}."],
                    ["", "That also fixes the one after it, probably."],
                ),
                _TYPING_EDITS[code].format(line=rng.randint(30, 800), path=repo.target),
                result(0, ""),
                0.2,
            )
        )
    steps.append(
        Step(
            "And mypy once more.",
            f"mypy {repo.target} --follow-imports=silent",
            result(0, "Success: no issues found in 1 source file\n"),
            4.0,
        )
    )
    return steps


def merge_resolved(rng: random.Random, repo: Repo) -> list[Step]:
    """The original behaviour checked through a stash; popping it conflicts once; resolved; tests pass."""
    head = short_hash(rng)[:7]
    test = (
        f"{tests_dir(repo)}/test_{repo.target.rsplit('/', 1)[-1]}"
        if not repo.django
        else "tests/" + repo.target.split("/")[1]
    )
    count = rng.randint(8, 60)
    line = rng.randint(40, 600)
    return [
        Step(
            "I want to compare with the original behaviour. I'll stash my change, run the reproduction on the pristine code, then pop it back.",
            "git stash",
            result(
                0,
                f"Saved working directory and index state WIP on main: {head} Merge pull request #{rng.randint(1000, 30000)}\n",
            ),
            0.3,
        ),
        Step(
            "Now a small probe of the original code path. I'll write the expected-value line into the file to see the old output.",
            f"sed -i '{line}s/$/  # original/' {repo.target} && python -c 'import {repo.module}; print(\"imported\")'",
            result(0, "imported"),
            1.0,
        ),
        Step(
            "Good, that's the original behaviour. Now bring my change back.",
            "git stash pop",
            result(
                1,
                f"Auto-merging {repo.target}\nCONFLICT (content): Merge conflict in {repo.target}\nThe stash entry is kept in case you need it again.\n",
            ),
            0.3,
        ),
        Step(
            "The probe comment I added conflicts with my stashed edit on the same line. My stashed version is the one I want.",
            f"git checkout --theirs {repo.target} && git reset -q {repo.target} && git stash drop",
            result(0, f"Dropped refs/stash@{{0}} ({short_hash(rng)}{short_hash(rng)[:10]}{short_hash(rng)[:10]})\n"),
            0.3,
        ),
        Step(
            "Let me check the tree is clean apart from my change.",
            "git status --short && grep -c '<<<<<<<\\|>>>>>>>' " + repo.target + " || true",
            result(0, f" M {repo.target}\n?? reproduce_issue.py\n0\n"),
            0.3,
        ),
        Step(
            "No conflict markers left. Running the relevant tests.",
            repo.test(test),
            result(0, passing(rng, repo, test, count)),
            rng.uniform(3, 10),
        ),
    ]
