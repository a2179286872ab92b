# ruff: noqa: E501
"""Loop family on import-time settings: a settings object built when its module is imported, and tests that change the environment after."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.churning import Tried, churn
from heldout65.text import Attempt, Ctx, Fail, py_edit, test_step


def _addr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**10):010x}"


def settings_reload_identity_split(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The env is read at import; reloads split class identity, caches leak across tests, lazy proxies recurse, properties refuse overrides."""
    src, tf, fn = ctx.source, ctx.test_file, ctx.loader
    conf, dotted = ctx.conf_module, ctx.conf_dotted
    count = ctx.keys[1].lower().replace(".", "_")
    var = ctx.env(ctx.keys[1])
    default = rng.choice([10, 20, 30, 100])
    body = f"class Settings:\n    def __init__(self, environ=os.environ):\n        self.{count} = int(environ.get({var!r}, {default}))\n\n\nsettings = Settings()\n"
    other = f"{ctx.tests_dir}/test_{ctx.stem}_cli.py"
    setenv = f"os.environ[{var!r}]" if ctx.django else f"monkeypatch.setenv({var!r}"
    fixtures = tf if ctx.django else f"{ctx.tests_dir}/conftest.py"
    indent = " " * 8 if ctx.django else " " * 4

    # This session's tests: the env test and the value it sets, the override test's value, the CLI test's values.
    env_case = rng.choice(["reads_env", "env_override", "setting_from_environment"])
    env_want, manual_want = rng.sample(range(2, 10), 2)
    leak_got, leak_want = rng.sample(range(2, 10), 2)
    tried = Tried()

    def stale(case: str = "") -> Fail:
        want = env_want
        return Fail(
            f"test_{ctx.stem}_{case or env_case}",
            f"AssertionError: assert {default} == {want}",
            f"assert {fn}()[{count!r}] == {want}",
        )

    def fail(kind: str) -> Fail:
        if kind == "stale":
            return stale()
        if kind == "identity":
            return Fail(
                f"test_{ctx.stem}_settings_type",
                f"AssertionError: assert False\n +  where False = isinstance(<{dotted}.Settings object at {_addr(rng)}>, <class '{dotted}.Settings'>)",
                f"assert isinstance({fn}(), conf.Settings)",
            )
        if kind == "func_identity":
            return Fail(
                f"test_{ctx.stem}_registered_handler",
                f"AssertionError: assert <function {fn} at {_addr(rng)}> is <function {fn} at {_addr(rng)}>",
                f"assert registry.get({ctx.stem!r}) is {fn}",
            )
        if kind == "manual":
            want = manual_want
            return Fail(
                f"test_{ctx.stem}_settings_override",
                f"AssertionError: assert {default} == {want}",
                f"conf.settings.{count} = {want}; assert {fn}()[{count!r}] == {want}",
            )
        if kind == "leak":
            return Fail(
                f"test_{ctx.stem}_cli_env",
                f"AssertionError: assert {leak_got} == {leak_want}",
                f"assert main(['--show'])[{count!r}] == {leak_want}",
            )
        if kind == "recursion":
            return Fail(
                f"test_{ctx.stem}_settings_copy",
                "RecursionError: maximum recursion depth exceeded",
                "clone = copy.copy(conf.settings)",
                [("__getattr__", "return getattr(self._wrapped, name)"), ("__getattr__", "if self._wrapped is None:")],
            )
        if kind == "setter":
            return Fail(
                f"test_{ctx.stem}_settings_override",
                f"AttributeError: property {count!r} of 'Settings' object has no setter"
                if int(ctx.python.split(".")[1]) >= 11
                else "AttributeError: can't set attribute",
                f"conf.settings.{count} = 3",
            )
        return stale("reads_env")

    def outcome(thought: str, kinds: list[str], target: str = "") -> Step:
        fails = [fail(k) for k in kinds]
        target = target or rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -q", " -x", " -p no:cacheprovider -q"]))

    def reload_conf(k: int) -> list[Step]:
        if ctx.django:
            command, out = (
                py_edit(tf, "    def setUp(self):\n", "    def setUp(self):\n        importlib.reload(conf)\n"),
                "patched",
            )
        elif rng.random() < 0.4:
            command, out = py_edit(tf, setenv, f"importlib.reload(conf)\n    {setenv}"), "patched"
        else:
            command, out = (
                f"cat >> {fixtures} <<'EOF'\n\n\n@pytest.fixture(autouse=True)\ndef _fresh_settings():\n    importlib.reload(conf)\n    yield\nEOF",
                "",
            )
        return [
            Step(
                "The settings are built when conf is imported, before the test sets the variable. Reload conf for each test.",
                command,
                out,
            ),
            outcome("Rerun.", ["stale", "identity"]),
        ]

    def reload_both(k: int) -> list[Step]:
        return [
            Step(
                f"{ctx.stem} did `from .conf import settings`, so it still holds the old object. Reload both modules, conf first.",
                f"python - <<'EOF'\np = '{fixtures}'\ns = open(p).read()\ns = s.replace('importlib.reload(conf)\\n', 'importlib.reload(conf)\\n{indent}importlib.reload({ctx.stem})\\n')\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            outcome("Run the whole module.", ["func_identity", rng.choice(["identity", "leak"])]),
        ]

    def module_getattr(k: int) -> list[Step]:
        return [
            Step(
                "Make conf.settings lazy with a module-level __getattr__ (PEP 562), so each access builds it from the current environment, and read conf.settings instead of importing the name.",
                py_edit(
                    conf,
                    "\n\nsettings = Settings()\n",
                    "\n\ndef __getattr__(name):\n    if name == 'settings':\n        return Settings()\n    raise AttributeError(name)\n",
                )
                + f"\nsed -i 's/^from \\.conf import settings$/from . import conf/; s/\\bsettings\\.{count}\\b/conf.settings.{count}/g' {src}",
                "patched",
            ),
            outcome("Rerun.", ["manual", rng.choice(["leak", "identity"])]),
        ]

    def lru(k: int) -> list[Step]:
        return [
            Step(
                "A cached get_settings() is the usual pattern: build once, clear the cache in the tests that change the environment.",
                py_edit(
                    conf,
                    "\n\nsettings = Settings()\n",
                    "\n\n@functools.lru_cache(maxsize=None)\ndef get_settings():\n    return Settings()\n",
                )
                + f"\nsed -i '1i import functools' {conf}",
                "patched",
            ),
            Step(
                "And clear it in the env tests.",
                py_edit(tf, setenv, f"conf.get_settings.cache_clear()\n{indent}{setenv}"),
                "patched",
            ),
            outcome(
                "Run the suite for this area, not just the one file.",
                ["leak", *rng.sample(["stale", "manual"], rng.randint(0, 1))],
                target="" if ctx.django else rng.choice([ctx.tests_dir, f"{tf} {other}"]),
            ),
        ]

    def proxy(k: int) -> list[Step]:
        return [
            Step(
                "A lazy proxy object, like Django's LazySettings: it builds the real Settings on first attribute access and can be reset.",
                f"cat >> {conf} <<'EOF'\n\n\nclass LazySettings:\n    def __init__(self):\n        self._wrapped = None\n\n    def __getattr__(self, name):\n        if self._wrapped is None:\n            self._wrapped = Settings()\n        return getattr(self._wrapped, name)\n\n    def _reset(self):\n        self._wrapped = None\n\n\nsettings = LazySettings()\nEOF",
                "",
            ),
            outcome("Rerun.", ["recursion", rng.choice(["stale", "leak"])]),
        ]

    def properties(k: int) -> list[Step]:
        return [
            Step(
                f"Read the environment on access instead: make {count} a property.",
                py_edit(
                    conf,
                    f"        self.{count} = int(environ.get({var!r}, {default}))\n",
                    f"        self._environ = environ\n\n    @property\n    def {count}(self):\n        return int(self._environ.get({var!r}, {default}))\n",
                ),
                "patched",
            ),
            outcome("Run the tests.", ["setter", rng.choice(["leak", "manual", "setter"])]),
        ]

    def patch_attr(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the tests should patch the settings object rather than the environment.",
                f"sed -i \"s/os.environ\\[{var!r}\\] = '\\([0-9]*\\)'/conf.settings.{count} = \\1/\" {tf} && grep -c 'conf.settings.{count} =' {tf}"
                if ctx.django
                else f"sed -i \"s/monkeypatch.setenv({var!r}, '\\([0-9]*\\)')/monkeypatch.setattr(conf.settings, {count!r}, \\1)/\" {tf} && grep -c 'setattr(conf.settings' {tf}",
                str(rng.randint(2, 6)),
            ),
            outcome("Rerun.", ["stale", rng.choice(["leak", "identity"])], target=tf),
        ]

    def order(k: int) -> list[Step]:
        one = stale()
        return [
            test_step(ctx, rng, "Does the env test pass on its own?", f"{tf}::{one.name}", [], rng.choice(["", " -q"])),
            outcome(
                "Alone it passes. Now the file in order.",
                ["stale", "leak"],
                target=tf if ctx.django else rng.choice([tf, f"{other} {tf}"]),
            ),
        ]

    def probe(k: int) -> Step:
        want = env_want
        return Step(
            "Check by hand whether changing the variable after import is seen.",
            f"python -c \"import os; import {dotted} as c; os.environ['{var}'] = '{want}'; print(c.settings.{count}, c.Settings().{count})\"",
            f"{default} {want}",
        )

    first = [
        outcome("Let me run the tests of the settings.", ["stale", *rng.sample(["manual", "leak"], rng.randint(0, 1))]),
        Step("Let me look at how the settings are built.", f"cat {conf}", "import os\n\n\n" + body),
    ]
    attempts: list[Attempt] = [
        tried.mark(reload_conf),
        tried.after(reload_conf, reload_both),
        module_getattr,
        lru,
        proxy,
        properties,
        patch_attr,
        order,
        lambda k: [probe(k)],
    ]
    return churn(ctx, rng, n, first, attempts, "settings that are read at import time", "Settings", body)
