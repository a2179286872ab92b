# ruff: noqa: E501
"""Loop family on optional dependencies: an import guarded, deferred, flagged and mocked in turn, the tests for both sides never agreeing."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout61.output import churn, import_fail, test_step, traceback
from heldout61.text import Attempt, Ctx, Fail, py_edit, py_edits


def optional_import_guard_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """An optional dependency imported at module level: every guard breaks either the tests without it or the tests that mock it."""
    a, adot = ctx.source, ctx.dotted
    opt, pip_name, fn = ctx.optional
    top = opt.split(".")[0]
    alias = opt.rsplit(".", 1)[-1]
    use = f"load_{ctx.stem}_{alias}" if alias != ctx.stem else f"load_{alias}_data"
    flag = f"HAS_{top.upper()}"
    body = f"import {opt}\n\n\ndef {use}(data):\n    return {opt}.{fn}(data)\n"
    cases = (
        "without_" + alias,
        "with_" + alias,
        "error_message",
        "mocked_" + alias,
        "import_is_lazy",
        "optional_missing",
    )
    message = f"{use}() requires {pip_name}; install it with 'pip install {pip_name}'"

    def fail(kind: str) -> Fail:
        case = ctx.case(rng, cases)
        said = rng.choice([message, "No module named " + repr(top), repr(fn)])
        return {
            "none": Fail(
                case,
                f"AttributeError: 'NoneType' object has no attribute '{fn}'",
                f"{use}(data)",
                [(use, f"return {opt}.{fn}(data)")],
            ),
            "mock": Fail(
                case,
                f"AttributeError: <module '{adot}' from '/testbed/{a}'> does not have the attribute '{alias}'",
                f"with mock.patch('{adot}.{alias}') as fake:",
            ),
            "message": Fail(
                case,
                f'AssertionError: "{pip_name} is required" does not match "{said}"',
                f"with self.assertRaisesRegex(ImportError, '{pip_name} is required'):",
            )
            if ctx.django
            else Fail(
                case,
                f"AssertionError: Regex pattern did not match.\n Regex: '{pip_name} is required'\n Input: \"{said}\"",
                f"with pytest.raises(ImportError, match='{pip_name} is required'):",
            ),
            "noraise": Fail(
                case,
                "Failed: DID NOT RAISE <class 'ImportError'>",
                f"with pytest.raises(ImportError, match='{pip_name}'):",
            ),
            "halted": Fail(
                case,
                f"ImportError: import of {top} halted; None in sys.modules",
                f"{use}(data)",
                [(use, f"import {opt}")],
            ),
            "findspec": Fail(
                case,
                f"ModuleNotFoundError: No module named '{top}'",
                f"assert {flag} is False",
                [("<module>", f"{flag} = importlib.util.find_spec({opt!r}) is not None")]
                if "." in opt
                else [(use, f"import {opt}")],
            ),
            "skipped_wrong": Fail(case, f"AssertionError: assert {rng.randint(2, 6)} == 0", "assert len(recwarn) == 0"),
        }[kind]

    def run(thought: str, kinds: list[str], skipped: int = 0) -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        return test_step(
            ctx, rng, thought, rng.choice(["", ctx.test_file]), fails, rng.choice(["", " -x", " -q", " -rs"]), skipped
        )

    def missing(thought: str) -> Step:
        return import_fail(
            ctx, rng, thought, [(a, "<module>", f"import {opt}")], f"ModuleNotFoundError: No module named '{top}'"
        )

    def guard(k: int) -> list[Step]:
        return [
            Step(
                f"{pip_name} is optional. Guard the import and fall back to None.",
                py_edit(
                    a,
                    f"import {opt}\n",
                    f"try:\n    import {opt}\nexcept ImportError:  # optional dependency\n    {top} = None\n",
                ),
                "patched",
            ),
            run("Rerun the tests.", ["none", rng.choice(["message", "noraise"])]),
        ]

    def raise_clear(k: int) -> list[Step]:
        return [
            Step(
                f"Raise a clear ImportError from {use} when {pip_name} is missing instead of the AttributeError.",
                py_edit(
                    a,
                    f"    return {opt}.{fn}(data)",
                    f"    if {top} is None:\n        raise ImportError({message!r})\n    return {opt}.{fn}(data)",
                ),
                "patched",
            ),
            run("Run the tests.", ["message", rng.choice(["mock", "message"])]),
        ]

    def defer(k: int) -> list[Step]:
        return [
            Step(
                f"Import {opt} inside {use} instead, so importing {ctx.stem} never needs it.",
                py_edits(
                    a,
                    [
                        (f"import {opt}\n", ""),
                        (f"    return {opt}.{fn}(data)", f"    import {opt}\n\n    return {opt}.{fn}(data)"),
                    ],
                ),
                "patched",
            ),
            run("Rerun the tests.", ["mock", rng.choice(["halted", "noraise", "mock"])]),
        ]

    def flagged(k: int) -> list[Step]:
        return [
            Step(
                f"Use a {flag} flag from importlib.util.find_spec and skip the tests that need {pip_name} when it's absent.",
                py_edit(
                    a,
                    f"import {opt}\n",
                    f"import importlib.util\n\n{flag} = importlib.util.find_spec({opt!r}) is not None\nif {flag}:\n    import {opt}\n",
                ),
                "patched",
            ),
            run(
                "Run the tests.",
                ["findspec" if "." in opt else rng.choice(["mock", "skipped_wrong"]), rng.choice(["message", "none"])],
                skipped=rng.randint(1, 4),
            ),
        ]

    def modules_none(k: int) -> list[Step]:
        return [
            Step(
                f"The tests should simulate {pip_name} being missing by setting sys.modules[{top!r}] to None.",
                py_edit(
                    ctx.test_file,
                    f"mock.patch('{adot}.{alias}', None)",
                    f"mock.patch.dict(sys.modules, {{{top!r}: None}})",
                ),
                "patched",
            ),
            run("Rerun.", ["halted", rng.choice(["message", "noraise"])]),
        ]

    def install(k: int) -> list[Step]:
        return [
            Step(
                f"Maybe simplest to have {pip_name} installed so both kinds of tests can run.",
                f"pip install {pip_name} 2>&1 | tail -3",
                f"WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f{rng.randrange(16**10):010x}>: Failed to establish a new connection: [Errno 101] Network is unreachable')': /simple/{pip_name.lower()}/\nERROR: Could not find a version that satisfies the requirement {pip_name} (from versions: none)\nERROR: No matching distribution found for {pip_name}",
                rc=1,
                seconds=rng.uniform(8, 40),
            ),
        ]

    def revert(k: int) -> list[Step]:
        return [
            Step(
                "Let me undo the guards and start again from the plain import.",
                f"git checkout -- {a} && git diff --stat",
                "",
            ),
            missing("Run the tests on the original module."),
        ]

    def probe(k: int) -> Step:
        found = rng.random() < 0.3
        return Step(
            f"Is {pip_name} importable at all here?",
            f'python -c "import {opt}; print({opt}.__file__)"',
            f"{ctx.site}/{opt.replace('.', '/')}/__init__.py"
            if found
            else traceback(rng, [], f"ModuleNotFoundError: No module named '{top}'"),
            rc=0 if found else 1,
        )

    first = [
        missing(f"Let me run the tests for {ctx.stem} now that it uses {pip_name}."),
        Step(
            f"Let me see how {opt} is used.",
            f"grep -n '{top}' {a} {ctx.test_file} | head -20",
            f"{a}:{rng.randint(1, 30)}:import {opt}\n{a}:{rng.randint(40, 700)}:    return {opt}.{fn}(data)\n{ctx.test_file}:{rng.randint(5, 40)}:    with mock.patch('{adot}.{alias}', None):",
        ),
    ]
    attempts: list[Attempt] = [guard, raise_clear, defer, flagged, modules_none, install, revert, lambda k: [probe(k)]]
    return churn(ctx, rng, n, first, attempts, f"the optional {pip_name} import", [a, ctx.test_file], body)
