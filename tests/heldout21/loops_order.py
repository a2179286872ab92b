"""A loop on tests that fail only in company: reordered, torn down, run in subsets, and the failure moves."""

from __future__ import annotations

import random
from dataclasses import replace

from heldout20.calls import Step
from heldout21.text import Ctx, Failure, Move, loop_steps, test_output, think, vary


def _values(rng: random.Random, ctx: Ctx) -> tuple[str, str, list[str]]:
    """A value the failing test got after another test left state behind, the one it expected, pytest's diff."""
    key = vary(rng, ["custom", "override", "legacy", "extra", ctx.stem])
    kind = rng.choice(["count", "list", "name", "dict"])
    if kind == "count":
        expected = rng.randint(1, 6)
        return str(expected + rng.randint(1, 3)), str(expected), []
    if kind == "list":
        base = rng.sample(["simple", "base", "json", "yaml", "xml", "plain"], 2)
        return repr([*base, key]), repr(base), [f"  Left contains one more item: {key!r}", "  Use -v to get more diff"]
    if kind == "name":
        return repr(key), repr("default"), ["  ", "  - default", f"  + {key}"]
    return (
        repr({"enabled": True, key: True}),
        repr({"enabled": True}),
        ["  Left contains 1 more item:", f"  {{{key!r}: True}}", "  Use -v to get more diff"],
    )


def test_order_dependence(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    names = [f"test_{f.strip('_')}" for f in ctx.functions[:6]]
    names += [
        f"test_{ctx.stem}_{s}"
        for s in rng.sample(["default", "reset", "custom", "cached", "override", "registry", "roundtrip"], 4)
    ]
    names = list(dict.fromkeys(names))
    state = vary(rng, [f"_{ctx.stem}_cache", "_registry", f"_default_{ctx.stem}", "_CONFIG", "_instances"])
    total = rng.randint(14, 80)
    victim = {"name": rng.choice(names)}

    def failure() -> Failure:
        got, expected, diff = _values(rng, ctx)
        if ctx.django:
            return victim["name"], "self.assertEqual(result, expected)", [f"AssertionError: {got} != {expected}"]
        return victim["name"], "assert result == expected", [f"AssertionError: assert {got} == {expected}", *diff]

    def suite(i: int) -> Step:
        if rng.random() < 0.35:
            victim["name"] = rng.choice(names)
        extra = vary(rng, ["", "", " -q", " -x"]) if not ctx.django else vary(rng, ["", " --parallel 1", " -v 1"])
        intentions = [
            "Run the whole test module again.",
            "Let me run the full file.",
            "Run the suite again to see which test fails now.",
            "Re-run all of them.",
        ]
        return Step(think(rng, intentions), ctx.test_cmd(extra), test_output(ctx, rng, total - 1, [failure()]), 1, 4.0)

    def alone(i: int) -> Step:
        name = victim["name"]
        target = f"{ctx.django_class}.{name}" if ctx.django else f"{ctx.test_file}::{name}"
        intentions = [f"Run {name} on its own.", "Does it fail in isolation?", f"Run only {name}."]
        return Step(
            think(rng, intentions, ["", ""]),
            ctx.test_cmd(target=target),
            test_output(ctx, rng, 1, [], target=ctx.label if ctx.django else ctx.test_file),
        )

    def subset(i: int) -> Step:
        pair = rng.sample(names, 2)
        fails = rng.random() < 0.6
        if fails:
            victim["name"] = pair[1]
        if ctx.django:
            targets = " ".join(f"{ctx.django_class}.{name}" for name in pair)
            command = f"python tests/runtests.py {targets}"
        else:
            command = ctx.test_cmd(f' -k "{pair[0]} or {pair[1]}"')
        intentions = [
            f"Run {pair[0]} together with {pair[1]} to find the polluter.",
            "Bisect: try a pair of tests.",
            f"Maybe {pair[0]} leaves state behind; run the two together.",
        ]
        out = test_output(ctx, rng, 2 - fails, [failure()] if fails else [], deselected=0 if ctx.django else total - 2)
        return Step(think(rng, intentions), command, out, int(fails), 2.0)

    def order(i: int) -> Step:
        if ctx.django:
            flag = vary(rng, [" --reverse", " --shuffle", f" --shuffle {rng.randint(1000, 99999)}"])
            if "shuffle" in flag:
                seed = flag.split()[-1] if flag.split()[-1].isdigit() else str(rng.randint(1000, 9_999_999_999))
                intro = f"Using shuffle seed: {seed}{'' if flag.split()[-1].isdigit() else ' (generated)'}\n"
            else:
                intro = ""
            victim["name"] = rng.choice(names)
            return Step(
                think(rng, ["Change the order the tests run in.", "Run them in another order to see who breaks whom."]),
                ctx.test_cmd(flag),
                intro + test_output(ctx, rng, total - 1, [failure()]),
                1,
                4.0,
            )
        flag = vary(rng, [" -p no:randomly", " -p no:cacheprovider", " --lf", " --reverse"])
        if flag == " --reverse":
            return Step(
                think(rng, ["Run the tests in reverse order."]),
                ctx.test_cmd(flag),
                "ERROR: usage: __main__.py [options] [file_or_dir] [file_or_dir] [...]\n__main__.py: error: unrecognized arguments: --reverse\n  inifile: setup.cfg\n  rootdir: /testbed",
                4,
            )
        if flag == " --lf":
            out = test_output(ctx, rng, 1, []).replace(
                "collected", "run-last-failure: rerun previous 1 failure\ncollected"
            )
            return Step(think(rng, ["Re-run just the last failure."]), ctx.test_cmd(flag), out)
        return Step(
            think(rng, ["Turn off plugins that could reorder or cache things.", "Rule out plugins."]),
            ctx.test_cmd(flag),
            test_output(ctx, rng, total - 1, [failure()]),
            1,
            4.0,
        )

    def state_grep(i: int) -> Step:
        source = ctx.source
        lines = [
            f"{rng.randint(20, 90)}:{state} = {vary(rng, ['{}', '[]', 'None'])}",
            f"{rng.randint(100, 400)}:    global {state}",
            f"{rng.randint(400, 700)}:        {state}[key] = value",
        ]
        return Step(
            think(
                rng,
                [
                    "Look for module-level state the tests could share.",
                    "Something global must survive between tests. Search for it.",
                    f"Where is {state} mutated?",
                ],
                ["", ""],
            ),
            f"grep -n '{state}\\|global \\|lru_cache' {source}",
            "\n".join(lines[: rng.randint(2, 3)]),
        )

    def teardown(i: int) -> Step:
        target = vary(rng, [f"{ctx.stem}_settings", "_cache", "registry", f"{ctx.cls}._instances"])
        if ctx.django:
            command = f"sed -i '/^class {ctx.cls}Tests/a\\    def tearDown(self):\\n        {ctx.dotted}.{target.split('.')[-1]} = {{}}\\n' {ctx.test_file}"
        else:
            command = f"cat <<'EOF' >> {ctx.tests_dir}/conftest.py\n\n@pytest.fixture(autouse=True)\ndef _reset_{ctx.stem}():\n    yield\n    {ctx.dotted}.{target.split('.')[-1]}.clear()\nEOF"
        victim["name"] = rng.choice(names)
        intentions = [
            f"Reset {target} after each test.",
            "Add a teardown that clears the shared state.",
            f"An autouse fixture clearing {target} should isolate the tests.",
        ]
        return Step(think(rng, intentions), command, "", 0)

    def move_test(i: int) -> Step:
        name = victim["name"]
        intentions = [
            f"Rename {name} so it sorts first and runs before the others.",
            f"Move {name} to the top of the file.",
        ]
        new = name.replace("test_", "test_00_", 1)
        if name in names:
            names[names.index(name)] = new
        # Run first, the renamed test passes; another one takes its place as the victim.
        victim["name"] = rng.choice([other for other in names if other != new])
        return Step(
            think(rng, intentions),
            f"sed -i 's/def {name}(/def {new}(/' {ctx.test_file} && grep -n 'def {new}' {ctx.test_file}",
            f"{rng.randint(30, 500)}:    def {new}(self):" if ctx.django else f"{rng.randint(30, 500)}:def {new}():",
        )

    opener = replace(
        suite(0),
        thought=vary(
            rng,
            [
                "Now run the tests for this module to check nothing else broke.",
                "Let me run the existing tests.",
                "Run the test file.",
            ],
        ),
    )
    moves: list[tuple[Move, int]] = [
        (suite, 4),
        (alone, 3),
        (subset, 3),
        (order, 2),
        (state_grep, 2),
        (teardown, 2),
        (move_test, 1),
    ]
    return loop_steps(rng, n, opener, moves, "the order-dependent test failure", opened_by=suite)
