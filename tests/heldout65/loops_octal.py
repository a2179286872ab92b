# ruff: noqa: E501
"""Loop family on parsing: a file mode written in octal, which YAML 1.1, TOML, the environment and the code each read differently."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.churning import Tried, churn
from heldout65.text import Attempt, Ctx, Fail, py_edit, test_step

# A YAML value as written, what PyYAML's safe_load makes of it, and the mode the test expects.
_YAML = [("0755", 493, 493), ("0644", 420, 420), ("0750", 488, 488), ("0600", 384, 384), ("0640", 416, 416)]
_BARE = [("644", 644, 420), ("755", 755, 493), ("600", 600, 384)]


def octal_mode_coercion_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`mode: 0755` arrives as 493, `mode: 644` as 644, `0o750` as a string, TOML's `0o644` as 420: no one coercion fits all."""
    src, tf, fn = ctx.source, ctx.test_file, ctx.loader
    var = ctx.env("file_mode")
    yml, toml = ctx.data("yaml"), ctx.data("toml")
    body = "def _parse_mode(value):\n    if value is None:\n        return DEFAULT_MODE\n    return int(value, 8)\n"
    count = ctx.keys[1].lower().replace(".", "_")

    def case(name: str) -> str:
        return f"test_{ctx.stem}_{name}"

    # What this session's fixtures hold: the YAML mode, a mode written without its zero, TOML's mode, the count.
    written, loaded, want = rng.choice(_YAML)
    bare, bare_loaded, bare_want = rng.choice(_BARE)
    toml_mode = rng.choice([420, 416, 256])
    number = rng.randint(2, 16)
    quoted: list[bool] = [False]
    tried = Tried()

    def yaml_fail(kind: str) -> Fail:
        code = f"assert {fn}(path)['file_mode'] == 0o{oct(want)[2:]}"
        if kind == "type":
            return Fail(
                case("mode_from_yaml"),
                "TypeError: int() can't convert non-string with explicit base",
                code,
                [("_parse_mode", "return int(value, 8)")],
            )
        if kind == "str_int":
            return Fail(
                case("mode_from_yaml"),
                f"ValueError: invalid literal for int() with base 8: '{loaded}'",
                code,
                [("_parse_mode", "return int(str(value), 8)")],
            )
        if kind == "bare":
            return Fail(
                case("mode_without_leading_zero"),
                f"AssertionError: assert {bare_loaded} == {bare_want}",
                f"assert {fn}(path)['file_mode'] == 0o{bare}",
            )
        if kind == "reinterpreted":
            return Fail(
                case("mode_from_toml"),
                f"AssertionError: assert {int(str(toml_mode), 8)} == {toml_mode}",
                f"assert {fn}(path)['file_mode'] == 0o{oct(toml_mode)[2:]}",
            )
        if kind == "strings":
            return Fail(
                case(f"{count}_from_yaml"),
                f"AssertionError: assert '{number}' == {number}",
                f"assert {fn}(path)[{count!r}] == {number}",
            )
        if kind == "bool_strings":
            return Fail(
                case("flags_from_yaml"),
                "AssertionError: assert 'true' is True",
                f"assert {fn}(path)['{ctx.keys[0].lower().replace('.', '_')}'] is True",
            )
        if kind == "zero_o":
            return Fail(
                case("mode_zero_o_prefix"),
                "ValueError: invalid literal for int() with base 10: '0o750'",
                f"assert {fn}(path)['file_mode'] == 0o750",
                [("_parse_mode", "return int(value)")],
            )
        if kind == "env":
            return Fail(
                case("mode_from_env"),
                "AssertionError: assert 640 == 416",
                f"assert {fn}(environ={{{var!r}: '0640'}})['file_mode'] == 0o640",
            )
        return Fail(case("mode_from_yaml"), f"AssertionError: assert {written!r} == {want}", code)

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = [yaml_fail(k) for k in kinds]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -q", " -x", " -q -x"]),
        )

    def via_str(k: int) -> list[Step]:
        return [
            Step(
                "safe_load already turned 0755 into an int, so int(value, 8) refuses it. Convert to str first.",
                py_edit(src, "    return int(value, 8)", "    return int(str(value), 8)"),
                "patched",
            ),
            outcome("Rerun the mode tests.", ["str_int", *rng.sample(["reinterpreted", "env"], rng.randint(0, 1))]),
        ]

    def passthrough(k: int) -> list[Step]:
        return [
            Step(
                "If YAML already produced an int, it has already read the octal; pass ints through and only parse strings.",
                f"python - <<'EOF'\nimport re\np = '{src}'\ns = open(p).read()\ns = re.sub(r'    return int\\((?:str\\()?value\\)?(?:, 8)?\\)\\n', '    if isinstance(value, int):\\n        return value\\n    return int(value, 8)\\n', s, count=1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            outcome("Run the tests.", ["bare", *rng.sample(["env", "zero_o"], rng.randint(0, 1))]),
        ]

    def base_loader(k: int) -> list[Step]:
        return [
            Step(
                "Let me stop YAML from guessing types at all: BaseLoader leaves every scalar a string, and I parse the mode myself.",
                py_edit(src, "yaml.safe_load(fh)", "yaml.load(fh, Loader=yaml.BaseLoader)"),
                "patched",
            ),
            outcome("Rerun.", ["strings", rng.choice(["bool_strings", "strings"])]),
        ]

    def resolver(k: int) -> list[Step]:
        return [
            Step(
                "Keep SafeLoader but drop its int resolver for scalars starting with 0, so octal-looking values stay strings.",
                f"cat >> {src} <<'EOF'\n\n\nclass _ModeLoader(yaml.SafeLoader):\n    pass\n\n\n_ModeLoader.yaml_implicit_resolvers = {{\n    key: [(tag, regexp) for tag, regexp in resolvers if tag != 'tag:yaml.org,2002:int']\n    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()\n}}\nEOF\n"
                + py_edit(src, "yaml.safe_load(fh)", "yaml.load(fh, Loader=_ModeLoader)"),
                "patched",
            ),
            outcome("Run the tests again.", ["strings", *rng.sample(["bare", "reinterpreted"], 1)]),
        ]

    def heuristic(k: int) -> list[Step]:
        return [
            Step(
                "An int whose decimal digits are all below 8 was probably written without the leading zero (644); reinterpret it as octal. 493 has a 9 so it stays.",
                py_edit(
                    src,
                    "    if isinstance(value, int):\n        return value",
                    "    if isinstance(value, int):\n        digits = str(value)\n        return int(digits, 8) if set(digits) <= set('01234567') else value",
                ),
                "patched",
            ),
            outcome("Rerun.", ["reinterpreted", *rng.sample(["env", "bare"], rng.randint(0, 1))]),
        ]

    def ruamel(k: int) -> list[Step]:
        return [
            Step(
                "YAML 1.2 dropped the bare-leading-zero octal. ruamel.yaml implements 1.2; let me see if it's available.",
                "pip install ruamel.yaml 2>&1 | tail -3",
                "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(\"<pip._vendor.urllib3.connection.HTTPSConnection object at 0x7f"
                + f"{rng.randrange(16**10):010x}>: Failed to establish a new connection: [Errno -3] Temporary failure in name resolution\")': /simple/ruamel-yaml/\nERROR: Could not find a version that satisfies the requirement ruamel.yaml (from versions: none)\nERROR: No matching distribution found for ruamel.yaml",
                rc=1,
                seconds=rng.uniform(8, 30),
            ),
        ]

    def quote_fixture(k: int) -> list[Step]:
        quoted[0] = True
        return [
            Step(
                "Maybe the test data should quote the mode, as the docs tell users to. Quote it in the YAML fixture.",
                f"sed -i -E \"s/^(\\s*file_mode:) *([0-7]+)$/\\1 '\\2'/\" {yml} && grep -n file_mode {yml}",
                f"{rng.randint(2, 9)}:file_mode: '{written}'",
            ),
            outcome("Rerun the mode tests.", rng.sample(["bare", "reinterpreted", "type", "zero_o"], 2)),
        ]

    def int_auto(k: int) -> list[Step]:
        return [
            Step(
                "int(value, 0) understands '0o750', but not '0755'. Strip the leading zero ambiguity: try base 0 first, fall back to base 8.",
                py_edit(
                    src,
                    "    return int(value, 8)",
                    "    try:\n        return int(value, 0)\n    except ValueError:\n        return int(value, 8)",
                ),
                "patched",
            ),
            outcome("Run the tests.", [rng.choice(["type", "env"]), rng.choice(["bare", "reinterpreted"])]),
        ]

    def probe(k: int) -> Step:
        has_toml = int(ctx.python.split(".")[1]) >= 11
        return Step(
            "Let me see exactly what each parser hands me for the mode.",
            f"python - <<'EOF'\nimport yaml, tomllib\nprint(yaml.safe_load('a: {written}\\nb: 644\\nc: 0o750\\nd: \"0640\"'))\nprint(tomllib.loads('a = 0o{written[1:]}\\nb = \"0640\"'))\nEOF"
            if has_toml
            else f'python -c "import yaml; print(yaml.safe_load(\'a: {written}\\nb: 644\\nc: 0o750\\nd: \\"0640\\"\'))"',
            f"{{'a': {loaded}, 'b': 644, 'c': '0o750', 'd': '0640'}}"
            + (f"\n{{'a': {loaded}, 'b': '0640'}}" if has_toml else ""),
        )

    def cat_fixture(k: int) -> Step:
        shown = f"'{written}'" if quoted[0] else written
        return Step(
            "Let me look at the fixtures again.",
            f"cat {yml}; echo ---; cat {toml}",
            f"file_mode: {shown}\numask: 022\n{count}: {number}\n---\nfile_mode = 0o{oct(toml_mode)[2:]}\n{count} = {number}\n",
        )

    first = [
        outcome(
            "Let me run the tests for the config loading.", ["type", *rng.sample(["zero_o", "env"], rng.randint(0, 1))]
        ),
        Step("Let me look at _parse_mode.", f"grep -n 'def _parse_mode' -A5 {src}", f"{rng.randint(20, 400)}:" + body),
    ]
    attempts: list[Attempt] = [
        via_str,
        tried.mark(passthrough),
        base_loader,
        resolver,
        tried.after(passthrough, heuristic),
        ruamel,
        quote_fixture,
        int_auto,
        lambda k: [probe(k)],
        lambda k: [cat_fixture(k)],
    ]
    return churn(
        ctx, rng, n, first, attempts, "the file mode parsing across YAML, TOML and the environment", "_parse_mode", body
    )
