# ruff: noqa: E501
"""Productive look-alikes on duplicate keys, import-time settings and flag overrides: met once or twice, understood, fixed, green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.text import Ctx, Fail, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def duplicate_keys_reported_with_line(ctx: Ctx, rng: random.Random) -> list[Step]:
    """YAML keeps the last duplicate silently; a loader checks the mapping's own keys after flattening merges; maybe the merge key tripped once; green."""
    src, tf, fn = ctx.source, ctx.test_file, ctx.loader
    count = ctx.keys[1].lower().replace(".", "_")
    err = "ConfigError" if not ctx.django else "ImproperlyConfigured"
    err_path = f"{ctx.dotted}.ConfigError" if not ctx.django else "django.core.exceptions.ImproperlyConfigured"
    line = rng.randint(3, 12)
    where = f"/tmp/pytest-of-root/pytest-{rng.randint(0, 9)}/test_{ctx.stem}_yaml_merge_key_ove0/config.yaml"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the config file tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_yaml_duplicate_rejected",
                    f"Failed: DID NOT RAISE <class '{err_path}'>",
                    f"with pytest.raises({err}, match='{count}'):",
                )
            ],
        ),
        Step(
            "Let me confirm what PyYAML does with a repeated key.",
            f"python -c \"import yaml; print(yaml.safe_load('{count}: 1\\n{count}: 2\\n'))\"",
            f"{{'{count}': 2}}",
        ),
    ]
    check = f"\n\nclass _UniqueKeyLoader(yaml.SafeLoader):\n    def construct_mapping(self, node, deep=False):\n        self.flatten_mapping(node)\n        seen = {{}}\n        for key_node, _ in node.value:\n            key = self.construct_object(key_node, deep=deep)\n            if key in seen:\n                mark = key_node.start_mark\n                raise {err}('duplicate key %r in %s, line %d (first on line %d)' % (key, mark.name, mark.line + 1, seen[key] + 1))\n            seen[key] = key_node.start_mark.line\n        return super().construct_mapping(node, deep=deep)\n"
    tripped = rng.random() < 0.5
    if tripped:
        steps += [
            Step(
                "It keeps the last one silently. Add a SafeLoader subclass that refuses repeated keys.",
                f"cat >> {src} <<'EOF'\n{check.replace('        self.flatten_mapping(node)' + chr(10), '')}EOF\n"
                + py_edit(src, "yaml.safe_load(fh)", "yaml.load(fh, Loader=_UniqueKeyLoader)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_yaml_merge_key_override",
                        f"{err_path}: duplicate key {rng.choice(['<<', count])!r} in {where}, line {line} (first on line {line - rng.randint(2, 3)})",
                        f"cfg = {fn}(path)",
                        [("construct_mapping", f"raise {err}(...)")],
                    )
                ],
            ),
            Step(
                "The merge key `<<: *base` is a legitimate way to repeat keys: SafeLoader's own construct_mapping flattens merges first, and an explicit key after a merge is an override, not a duplicate. Flatten before checking, so only keys written twice in the mapping itself count.",
                py_edit(
                    src,
                    "    def construct_mapping(self, node, deep=False):\n        seen = {}",
                    "    def construct_mapping(self, node, deep=False):\n        self.flatten_mapping(node)\n        seen = {}",
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "It keeps the last one silently. Add a SafeLoader subclass that refuses keys written twice in one mapping; flatten `<<` merges first, since a key after a merge is an override, not a duplicate.",
                f"cat >> {src} <<'EOF'\n{check}EOF\n"
                + py_edit(src, "yaml.safe_load(fh)", "yaml.load(fh, Loader=_UniqueKeyLoader)"),
                "patched",
            )
        )
    steps += [
        _green(ctx, rng, "Run the config tests.", tf),
        Step(
            "And the error as a user would see it.",
            f"printf '{count}: 1\\nother: x\\n{count}: 2\\n' > /tmp/dup.yaml && python -c \"from {ctx.dotted} import {fn}; {fn}('/tmp/dup.yaml')\" 2>&1 | tail -1",
            f"{err_path}: duplicate key {count!r} in /tmp/dup.yaml, line 3 (first on line 1)",
        ),
    ]
    return steps


def settings_read_through_accessor(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An env test sees the import-time value; the import-time object found; a get_settings() accessor read per call; green, the whole directory too."""
    src, tf, fn = ctx.source, ctx.test_file, ctx.loader
    conf = ctx.conf_module
    count = ctx.keys[1].lower().replace(".", "_")
    var = ctx.env(ctx.keys[1])
    default, want = rng.choice([10, 20, 30, 100]), rng.randint(2, 9)
    line = rng.randint(10, 60)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests of the new setting.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_reads_env",
                    f"AssertionError: assert {default} == {want}",
                    f"assert {fn}()[{count!r}] == {want}",
                )
            ],
        ),
        Step(
            f"The test sets {var} but gets the default. Where is it read?",
            f"grep -n '{var}\\|^settings\\|import settings' {conf} {src}",
            f"{conf}:{line}:        self.{count} = int(environ.get({var!r}, {default}))\n{conf}:{line + 4}:settings = Settings()\n{src}:{rng.randint(5, 30)}:from .conf import settings\n",
        ),
        Step(
            f"`settings = Settings()` runs when conf is imported, long before the test sets the variable, and {ctx.stem} holds that object. Reading the environment per call is cheap here, so give conf an accessor that builds it from the current environment and use it in {fn}; the module-level object stays for existing importers.",
            py_edit(
                conf,
                "\nsettings = Settings()\n",
                "\nsettings = Settings()\n\n\ndef get_settings():\n    return Settings()\n",
            )
            + f"\nsed -i 's/^from \\.conf import settings$/from .conf import get_settings/; s/\\bsettings\\.{count}\\b/get_settings().{count}/' {src}",
            "patched",
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_settings_override",
                        "NameError: name 'settings' is not defined",
                        f"assert {fn}()[{count!r}] == 3",
                        [(fn, "timeout = settings.timeout if settings else None")],
                    )
                ],
            ),
            Step(
                "One more use of the old name further down in the function.",
                f"grep -n '\\bsettings\\b' {src}",
                f"{rng.randint(60, 300)}:    timeout = settings.timeout if settings else None",
            ),
            Step(
                "Use the accessor there too.",
                py_edit(
                    src,
                    "    timeout = settings.timeout if settings else None",
                    "    current = get_settings()\n    timeout = current.timeout if current else None",
                ),
                "patched",
            ),
        ]
    steps += [
        _green(ctx, rng, "Run the tests.", tf),
        _green(
            ctx,
            rng,
            "And the whole test directory, since other modules import conf.",
            "" if ctx.django else ctx.tests_dir,
            " -q",
        ),
    ]
    return steps


def flag_override_restores_previous(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A flag left on by an earlier test; alone it passes; override_flag read; previous value restored in a finally, absent flags removed; green."""
    src, tf = ctx.source, ctx.test_file
    flag = rng.choice([f"new_{ctx.stem}", f"{ctx.stem}_v2", f"strict_{ctx.stem}"])
    name = f"test_{ctx.stem}_flag_off_by_default"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the feature flag tests.",
            tf,
            [Fail(name, "AssertionError: assert True is False", f"assert flag_enabled({flag!r}) is False")],
        ),
        test_step(ctx, rng, "Does it fail on its own?", f"{tf}::{name}", [], " -q"),
        Step(
            "Alone it passes, so an earlier test leaves the flag on. Let me read override_flag.",
            f"grep -n 'def override_flag' -B1 -A5 {src}",
            f"{rng.randint(20, 400)}:@contextlib.contextmanager\ndef override_flag(name, value):\n    FLAGS[name] = value\n    yield\n    FLAGS[name] = DEFAULT_FLAGS[name]\n",
        ),
        Step(
            "Two problems: the restore after `yield` is skipped when the body raises (test_override_restored_on_error raises inside it), and it restores the default rather than the value before the override, which is wrong when nested or when the environment turned the flag on. Save what was there (or that nothing was) and put it back in a finally.",
            py_edit(
                src,
                "    FLAGS[name] = value\n    yield\n    FLAGS[name] = DEFAULT_FLAGS[name]",
                "    missing = name not in FLAGS\n    previous = FLAGS.get(name)\n    FLAGS[name] = value\n    try:\n        yield\n    finally:\n        if missing:\n            FLAGS.pop(name, None)\n        else:\n            FLAGS[name] = previous",
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the flag tests in order.", tf, " -p no:randomly"),
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                "And nested plus an exception by hand.",
                f"python - <<'EOF'\nfrom {ctx.dotted} import FLAGS, override_flag\nbefore = FLAGS[{flag!r}]\nwith override_flag({flag!r}, True):\n    with override_flag({flag!r}, False):\n        pass\n    print('inner restored:', FLAGS[{flag!r}])\ntry:\n    with override_flag({flag!r}, True):\n        raise RuntimeError\nexcept RuntimeError:\n    pass\nprint('unchanged after error:', FLAGS[{flag!r}] == before)\nEOF",
                "inner restored: True\nunchanged after error: True",
            )
        )
    return steps
