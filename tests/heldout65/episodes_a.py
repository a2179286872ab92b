# ruff: noqa: E501
"""Productive look-alikes on precedence, octal modes and boolean spellings: the trouble met once or twice, its cause found, the tests green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.text import Ctx, Fail, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def unset_flags_suppressed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An unset flag overrides the environment; the parser's namespace printed; SUPPRESS as the parser's default; green."""
    src, tf, fn = ctx.source, ctx.test_file, ctx.loader
    flag, count, name, _ = (k.lower().replace(".", "_") for k in ctx.keys)
    env_n = rng.randint(2, 16)
    opt = f"--{flag.replace('_', '-')}"
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the option tests after my change.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_unset_flag_keeps_env",
                    "AssertionError: assert False is True",
                    f"assert cfg[{flag!r}] is True",
                )
            ]
            + (
                [
                    Fail(
                        f"test_{ctx.stem}_unset_option_keeps_env",
                        f"AssertionError: assert 1 == {env_n}",
                        f"assert cfg[{count!r}] == {env_n}",
                    )
                ]
                if rng.random() < 0.6
                else []
            ),
        ),
        Step(
            "The environment sets these, yet the result has the parser's values. Let me see what parse_args returns when nothing is passed.",
            f'python -c "from {ctx.dotted} import _parser; print(vars(_parser().parse_args([])))"',
            f"{{'{flag}': False, '{count}': 1, '{name}': None, 'config': None}}",
        ),
        Step(
            f"So every option is in the namespace even when not given (store_true gives False, {count} its default 1), and the CLI layer is applied last. The CLI layer must only hold what was actually passed: argument_default=SUPPRESS leaves absent options out, and the real defaults already live in DEFAULTS.",
            f"grep -n 'ArgumentParser(\\|default=' {src}",
            f"{rng.randint(20, 300)}:    parser = argparse.ArgumentParser(prog={ctx.run.module!r})\n{rng.randint(301, 320)}:    parser.add_argument('--{count.replace('_', '-')}', type=int, default=1)\n",
        ),
        Step(
            "Make SUPPRESS the parser's default and drop the per-option default (it duplicates DEFAULTS).",
            py_edit(
                src,
                f"argparse.ArgumentParser(prog={ctx.run.module!r})",
                f"argparse.ArgumentParser(prog={ctx.run.module!r}, argument_default=argparse.SUPPRESS)",
            )
            + "\n"
            + py_edit(
                src, f"'--{count.replace('_', '-')}', type=int, default=1)", f"'--{count.replace('_', '-')}', type=int)"
            ),
            "patched\npatched",
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
                        f"test_{ctx.stem}_defaults",
                        f"AttributeError: 'Namespace' object has no attribute {flag!r}",
                        f"cfg = {fn}([])",
                        [(fn, f"if args.{flag}:")],
                    )
                ],
            ),
            Step(
                f"One place still reads args.{flag} directly instead of the merged result. Use the merged value.",
                py_edit(src, f"if args.{flag}:", f"if merged[{flag!r}]:"),
                "patched",
            ),
        ]
    steps += [
        _green(ctx, rng, "Run the option tests.", tf),
        Step(
            f"And by hand: the environment kept when nothing is given, an explicit {opt} still winning.",
            f"{ctx.env(ctx.keys[1])}={env_n} python -c \"from {ctx.dotted} import {fn}; print({fn}([])[{count!r}], {fn}(['--{count.replace('_', '-')}', '0'])[{count!r}])\"",
            f"{env_n} 0",
        ),
    ]
    return steps


def mode_normalised_by_type(ctx: Ctx, rng: random.Random) -> list[Step]:
    """int(value, 8) refuses YAML's already-decoded 493; the parsers' outputs printed; ints kept, strings parsed as octal; green."""
    src, tf = ctx.source, ctx.test_file
    written, loaded = rng.choice([("0755", 493), ("0644", 420), ("0750", 488)])
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the config tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_mode_from_yaml",
                    "TypeError: int() can't convert non-string with explicit base",
                    f"assert {ctx.loader}(path)['file_mode'] == 0o{written[1:]}",
                    [("_parse_mode", "return int(value, 8)")],
                )
            ],
        ),
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Convert to str first.",
                py_edit(src, "    return int(value, 8)", "    return int(str(value), 8)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                f"{tf}::test_{ctx.stem}_mode_from_yaml",
                [
                    Fail(
                        f"test_{ctx.stem}_mode_from_yaml",
                        f"ValueError: invalid literal for int() with base 8: '{loaded}'",
                        f"assert {ctx.loader}(path)['file_mode'] == 0o{written[1:]}",
                        [("_parse_mode", "return int(str(value), 8)")],
                    )
                ],
            ),
        ]
    steps += [
        Step(
            "Let me see what YAML and the environment actually hand over.",
            f"python -c \"import yaml; print(yaml.safe_load('mode: {written}\\nquoted: \\\\'{written}\\\\''))\"",
            f"{{'mode': {loaded}, 'quoted': '{written}'}}",
        ),
        Step(
            f"PyYAML's YAML 1.1 rules already read an unquoted {written} as octal ({loaded} == 0o{written[1:]}); only strings (quoted values, env vars) still need parsing. So: ints as they are, strings with int(s, 8), which also accepts the 0o prefix.",
            py_edit(
                src,
                "    return int(str(value), 8)" if len(steps) > 1 else "    return int(value, 8)",
                "    if isinstance(value, int):\n        return value\n    return int(value.strip(), 8)",
            ),
            "patched",
        ),
        _green(ctx, rng, "Run the config tests.", tf),
        Step(
            "Quick check of each form.",
            f"python -c \"from {ctx.dotted} import _parse_mode as p; print(p({loaded}), p('{written}'), p('0o{written[1:]}'), p(None) is not None)\"",
            f"{loaded} {loaded} {loaded} True",
        ),
    ]
    return steps


def truthy_spellings_tabled(ctx: Ctx, rng: random.Random) -> list[Step]:
    """bool('0') is True; an explicit table of true and false spellings, others raising; maybe the invalid case caught second; green."""
    src, tf = ctx.source, ctx.test_file
    var = ctx.env(ctx.keys[0])
    falsy = rng.choice(["0", "false", "off", "no"])
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the tests for reading {var}.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_env_flag" + ("" if ctx.django else f"[{falsy}-False]"),
                    "AssertionError: assert True is False",
                    f"assert _env_flag({var!r}) is expected",
                )
            ],
        ),
        Step(
            "Let me look at the helper.",
            f"grep -n 'def _env_flag' -A5 {src}",
            f"{rng.randint(20, 400)}:def _env_flag(name, default=False):\n    value = os.environ.get(name)\n    if value is None:\n        return default\n    return bool(value)\n",
        ),
    ]
    table = "_TRUE = frozenset(('1', 'true', 'yes', 'on'))\n_FALSE = frozenset(('0', 'false', 'no', 'off', ''))\n\n\n"
    strict = "    value = value.strip().lower()\n    if value in _TRUE:\n        return True\n    if value in _FALSE:\n        return False\n    raise ValueError('%s must be one of 1/0, true/false, yes/no, on/off, not %r' % (name, value))"
    insert_table = f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\ns = s.replace('def _env_flag(', {table!r} + 'def _env_flag(', 1)\nopen(p, 'w').write(s)\nEOF"
    if rng.random() < 0.5:
        steps += [
            Step(
                f"bool() of a non-empty string is always True, so '{falsy}' reads as on. Compare against the true spellings.",
                py_edit(
                    src, "    return bool(value)", "    return value.strip().lower() in ('1', 'true', 'yes', 'on')"
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_env_flag_invalid",
                        "Failed: DID NOT RAISE <class 'ValueError'>",
                        f"with pytest.raises(ValueError, match='{var}'):",
                    )
                ],
            ),
            Step(
                "A typo like 'maybe' must be an error, not silently off. Use an explicit table of both spellings and raise for anything else.",
                py_edit(src, "    return value.strip().lower() in ('1', 'true', 'yes', 'on')", strict)
                + "\n"
                + insert_table,
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                f"bool() of a non-empty string is always True, so '{falsy}' reads as on. Use an explicit table of true and false spellings (the same as configparser's) and raise on anything else, so a typo isn't silently off.",
                py_edit(src, "    return bool(value)", strict) + "\n" + insert_table,
                "patched",
            )
        )
    steps += [
        _green(ctx, rng, "Run the flag tests.", tf),
        Step(
            "Check a few spellings by hand.",
            f"for v in 0 1 Off YES maybe; do {var}=$v python -c \"from {ctx.dotted} import _env_flag; print('$v', _env_flag('{var}'))\" 2>&1 | tail -1; done",
            f"0 False\n1 True\nOff False\nYES True\nValueError: {var} must be one of 1/0, true/false, yes/no, on/off, not 'maybe'",
        ),
    ]
    return steps
