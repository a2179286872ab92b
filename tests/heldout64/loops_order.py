# ruff: noqa: E501
"""Loop family on test isolation: module state one test leaves behind, reset by fixtures in every place but the one that matters."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout64.runs import test_step
from heldout64.text import Attempt, Ctx, Fail, addr, churn, py_edit

_CASES_OF = {
    "defaults": ("defaults", "encoding", "override", "configure_strict"),
    "registered": ("register", "unregister", "register_twice"),
    "size": ("registry_size", "builtin_backends"),
    "key": ("backend_lookup", "default_backend"),
    "identity": ("backend_lookup", "backend_type"),
    "super": ("backend_lookup", "backend_options"),
    "monkeypatch": ("configure_strict", "override"),
}


def teardown_leak_order_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Tests pass alone and fail together: a registry and defaults mutated by earlier tests; fixtures reset the wrong thing, at the wrong scope, in the wrong conftest."""
    src, tf, dj = ctx.source, ctx.test_file, ctx.django
    mod = ctx.dotted
    body = "_registry = {}\n_defaults = {'strict': False, 'encoding': 'utf-8', 'backend': 'default'}\n\n\ndef register(name, factory):\n    if name in _registry:\n        raise ValueError('backend %r already registered' % name)\n    _registry[name] = factory\n\n\ndef configure(**options):\n    _defaults.update(options)\n"
    cases = (
        "defaults",
        "register",
        "configure_strict",
        "backend_lookup",
        "encoding",
        "registry_size",
        "override",
        "unregister",
    )
    conftest = "tests/conftest.py" if ctx.tests_dir == "tests" else f"{ctx.tests_dir}/conftest.py"

    def name() -> str:
        return ctx.case(rng, cases)

    def fail(kind: str = "") -> Fail:
        kind = kind or rng.choice(["defaults", "registered", "size", "key", "identity"])
        backend = rng.choice(["dummy", "memory", "null", "custom", "fake", "locmem"])
        size = rng.randint(3, 6)
        table = {
            "defaults": (
                f"AssertionError: assert {{'backend': 'default', 'encoding': '{rng.choice(['latin-1', 'utf-8'])}', 'strict': True}} == {{'backend': 'default', 'encoding': 'utf-8', 'strict': False}}\n  Omitting 2 identical items, use -vv to show\n  Differing items:\n  {{'strict': True}} != {{'strict': False}}",
                f"assert {mod.rsplit('.', 1)[-1]}._defaults == DEFAULTS",
                [],
            ),
            "registered": (
                f"ValueError: backend '{backend}' already registered",
                f"register({backend!r}, Fake{ctx.cls})",
                [("register", "raise ValueError('backend %r already registered' % name)")],
            ),
            "size": (
                f"AssertionError: assert {size} == {rng.randint(1, 2)}\n +  where {size} = len({{{backend!r}: <class 'tests.Fake{ctx.cls}'>, ...}})",
                "assert len(_registry) == len(BUILTIN)",
                [],
            ),
            "key": (
                f"KeyError: '{backend}'",
                f"backend = get_backend({backend!r})",
                [("get_backend", "return _registry[name]()")],
            ),
            "identity": (
                f"AssertionError: assert False\n +  where False = isinstance(<{mod}.{ctx.cls}Backend object at {addr(rng)}>, {ctx.cls}Backend)",
                f"assert isinstance(get_backend('default'), {ctx.cls}Backend)",
                [],
            ),
            "monkeypatch": (
                "NameError: name 'monkeypatch' is not defined" if not dj else "NameError: name 'mock' is not defined",
                f"monkeypatch.setattr('{mod}._defaults', dict(_defaults, strict=True))"
                if not dj
                else f"patcher = mock.patch.dict('{mod}._defaults', strict=True)",
                [],
            ),
            "super": (
                "TypeError: super(type, obj): obj must be an instance or subtype of type",
                "backend = get_backend('default')",
                [("__init__", "super().__init__(**options)")],
            ),
        }
        error, code, frames = table[kind]
        return Fail(f"test_{ctx.stem}_{rng.choice(_CASES_OF[kind])}", error, code, frames)

    def suite(thought: str, kinds: list[str] | None = None, extra: str = "", target: str = "") -> Step:
        fails = list({f.name: f for f in (fail(k) for k in (kinds or [""] * rng.randint(1, 3)))}.values())
        return test_step(
            ctx,
            rng,
            thought,
            target or rng.choice(["", tf]),
            fails,
            extra or rng.choice(["", " -q", " -p no:cacheprovider", " -p no:randomly"]),
        )

    def alone(k: int) -> list[Step]:
        case = name()
        return [
            test_step(ctx, rng, f"Does {case} fail on its own?", f"{tf}::{case}", [], rng.choice(["", " -q", " -vv"])),
            suite(
                "Passes alone. So something earlier leaves state behind. Whole module again to see which fail now.",
                extra=rng.choice([" -q", " -x", ""]),
            ),
        ]

    def pair(k: int) -> list[Step]:
        a, b = name(), name()
        while b == a:
            b = name()
        bad = rng.random() < 0.5
        label = f"{ctx.stem}_tests.tests.{ctx.cls}Tests"
        return [
            Step(
                f"Run just {a} then {b} to see if that pair is the culprit.",
                f"cd tests && python runtests.py {label}.{a} {label}.{b} --parallel 1"
                if dj
                else f"python -m pytest '{tf}::{a}' '{tf}::{b}' -q -p no:randomly",
                (
                    f"Testing against Django installed in '/testbed/django'\nSystem check identified no issues (0 silenced).\n{'.F' if bad else '..'}\n"
                    + (
                        f"{'=' * 70}\nFAIL: {b} ({label})\n{'-' * 70}\nAssertionError: {rng.randint(3, 6)} != {rng.randint(1, 2)}\n\n"
                        if bad
                        else ""
                    )
                    + f"{'-' * 70}\nRan 2 tests in {rng.uniform(0.01, 0.9):.3f}s\n\n{'FAILED (failures=1)' if bad else 'OK'}"
                )
                if dj
                else (
                    f".F{' ' * 71}[100%]\n{'=' * 35} FAILURES {'=' * 35}\n"
                    + f" {b} ".center(80, "_")
                    + f"\n\n    def {b}():\n>       assert len(_registry) == len(BUILTIN)\nE       AssertionError: assert {rng.randint(3, 6)} == {rng.randint(1, 2)}\n\n{tf}:{rng.randint(30, 600)}: AssertionError\n{'=' * 27} short test summary info {'=' * 28}\nFAILED {tf}::{b} - AssertionError\n1 failed, 1 passed in {rng.uniform(0.05, 0.9):.2f}s"
                    if bad
                    else f"..{' ' * 71}[100%]\n2 passed in {rng.uniform(0.05, 0.9):.2f}s"
                ),
                rc=1 if bad else 0,
                seconds=rng.uniform(1, 6),
            )
        ]

    def reverse(k: int) -> list[Step]:
        if dj:
            return [
                suite(
                    "Run them in reverse order to see whether the failures move.",
                    extra=rng.choice([" --reverse", " --reverse --parallel 1"]),
                )
            ]
        return [
            Step(
                "Run the module in reverse order to see whether the failures move.",
                f"python -m pytest {tf} -q -p no:randomly $(python -m pytest {tf} --collect-only -q 2>/dev/null | grep :: | tac | tr '\\n' ' ')",
                "\n".join(f"FAILED {tf}::{fail().name}" for _ in range(rng.randint(1, 3)))
                + f"\n{rng.randint(1, 3)} failed, {ctx.module_tests - 2} passed in {rng.uniform(0.3, 5):.2f}s",
                rc=1,
                seconds=rng.uniform(2, 9),
            )
        ]

    def bisect(k: int) -> list[Step]:
        if not dj:
            return [
                suite("Rerun just the last failures.", extra=" --lf -q")
                if rng.random() < 0.3
                else suite("And with -p no:randomly and -x to stop at the first one.", extra=" -x -p no:randomly")
            ]
        case = name()
        label = f"{ctx.stem}_tests.tests.{ctx.cls}Tests.{case}"
        return [
            Step(
                f"Django's runner can bisect for the test that pollutes {case}.",
                f"cd tests && python runtests.py --bisect {label} {ctx.stem}_tests 2>&1 | tail -8",
                rng.choice(
                    [
                        f"***** Pass {rng.randint(2, 4)}: Running the second half of the test labels\n***** Problem found in second half. Bisecting again...\n***** Pass {rng.randint(5, 6)}: Running the first half of the test labels\n***** Problem found in first half. Bisecting again...\n***** Source of error: {ctx.stem}_tests.tests.{ctx.cls}Tests.{name()}",
                        "***** Pass 1: Running the first half of the test labels\n***** Pass 1: Running the second half of the test labels\n***** Both halves failed. Bisecting again...\n***** Multiple sources of failure found",
                        "***** Pass 1: Running the first half of the test labels\n***** Pass 1: Running the second half of the test labels\n***** No source of failure found... try pair execution (--pair)",
                    ]
                ),
                seconds=rng.uniform(10, 60),
            )
        ]

    def autouse(k: int) -> list[Step]:
        what = rng.choice(["_registry.clear()", "_defaults.clear()"])
        if dj:
            return [
                Step(
                    f"Reset the module state before every test: {what} in setUp.",
                    py_edit(
                        tf,
                        f"class {ctx.cls}Tests(SimpleTestCase):\n",
                        f"class {ctx.cls}Tests(SimpleTestCase):\n    def setUp(self):\n        {what}\n\n",
                    ),
                    "patched",
                ),
                suite(
                    "Rerun the module.",
                    ["key" if "registry" in what else rng.choice(["key", "defaults"]), rng.choice(["", "identity"])],
                ),
            ]
        return [
            Step(
                f"Reset the module state around every test with an autouse fixture: {what} before each test runs.",
                f"cat >> {conftest} <<'EOF'\n\n\n@pytest.fixture(autouse=True)\ndef _reset_{ctx.stem}_state():\n    import {mod} as m\n    m.{what}\n    yield\nEOF",
                "",
            ),
            suite(
                "Rerun the module.",
                ["key" if "registry" in what else rng.choice(["key", "defaults"]), rng.choice(["", "identity"])],
            ),
        ]

    def module_scope(k: int) -> list[Step]:
        if dj:
            return [
                Step(
                    "Clearing before every test is too aggressive; the built-in backends are registered at import. Snapshot the state once in setUpClass and restore it in tearDownClass.",
                    py_edit(
                        tf,
                        f"class {ctx.cls}Tests(SimpleTestCase):\n",
                        f"class {ctx.cls}Tests(SimpleTestCase):\n    @classmethod\n    def setUpClass(cls):\n        super().setUpClass()\n        cls._saved = (dict(_registry), dict(_defaults))\n\n    @classmethod\n    def tearDownClass(cls):\n        _registry.clear(); _registry.update(cls._saved[0])\n        _defaults.clear(); _defaults.update(cls._saved[1])\n        super().tearDownClass()\n\n",
                    ),
                    "patched",
                ),
                suite("Rerun.", rng.sample(["defaults", "registered", "size"], rng.randint(1, 2))),
            ]
        return [
            Step(
                "Resetting before every test is too aggressive; the built-in backends are registered at import. Snapshot the state once per module and restore it after.",
                f"python - <<'EOF'\np = '{conftest}'\ns = open(p).read()\ns = s.replace('@pytest.fixture(autouse=True)\\ndef _reset_{ctx.stem}_state', '@pytest.fixture(autouse=True, scope=\"module\")\\ndef _reset_{ctx.stem}_state', 1)\nopen(p, 'w').write(s)\nprint('ok')\nEOF",
                "ok",
            ),
            suite("Rerun.", rng.sample(["defaults", "registered", "size"], rng.randint(1, 2))),
        ]

    def reload(k: int) -> list[Step]:
        return [
            Step(
                "Simplest clean slate: reload the module before each test so its globals start fresh.",
                py_edit(
                    tf,
                    "import pytest\n" if not dj else "from django.test import SimpleTestCase\n",
                    (
                        "import importlib\n\nimport pytest\n"
                        if not dj
                        else "import importlib\n\nfrom django.test import SimpleTestCase\n"
                    ),
                )
                + "\n"
                + (
                    py_edit(
                        tf,
                        "    def setUp(self):\n",
                        f"    def setUp(self):\n        importlib.reload({mod.rsplit('.', 1)[-1]})\n",
                    )
                    if dj
                    else py_edit(conftest, "    m.", "    importlib.reload(m)\n    m.")
                ),
                "patched\npatched",
            ),
            suite("Rerun.", ["identity", rng.choice(["super", "identity", "registered"])]),
        ]

    def monkeypatch(k: int) -> list[Step]:
        return [
            Step(
                "Have the tests that configure things do it through monkeypatch so it is undone afterwards.",
                py_edit(
                    tf,
                    "    configure(strict=True)\n",
                    "    monkeypatch.setattr('" + mod + "._defaults', dict(_defaults, strict=True))\n",
                )
                if not dj
                else py_edit(
                    tf,
                    "        configure(strict=True)\n",
                    f"        patcher = mock.patch.dict('{mod}._defaults', strict=True)\n        patcher.start()\n",
                ),
                "patched",
            ),
            suite("Rerun.", rng.sample(["defaults", "registered", "key", "monkeypatch"], rng.randint(1, 2))),
        ]

    def unregister(k: int) -> list[Step]:
        return [
            Step(
                "The registration test never unregisters its fake backend. Pop it in a finally.",
                py_edit(
                    tf,
                    f"    register('dummy', Fake{ctx.cls})\n",
                    f"    register('dummy', Fake{ctx.cls})\n    try:\n        assert get_backend('dummy')\n    finally:\n        _registry.pop('dummy', None)\n",
                )
                if not dj
                else py_edit(
                    tf,
                    f"        register('dummy', Fake{ctx.cls})\n",
                    f"        register('dummy', Fake{ctx.cls})\n        self.addCleanup(_registry.pop, 'dummy', None)\n",
                ),
                "patched",
            ),
            suite("Rerun.", rng.sample(["defaults", "size", "registered"], rng.randint(1, 2))),
        ]

    def grep_state(k: int) -> list[Step]:
        return [
            Step(
                "Which tests touch the module globals directly?",
                f"grep -n '_registry\\|_defaults\\|configure(\\|register(' {tf} | head -20",
                "\n".join(
                    f"{rng.randint(20, 600)}:{rng.choice(['    ', '        '] if dj else ['    '])}{rng.choice([f'register({b!r}, Fake{ctx.cls})', 'configure(strict=True)', f'configure(encoding={e!r})', 'assert len(_registry) == len(BUILTIN)', f'_registry.pop({b!r})', 'assert _defaults == DEFAULTS'])}"
                    for b, e in (
                        (rng.choice(["dummy", "memory", "null"]), rng.choice(["latin-1", "ascii"]))
                        for _ in range(rng.randint(4, 8))
                    )
                ),
            )
        ]

    first = [
        suite("Let me run the tests of the module I changed.", ["defaults", "registered"]),
        Step(
            f"Let me look at the module state in {src}.",
            f"grep -n -A4 '^_registry\\|^_defaults\\|^def register\\|^def configure' {src}",
            f"{rng.randint(20, 200)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        alone,
        pair,
        reverse,
        bisect,
        autouse,
        module_scope,
        reload,
        monkeypatch,
        unregister,
        grep_state,
    ]
    return churn(ctx, rng, n, first, attempts, "the test pollution between the module's tests", "register", body)
