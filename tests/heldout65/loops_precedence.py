# ruff: noqa: E501
"""Loop family on precedence: defaults, a config file, the environment and command-line flags merged in one order."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.churning import Tried, churn
from heldout65.text import Attempt, Ctx, Fail, py_edit, test_step


def _dest(key: str) -> str:
    return key.lower().replace(".", "_")


def flag_env_file_precedence_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """CLI > env > file > defaults, with argparse's own defaults clobbering the environment; each reordering breaks another source."""
    flag, count, name, _ = (_dest(k) for k in ctx.keys)
    src, tf, fn = ctx.source, ctx.test_file, ctx.loader
    body = f"def {fn}(argv=None, environ=None, path=None):\n    args = _parser().parse_args(argv)\n    merged = dict(DEFAULTS)\n    merged.update(_read_file(path))\n    merged.update(_from_env(environ))\n    merged.update(vars(args))\n    return merged\n"
    env_n, cli_n, file_n = rng.sample(range(2, 17), 3)
    cases = {
        "flag_default": (
            "unset_flag_keeps_env",
            f"assert cfg[{flag!r}] is True",
            "AssertionError: assert False is True",
        ),
        "count_default": (
            "unset_option_keeps_env",
            f"assert cfg[{count!r}] == {env_n}",
            f"AssertionError: assert {rng.choice([0, 1, 4])} == {env_n}",
        ),
        "env_beats_cli": (
            "cli_overrides_env",
            f"assert cfg[{count!r}] == {cli_n}",
            f"AssertionError: assert {env_n} == {cli_n}",
        ),
        "file_beats_env": (
            "env_overrides_file",
            f"assert cfg[{name!r}] == 'from-env'",
            "AssertionError: assert 'from-file' == 'from-env'",
        ),
        "zero": ("explicit_zero_option", f"assert cfg[{count!r}] == 0", f"AssertionError: assert {env_n} == 0"),
        "false": ("explicit_no_flag", f"assert cfg[{flag!r}] is False", "AssertionError: assert True is False"),
        "none": (
            "file_overrides_default",
            f"assert cfg[{name!r}] == 'from-file'",
            "AssertionError: assert None == 'from-file'",
        ),
        "str": (
            "env_overrides_file",
            f"assert cfg[{count!r}] == {env_n}",
            f"AssertionError: assert '{env_n}' == {env_n}",
        ),
        "same_as_default": (
            "explicit_default_value",
            f"assert cfg[{count!r}] == 1",
            f"AssertionError: assert {file_n} == 1",
        ),
        "attr": ("defaults", f"cfg = {fn}([])", f"AttributeError: 'Namespace' object has no attribute {flag!r}"),
    }

    tried = Tried()

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = []
        for kind in kinds:
            case, code, error = cases[kind]
            frames = [(fn, f"if args.{flag}:")] if kind == "attr" else []
            fails.append(Fail(f"test_{ctx.stem}_{case}", error, code, frames))
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}"])
        return test_step(ctx, rng, thought, target, fails, rng.choice(["", " -x", " -q", " -q -p no:randomly"]))

    def reorder(k: int) -> list[Step]:
        return [
            Step(
                "The parsed args are applied last, so an option nobody passed still overwrites the environment with argparse's default. Let me apply the CLI before the environment instead.",
                py_edit(
                    src,
                    "    merged.update(_from_env(environ))\n    merged.update(vars(args))",
                    "    merged.update(vars(args))\n    merged.update(_from_env(environ))",
                ),
                "patched",
            ),
            outcome(
                "Rerun the precedence tests.",
                ["env_beats_cli", *rng.sample(["file_beats_env", "zero"], rng.randint(0, 1))],
            ),
        ]

    def drop_none(k: int) -> list[Step]:
        return [
            Step(
                "Putting the CLI back last, but only the options that were actually given: drop the ones that are None.",
                py_edit(
                    src,
                    "    merged.update(vars(args))",
                    "    merged.update({k: v for k, v in vars(args).items() if v is not None})",
                ),
                "patched",
            ),
            outcome("Run the tests again.", ["flag_default", *rng.sample(["count_default", "str"], rng.randint(0, 1))]),
        ]

    def drop_falsy(k: int) -> list[Step]:
        return [
            Step(
                "store_true gives False, not None, when the flag is absent. Let me skip falsy values from the command line.",
                py_edit(src, "if v is not None}", "if v}"),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["zero", "false", "count_default"], 2)),
        ]

    def parser_defaults(k: int) -> list[Step]:
        return [
            Step(
                "Only take a CLI value when it differs from the parser's default, so defaults never mask the environment but an explicit 0 or --no-flag still counts.",
                f"python - <<'EOF'\np = '{src}'\ns = open(p).read()\nimport re\ns = re.sub(r'    merged\\.update\\(\\{{k: v for k, v in vars\\(args\\)\\.items\\(\\) if .*\\}}\\)', '    parser = _parser()\\n    merged.update({{k: v for k, v in vars(args).items() if v != parser.get_default(k)}})', s)\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            outcome(
                "Run the precedence tests.",
                ["same_as_default", *rng.sample(["false", "file_beats_env"], rng.randint(0, 1))],
            ),
        ]

    def chainmap(k: int) -> list[Step]:
        return [
            Step(
                "Let me write the lookup order down explicitly with a ChainMap, first source wins: cli, env, file, defaults.",
                py_edit(
                    src,
                    "    merged = dict(DEFAULTS)\n    merged.update(_read_file(path))\n    merged.update(_from_env(environ))\n    merged.update(vars(args))\n    return merged",
                    "    return dict(ChainMap(vars(args), _from_env(environ), _read_file(path), DEFAULTS))",
                )
                + f"\nsed -i '1i from collections import ChainMap' {src}",
                "patched",
            ),
            outcome("Rerun.", rng.sample(["none", "flag_default", "str"], 2)),
        ]

    def suppress(k: int) -> list[Step]:
        return [
            Step(
                f"With default=argparse.SUPPRESS an option that wasn't given is simply missing from the namespace. Let me do that for --{flag.replace('_', '-')}.",
                py_edit(
                    src,
                    f"'--{flag.replace('_', '-')}', action='store_true'",
                    f"'--{flag.replace('_', '-')}', action='store_true', default=argparse.SUPPRESS",
                ),
                "patched",
            ),
            outcome("Run the tests.", ["attr", rng.choice(["count_default", "zero"])]),
        ]

    def set_defaults(k: int) -> list[Step]:
        return [
            Step(
                "Another way: feed the environment into the parser as its defaults, so whatever is given on the command line overrides it and nothing else does.",
                py_edit(
                    src,
                    "    args = _parser().parse_args(argv)",
                    "    parser = _parser()\n    parser.set_defaults(**_from_env(environ))\n    args = parser.parse_args(argv)",
                ),
                "patched",
            ),
            outcome("Rerun the precedence tests.", ["str", rng.choice(["file_beats_env", "none"])]),
        ]

    def revert(k: int) -> list[Step]:
        if k < 3:  # nothing to lose track of yet
            return chainmap(k)
        tried.names.clear()
        return [
            Step(
                "I've changed this so many ways that I'm not sure what state it's in. Let me restore the function and start from the original order.",
                f"git checkout {src} && git diff --stat",
                "Updated 1 path from the index",
            ),
            outcome("Baseline run.", ["flag_default", "count_default"]),
        ]

    def probe(k: int) -> Step:
        given = rng.choice(["[]", f"['--{count.replace('_', '-')}', '0']", f"['--no-{flag.replace('_', '-')}']"])
        return Step(
            "Let me see what the parser produces when nothing, 0 or --no-flag is given.",
            f'{ctx.env(count)}={env_n} python -c "from {ctx.dotted} import _parser; print(vars(_parser().parse_args({given})))"',
            rng.choice(
                [
                    f"{{'{flag}': False, '{count}': {rng.choice([None, 1])}, '{name}': None, 'config': None}}",
                    f"{{'{flag}': True, '{count}': 0, '{name}': None, 'config': None}}",
                    f"usage: -c [-h] [--{flag.replace('_', '-')}] [--{count.replace('_', '-')} N] [--{name.replace('_', '-')} VALUE] [--config PATH]\n-c: error: unrecognized arguments: --no-{flag.replace('_', '-')}",
                ]
            ),
            rc=rng.choice([0, 0, 2]),
        )

    first = [
        outcome(
            "Let me run the tests for option handling.",
            ["flag_default", *rng.sample(["count_default", "zero"], rng.randint(0, 1))],
        ),
        Step(
            "Let me look at how the sources are merged.",
            f"grep -n 'def {fn}' -A8 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [
        reorder,
        tried.mark(drop_none),
        tried.after(drop_none, drop_falsy),
        tried.after(drop_none, parser_defaults),
        chainmap,
        suppress,
        set_defaults,
        revert,
        lambda k: [probe(k)],
    ]
    return churn(ctx, rng, n, first, attempts, "the precedence between flags, environment and config file", fn, body)
