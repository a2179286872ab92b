# ruff: noqa: E501
"""The hard negatives: the same stale state met once or twice, then found and cleared at its cause.

Each starts like a loop (a test that fails in the module run and passes alone, a variable that never
takes effect, a green `--lf`), then the agent finds the cache, the import-time read, the reload, the
fixture's scope or the stale last-failed record, changes that, and the tests go green.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout49.text import Ctx, addr, one_test, py_edit, run_output, stale, test_step


def _edit(thought: str, command: str) -> Step:
    return Step(thought, command, "patched")


def _edits(path: str, pairs: list[tuple[str, str]]) -> str:
    """Several replacements in one file, in one heredoc."""
    lines = "\n".join(f"s = s.replace({old!r}, {new!r}, 1)" for old, new in pairs)
    return f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\n{lines}\nopen(p, 'w').write(s)\nprint('patched')\nEOF"


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra=extra, passed=rng.randint(8, 70))


def lru_cache_cleared(ctx: Ctx, rng: random.Random) -> list[Step]:
    names = ctx.cases(rng, 3)
    line = rng.randint(20, 500)
    steps = [test_step(ctx, rng, "Let me run the module's tests with my change.", "", [(names[0], stale(rng))])]
    if rng.random() < 0.6:
        steps.append(test_step(ctx, rng, "Let me run that test on its own.", one_test(ctx, names[0]), [], passed=1))
    if rng.random() < 0.5:
        steps += [
            Step(
                "Maybe old bytecode is involved; let me clear it first.",
                "find . -name __pycache__ -type d -prune -exec rm -rf {} + && echo cleared",
                "cleared",
            ),
            test_step(ctx, rng, "Run the module again.", "", [(rng.choice(names), stale(rng))]),
        ]
    steps += [
        Step(
            f"It passes alone and fails after other tests, so something keeps state between them. {ctx.func} calls {ctx.cached}; let me look at how that is defined.",
            f"grep -n -B3 -A6 'def {ctx.cached}' {ctx.source}",
            f"{line - 2}-\n{line - 1}-@functools.lru_cache(maxsize=None)\n{line}:def {ctx.cached}():\n{line + 1}-    sep = get_setting('{ctx.stem}_sep', ',')\n{line + 2}-    return dict(DEFAULT_TABLE, sep=sep)\n",
        ),
        _edit(
            f"There it is: {ctx.cached} is cached with no arguments but reads the separator setting, so the first test's separator sticks for the whole run. I'll make the separator an argument so it is part of the cache key.",
            _edits(
                ctx.source,
                [
                    (
                        f"def {ctx.cached}():\n    sep = get_setting('{ctx.stem}_sep', ',')\n",
                        f"def {ctx.cached}(sep):\n",
                    ),
                    (f"table = {ctx.cached}()", f"table = {ctx.cached}(get_setting('{ctx.stem}_sep', ','))"),
                ],
            ),
        ),
        Step(
            "Any other callers of the cached helper?",
            f"grep -rn '{ctx.cached}(' {ctx.run.package}",
            f"{ctx.source}:{line}:def {ctx.cached}(sep):\n{ctx.source}:{line + rng.randint(9, 60)}:    table = {ctx.cached}(get_setting('{ctx.stem}_sep', ','))",
        ),
        _green(ctx, rng, "Only the one. Run the module again."),
    ]
    if rng.random() < 0.5:
        steps.append(
            _green(
                ctx,
                rng,
                "And with the order reversed, to be sure nothing leaks.",
                extra=" --reverse" if ctx.django else " -p no:randomly -q",
            )
        )
    return steps


def cached_property_invalidated(ctx: Ctx, rng: random.Random) -> list[Step]:
    names = ctx.cases(rng, 3)
    line = rng.randint(40, 600)
    code = f"assert default_{ctx.stem}.{ctx.prop} == expected"
    steps = [test_step(ctx, rng, "Let me run the tests for my change.", "", [(names[0], stale(rng))], code=code)]
    if rng.random() < 0.6:
        steps += [
            _edit(
                "Maybe the attribute isn't set where I think. Let me set it through setattr.",
                py_edit(ctx.source, f"default_{ctx.stem}.sep = sep", f"setattr(default_{ctx.stem}, 'sep', sep)"),
            ),
            test_step(ctx, rng, "Run again.", "", [(rng.choice(names), stale(rng))], code=code),
        ]
    steps += [
        Step(
            f"The attribute changes but `{ctx.prop}` does not. Let me look at how `{ctx.prop}` is defined.",
            f"grep -n -B1 -A4 'def {ctx.prop}' {ctx.source}",
            f"{line - 1}-    @cached_property\n{line}:    def {ctx.prop}(self):\n{line + 1}-        return [p for p in self.items if p] if self.sep is None else self._split(self.sep)\n",
        ),
        _edit(
            f"`{ctx.prop}` is a cached_property computed from `sep`, so changing `sep` after the first access leaves the old value in the instance's __dict__. I'll drop the cached value whenever `sep` or `items` is set.",
            py_edit(
                ctx.source,
                f"    @cached_property\n    def {ctx.prop}(self):",
                f"    def __setattr__(self, name, value):\n        super().__setattr__(name, value)\n        if name in ('sep', 'items'):\n            self.__dict__.pop('{ctx.prop}', None)\n\n    @cached_property\n    def {ctx.prop}(self):",
            ),
        ),
        _green(ctx, rng, "Run the tests, including the one that checks it is computed only once."),
    ]
    return steps


def env_read_per_call(ctx: Ctx, rng: random.Random) -> list[Step]:
    on = f"test_{ctx.stem}_with_{ctx.flag.strip('_').lower()}"
    line = rng.randint(10, 80)
    steps = [
        test_step(
            ctx, rng, f"Let me run the module, including the new test that sets {ctx.env}.", "", [(on, stale(rng))]
        )
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                "Let me try it with the variable set for the whole run.",
                f"{ctx.env}=1 " + ctx.tests(),
                run_output(ctx, rng, ctx.test_file, rng.randint(6, 50), [(ctx.case(rng), stale(rng))]),
                rc=1,
                seconds=rng.uniform(1, 6),
            )
        )
    steps += [
        Step(
            f"Setting it during the test has no effect. Let me see where {ctx.env} is read.",
            f"grep -n 'environ\\|{ctx.flag}' {ctx.source}",
            f"{line}:{ctx.flag} = os.environ.get('{ctx.env}', '').lower() == '1'\n{line + rng.randint(30, 300)}:    if {ctx.flag}:\n",
        ),
        _edit(
            f"{ctx.flag} is computed once at import, before any test sets the variable. I'll read the environment when the function runs instead.",
            _edits(
                ctx.source,
                [
                    (
                        f"{ctx.flag} = os.environ.get('{ctx.env}', '').lower() == '1'\n",
                        f"def {ctx.flag.lower()}_enabled():\n    return os.environ.get('{ctx.env}', '').lower() == '1'\n",
                    ),
                    (f"    if {ctx.flag}:\n", f"    if {ctx.flag.lower()}_enabled():\n"),
                ],
            ),
        ),
        Step(
            "Is the old name used anywhere else?",
            f"grep -rn '{ctx.flag}\\b' {ctx.run.package} | grep -v _enabled",
            "",
            rc=1,
        ),
        _green(ctx, rng, "No. Run the module."),
    ]
    return steps


def reload_replaced(ctx: Ctx, rng: random.Random) -> list[Step]:
    names = ctx.cases(rng, 3)
    line = rng.randint(20, 400)
    code = f"assert isinstance(result, {ctx.cls})"
    split = f"AssertionError: assert False\n +  where False = isinstance(<{ctx.dotted}.{ctx.cls} object at {addr(rng)}>, {ctx.cls})"
    steps = [test_step(ctx, rng, "Let me run the module with the new test.", "", [(names[1], split)], code=code)]
    if rng.random() < 0.6:
        steps.append(test_step(ctx, rng, "Run that one alone.", one_test(ctx, names[1]), [], passed=1))
    steps += [
        Step(
            "Passes alone, fails after the new test. The new test reloads the module; let me check.",
            f"grep -n 'reload\\|^from {ctx.dotted}' {ctx.test_file}",
            f"{rng.randint(1, 12)}:from {ctx.dotted} import {ctx.cls}\n{line}:    importlib.reload({ctx.stem})\n",
        ),
        _edit(
            f"The reload creates a new {ctx.cls} class, so instances made afterwards aren't instances of the {ctx.cls} imported at the top of the file. I'll patch the flag for the test instead of reloading.",
            py_edit(
                ctx.test_file,
                f"    importlib.reload({ctx.stem})\n",
                f"    monkeypatch.setattr({ctx.stem}, '{ctx.flag}', True)\n"
                if not ctx.django
                else f"    patcher = mock.patch.object({ctx.stem}, '{ctx.flag}', True)\n    patcher.start()\n    self.addCleanup(patcher.stop)\n",
            ),
        ),
        _green(ctx, rng, "Run the whole module."),
    ]
    return steps


def fixture_scope_narrowed(ctx: Ctx, rng: random.Random) -> list[Step]:
    names = ctx.cases(rng, 3)
    line = rng.randint(5, 90)
    code = f"assert {ctx.func}(value, **{ctx.fixture}) == expected"
    steps = [test_step(ctx, rng, "Let me run the module's tests.", "", [(names[0], "KeyError: 'sep'")], code=code)]
    if rng.random() < 0.7:
        steps.append(test_step(ctx, rng, "Run it alone.", one_test(ctx, names[0]), [], passed=1, code=code))
    if rng.random() < 0.4:
        steps.append(
            test_step(
                ctx,
                rng,
                "And the module in file order.",
                "",
                [(names[2], "KeyError: 'sep'")],
                extra=" -p no:randomly",
                code=code,
            )
        )
    steps += [
        Step(
            f"The 'sep' key disappears only after other tests ran. Let me look at the {ctx.fixture} fixture.",
            f"grep -n -B2 -A4 'def {ctx.fixture}' {ctx.conftest}",
            f"{line - 1}-\n{line}-@pytest.fixture(scope='module')\n{line + 1}:def {ctx.fixture}():\n{line + 2}-    return {{'sep': ',', 'items': ['a', 'b'], 'strict': False}}\n",
        ),
        Step(
            "Module scope: one dict for the whole module. Does my change modify the options it gets?",
            f"grep -n 'options.pop\\|options\\[' {ctx.source}",
            f"{rng.randint(100, 700)}:    sep = options.pop('sep', ',')\n",
        ),
        _edit(
            "It pops 'sep' from the caller's dict, so the shared fixture loses it after the first test. I'll read it without mutating the options.",
            py_edit(ctx.source, "sep = options.pop('sep', ',')", "sep = options.get('sep', ',')"),
        ),
        _edit(
            "And the fixture is cheap to build, so there is no reason to share one mutable dict across the module.",
            py_edit(
                ctx.conftest,
                f"@pytest.fixture(scope='module')\ndef {ctx.fixture}",
                f"@pytest.fixture\ndef {ctx.fixture}",
            ),
        ),
        _green(ctx, rng, "Run the module."),
    ]
    return steps


def lastfailed_cleared(ctx: Ctx, rng: random.Random) -> list[Step]:
    k = rng.randint(1, 3)
    node = f"{ctx.test_file.replace('.py', '_api.py')}::{ctx.case(rng)}"
    lf = run_output(ctx, rng, ctx.tests_dir, k, [])
    lf = lf.replace(
        "rootdir: /testbed\n",
        f"rootdir: /testbed\nrun-last-failure: rerun previous {k} failure{'s' if k > 1 else ''}\n",
        1,
    )
    line = rng.randint(40, 600)
    steps = [
        Step(
            "Let me rerun the tests that failed earlier.",
            ctx.tests(ctx.tests_dir, " --lf"),
            lf,
            seconds=rng.uniform(0.5, 3),
        ),
        test_step(
            ctx,
            rng,
            "Those pass. Let me run the whole test directory before finishing.",
            ctx.tests_dir,
            [(node.split("::")[1], stale(rng))],
            passed=rng.randint(120, 900),
        ),
    ]
    if rng.random() < 0.5:
        again = run_output(ctx, rng, ctx.tests_dir, k, []).replace(
            "rootdir: /testbed\n",
            f"rootdir: /testbed\nrun-last-failure: rerun previous {k} failure{'s' if k > 1 else ''}\n",
            1,
        )
        steps.append(
            Step(
                "Odd, --lf said all was well. Once more with --lf.",
                ctx.tests(ctx.tests_dir, " --lf -q"),
                again,
                seconds=rng.uniform(0.5, 3),
            )
        )
    steps += [
        Step(
            "--lf keeps rerunning an old list of failures. Let me see what the cache holds.",
            "python -m pytest --cache-show 'cache/lastfailed' | tail -5",
            f"cache/lastfailed contains:\n  {{'{ctx.test_file}::{ctx.case(rng)}': True}}\n\n{'=' * 27} no tests ran in {rng.uniform(0.01, 0.2):.2f}s {'=' * 27}",
        ),
        test_step(
            ctx,
            rng,
            "That record is from before my change and doesn't include the new failure. Clear the cache and run the failing test.",
            node,
            [(node.split("::")[1], stale(rng))],
            extra=" --cache-clear",
            passed=0,
        ),
        Step(
            "Let me read the code that test exercises.",
            f"sed -n '{line},{line + 8}p' {ctx.source}",
            f"def {ctx.func}(value, **options):\n    if value is None:\n        return options.get('default')\n    sep = options.get('sep', ',')\n    return str(value).split(sep)\n",
        ),
        _edit(
            "The API test passes a list, which my change turns into its string form. Handle lists and tuples first.",
            py_edit(
                ctx.source,
                "    sep = options.get('sep', ',')\n",
                "    if isinstance(value, (list, tuple)):\n        return list(value)\n    sep = options.get('sep', ',')\n",
            ),
        ),
        _green(ctx, rng, "Run the whole test directory, without --lf.", ctx.tests_dir),
    ]
    return steps
