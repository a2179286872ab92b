# ruff: noqa: E501
"""Loop family on feature flags: a test override that leaks, restores the wrong value, or never reaches another thread."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.churning import Tried, churn
from heldout65.text import Attempt, Ctx, Fail, py_edit, test_step


def feature_flag_override_leak(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`override_flag` leaks into later tests; each restore strategy breaks nesting, env-enabled flags, late registration or threads."""
    src, tf = ctx.source, ctx.test_file
    flag = rng.choice(
        [f"new_{ctx.stem}", f"{ctx.stem}_v2", f"strict_{ctx.stem}", f"fast_{ctx.stem}_path", f"lazy_{ctx.stem}"]
    )
    late = rng.choice(["experimental_cache", "preview_api", "legacy_fallback", "async_io"])
    var = ctx.prefix + "FEATURES"
    tried = Tried()
    body = "@contextlib.contextmanager\ndef override_flag(name, value):\n    FLAGS[name] = value\n    yield\n    FLAGS[name] = DEFAULT_FLAGS[name]\n"
    cases = {
        "leak": (
            "flag_off_by_default",
            f"assert flag_enabled({flag!r}) is False",
            "AssertionError: assert True is False",
        ),
        "nested": ("nested_override", f"assert flag_enabled({flag!r}) is True", "AssertionError: assert False is True"),
        "env": ("env_enables_flag", f"assert flag_enabled({flag!r}) is True", "AssertionError: assert False is True"),
        "late": ("plugin_flag_registered", f"assert flag_enabled({late!r}) is False", f"KeyError: {late!r}"),
        "late_restore": ("override_unknown_flag", f"with override_flag({late!r}, True):", f"KeyError: {late!r}"),
        "thread": (
            "override_seen_in_worker",
            f"assert pool.submit(flag_enabled, {flag!r}).result() is True",
            "AssertionError: assert False is True",
        ),
        "stale_dict": ("flag_on", f"assert {ctx.loader}()['{flag}'] is True", "AssertionError: assert False is True"),
        "error_leak": (
            "override_restored_on_error",
            f"assert flag_enabled({flag!r}) is False",
            "AssertionError: assert True is False",
        ),
    }

    def outcome(thought: str, kinds: list[str], target: str = "", extra: str = "") -> Step:
        fails = []
        for kind in kinds:
            case, code, error = cases[kind]
            frames = [("override_flag", "previous = FLAGS[name]")] if kind == "late_restore" else []
            fails.append(Fail(f"test_{ctx.stem}_{case}", error, code, frames))
        target = target or rng.choice(["", tf])
        return test_step(
            ctx,
            rng,
            thought,
            target,
            fails,
            extra or rng.choice(["", " -q", " -p no:randomly", " -q -p no:cacheprovider"]),
        )

    def finally_default(k: int) -> list[Step]:
        return [
            Step(
                "When the body raises, the code after yield never runs and the flag stays on for every later test. Restore in a finally.",
                py_edit(
                    src,
                    "    FLAGS[name] = value\n    yield\n    FLAGS[name] = DEFAULT_FLAGS[name]",
                    "    FLAGS[name] = value\n    try:\n        yield\n    finally:\n        FLAGS[name] = DEFAULT_FLAGS[name]",
                ),
                "patched",
            ),
            outcome("Rerun the flag tests.", ["nested", rng.choice(["env", "nested"])]),
        ]

    def previous(k: int) -> list[Step]:
        return [
            Step(
                "Restoring the default is wrong for nested overrides and for flags turned on by the environment. Save the previous value and put that back.",
                f"python - <<'EOF'\nimport re\np = '{src}'\ns = open(p).read()\ns = re.sub(r'(def override_flag\\(name, value\\):\\n)    FLAGS\\[name\\] = value', r'\\1    previous = FLAGS[name]\\n    FLAGS[name] = value', s)\ns = s.replace('FLAGS[name] = DEFAULT_FLAGS[name]', 'FLAGS[name] = previous')\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            outcome("Run the tests again.", ["late_restore", rng.choice(["error_leak", "late_restore"])]),
        ]

    def patch_dict(k: int) -> list[Step]:
        return [
            Step(
                "unittest.mock.patch.dict does exactly this and restores the whole dict afterwards, even on error. Build override_flag on it.",
                py_edit(
                    src,
                    body.split("\n", 1)[1],
                    "def override_flag(name, value):\n    return mock.patch.dict(FLAGS, {name: value})\n",
                )
                + f"\nsed -i '1i from unittest import mock' {src}",
                "patched",
            ),
            outcome("Rerun.", ["late", rng.choice(["stale_dict", "late"])]),
        ]

    def contextvar(k: int) -> list[Step]:
        return [
            Step(
                "Overrides shouldn't touch the global dict at all. Keep them in a ContextVar consulted by flag_enabled; nothing to restore globally.",
                f"cat >> {src} <<'EOF'\n\n\n_overrides = contextvars.ContextVar('{ctx.stem}_flag_overrides', default=None)\n\n\n@contextlib.contextmanager\ndef override_flag(name, value):\n    token = _overrides.set({{**(_overrides.get() or {{}}), name: value}})\n    try:\n        yield\n    finally:\n        _overrides.reset(token)\nEOF\n"
                + py_edit(
                    src,
                    "    return FLAGS[name]",
                    "    overrides = _overrides.get() or {}\n    return overrides.get(name, FLAGS[name])",
                ),
                "patched",
            ),
            outcome("Run all the flag tests.", ["thread", rng.choice(["stale_dict", "thread"])]),
        ]

    def autouse_reset(k: int) -> list[Step]:
        where = tf if ctx.django else f"{ctx.tests_dir}/conftest.py"
        command = (
            py_edit(
                tf, "    def setUp(self):\n", "    def setUp(self):\n        flags.FLAGS = dict(flags.DEFAULT_FLAGS)\n"
            )
            if ctx.django
            else f"cat >> {where} <<'EOF'\n\n\n@pytest.fixture(autouse=True)\ndef _reset_flags():\n    flags.FLAGS = dict(flags.DEFAULT_FLAGS)\n    yield\nEOF"
        )
        return [
            Step(
                "Let me reset the flags before every test so nothing can leak whatever override_flag does.",
                command,
                "patched" if ctx.django else "",
            ),
            outcome("Rerun.", ["stale_dict", "env"]),
        ]

    def env_defaults(k: int) -> list[Step]:
        return [
            Step(
                f"Flags turned on through {var} are applied at import, so any reset to DEFAULT_FLAGS drops them. Fold the environment into DEFAULT_FLAGS instead.",
                py_edit(
                    src,
                    f"for name in os.environ.get({var!r}, '').split(','):\n    FLAGS[name.strip()] = True",
                    f"for name in filter(None, os.environ.get({var!r}, '').split(',')):\n    DEFAULT_FLAGS[name.strip()] = True\nFLAGS.update(DEFAULT_FLAGS)",
                ),
                "patched",
            ),
            outcome("Run the tests.", [rng.choice(["env", "leak"]), rng.choice(["late_restore", "nested"])]),
        ]

    def copy_thread(k: int) -> list[Step]:
        return [
            Step(
                "ThreadPoolExecutor workers don't inherit the context. Let me submit through contextvars.copy_context().run in the code that fans out.",
                py_edit(src, "pool.submit(func, item)", "pool.submit(contextvars.copy_context().run, func, item)"),
                "patched",
            ),
            outcome("Rerun.", [rng.choice(["thread", "stale_dict"]), rng.choice(["env", "late"])]),
        ]

    def order(k: int) -> list[Step]:
        name = f"test_{ctx.stem}_{cases['leak'][0]}"
        return [
            test_step(ctx, rng, "Does the default test pass alone?", f"{tf}::{name}", [], " -q"),
            outcome(
                "Alone it passes; in the file it fails, so something earlier leaves the flag on.",
                ["leak", rng.choice(["error_leak", "nested"])],
                target=tf,
                extra=" -p no:randomly",
            ),
        ]

    def probe(k: int) -> Step:
        return Step(
            "Let me exercise the override by hand: nested, and with an exception inside.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import FLAGS, override_flag\nwith override_flag({flag!r}, True):\n    with override_flag({flag!r}, False):\n        pass\n    print('after inner:', FLAGS[{flag!r}])\ntry:\n    with override_flag({flag!r}, True):\n        raise RuntimeError\nexcept RuntimeError:\n    pass\nprint('after error:', FLAGS[{flag!r}])\nEOF",
            f"after inner: {rng.choice(['False', 'True'])}\nafter error: {rng.choice(['True', 'False'])}",
        )

    first = [
        outcome("Let me run the feature flag tests.", ["leak", rng.choice(["error_leak", "leak"])], target=tf),
        Step(
            "Let me look at override_flag.",
            f"grep -n 'def override_flag' -B1 -A5 {src}",
            f"{rng.randint(20, 400)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        finally_default,
        previous,
        patch_dict,
        tried.mark(contextvar),
        autouse_reset,
        env_defaults,
        tried.after(contextvar, copy_thread),
        order,
        lambda k: [probe(k)],
    ]
    return churn(ctx, rng, n, first, attempts, f"isolating feature flag overrides for {flag}", "override_flag", body)
