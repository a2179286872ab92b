# ruff: noqa: E501
"""Loop family on booleans: an environment flag read as a string, coerced a different way by every attempt."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.churning import churn
from heldout65.text import Attempt, Ctx, Fail, py_edit, test_step

_FALSE = ("0", "false", "no", "off", "False", "")
_TRUE = ("1", "true", "yes", "on", "YES", "On")


def env_flag_truthiness_flipflop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """`bool(os.environ[...])` is True for "0"; each coercion fixes some spellings and breaks others, or the file's booleans."""
    src, tf = ctx.source, ctx.test_file
    flag = ctx.keys[0]
    var = ctx.env(flag)
    fn = "_env_flag"
    body = f"def {fn}(name, default=False):\n    value = os.environ.get(name)\n    if value is None:\n        return default\n    return bool(value)\n"
    code = f"assert {fn}({var!r}) is expected"

    def param(values: tuple[str, ...], want: bool) -> tuple[str, str]:
        v = rng.choice(values)
        if ctx.django:  # a subTest in a TestCase: the failure names the method
            return f"test_{ctx.stem}_env_flag_{'true' if want else 'false'}", v
        return f"test_{ctx.stem}_env_flag[{v}-{want}]", v

    def wrong(values: tuple[str, ...], want: bool, got: object) -> Fail:
        name, _ = param(values, want)
        return Fail(name, f"AssertionError: assert {got!r} is {want}", code, [])

    def raised(values: tuple[str, ...], want: bool, error: str, line: str) -> Fail:
        name, _ = param(values, want)
        return Fail(name, error, code, [(fn, line)])

    invalid = f"test_{ctx.stem}_env_flag_invalid"
    file_case = f"test_{ctx.stem}_flag_from_file"

    def outcome(thought: str, fails: list[Fail]) -> Step:
        target = rng.choice(["", tf, f"{tf} -k env_flag", f"{tf} -k 'flag'"])
        extra = rng.choice(["", " -q", " -x", " -q --tb=short"]) if " -k " not in target else ""
        if " -k " in target and ctx.django:
            target = ""
        return test_step(ctx, rng, thought, target, fails, extra)

    def equals_one(k: int) -> list[Step]:
        return [
            Step(
                "bool() of any non-empty string is True, so '0' and 'false' come out True. Let me treat only '1' as true.",
                py_edit(src, "    return bool(value)", "    return value == '1'"),
                "patched",
            ),
            outcome("Rerun the flag tests.", [wrong(_TRUE[1:], True, False), wrong(_TRUE[2:], True, False)]),
        ]

    def truthy_set(k: int) -> list[Step]:
        words = rng.choice(["('1', 'true', 'yes', 'on')", "{'1', 'true', 'yes', 'on', 'y'}"])
        return [
            Step(
                "Accept the usual spellings case-insensitively; anything else is false.",
                f"python - <<'EOF'\nimport re\np = '{src}'\ns = open(p).read()\ns = re.sub(r'    return (?:bool\\(value\\)|value == .1.|.*strtobool.*|json\\.loads.*|ast\\.literal_eval.*)\\n', \"    return value.strip().lower() in {words}\\n\", s, count=1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF",
                "patched",
            ),
            outcome(
                "Run the tests.",
                [
                    Fail(
                        invalid,
                        "Failed: DID NOT RAISE <class 'ValueError'>",
                        f"with pytest.raises(ValueError, match='{var}'):",
                    )
                ],
            ),
        ]

    def strtobool(k: int) -> list[Step]:
        fails = [wrong(("1", "true", "yes"), True, 1), wrong(("0", "false", "off"), False, 0)]
        if rng.random() < 0.5:
            fails.append(raised(("",), False, "ValueError: invalid truth value ''", "return strtobool(value)"))
        if rng.random() < 0.4:
            fails = [
                Fail(
                    f"test_{ctx.stem}_env_flag[1-True]",
                    "DeprecationWarning: The distutils package is deprecated and slated for removal in Python 3.12. Use setuptools or check PEP 632 for potential alternatives",
                    code,
                    [("<module>", "from distutils.util import strtobool")],
                )
            ]
        return [
            Step(
                "The standard library already has this: distutils.util.strtobool raises ValueError on anything it doesn't know.",
                py_edit(
                    src,
                    "    return bool(value)",
                    "    from distutils.util import strtobool\n\n    return strtobool(value)",
                ),
                "patched",
            ),
            outcome("Rerun.", fails),
        ]

    def json_loads(k: int) -> list[Step]:
        return [
            Step(
                "Let me parse the value as JSON after lowercasing it: 'true'/'false' become booleans, numbers become numbers.",
                py_edit(src, "    return bool(value)", "    return json.loads(value.lower())")
                + f"\nsed -i '1i import json' {src}",
                "patched",
            ),
            outcome(
                "Run the flag tests.",
                [
                    raised(
                        ("yes", "on", "no", "off"),
                        rng.choice([True, False]),
                        "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
                        "return json.loads(value.lower())",
                    ),
                    wrong(("0",), False, 0),
                ],
            ),
        ]

    def states_table(k: int) -> list[Step]:
        return [
            Step(
                "configparser's BOOLEAN_STATES is exactly the table the file uses. Use it for the environment too, so both sources agree.",
                py_edit(
                    src, "    return bool(value)", "    return configparser.ConfigParser.BOOLEAN_STATES[value.lower()]"
                ),
                "patched",
            ),
            outcome(
                "Rerun.",
                [
                    raised(
                        ("",), False, "KeyError: ''", "return configparser.ConfigParser.BOOLEAN_STATES[value.lower()]"
                    ),
                    Fail(
                        invalid,
                        "KeyError: 'maybe'",
                        f"with pytest.raises(ValueError, match='{var}'):",
                        [(fn, "return configparser.ConfigParser.BOOLEAN_STATES[value.lower()]")],
                    ),
                ],
            ),
        ]

    def share_with_file(k: int) -> list[Step]:
        return [
            Step(
                "The file reader uses getboolean while the env reader has its own rules. Let me pull the env coercion out into _to_bool and route the file value through it too, so they can't disagree.",
                py_edit(
                    src,
                    f"def {fn}(name, default=False):",
                    f"def _to_bool(value):\n    value = value.strip().lower()\n    return value in ('1', 'true', 'yes', 'on')\n\n\ndef {fn}(name, default=False):",
                )
                + "\n"
                + py_edit(
                    src,
                    f"cp.getboolean(section, {flag!r}, fallback=default)",
                    f"_to_bool(cp.get(section, {flag!r}, fallback=default))",
                ),
                "patched\npatched",
            ),
            outcome(
                "Run the file and env tests together.",
                [
                    Fail(
                        file_case,
                        "AttributeError: 'bool' object has no attribute 'lower'",
                        f"assert {ctx.loader}(path)[{flag!r}] is False",
                        [("_to_bool", "value = value.strip().lower()")],
                    ),
                    wrong(("",), False, True),
                ],
            ),
        ]

    def literal_eval(k: int) -> list[Step]:
        return [
            Step(
                "ast.literal_eval on the capitalised value turns 'true' into True and '0' into 0.",
                py_edit(src, "    return bool(value)", "    return bool(ast.literal_eval(value.strip().capitalize()))")
                + f"\nsed -i '1i import ast' {src}",
                "patched",
            ),
            outcome(
                "Rerun the flag tests.",
                [
                    raised(
                        ("yes", "no", "on"),
                        rng.choice([True, False]),
                        f"ValueError: malformed node or string on line 1: <ast.Name object at 0x7f{rng.randrange(16**10):010x}>",
                        "return bool(ast.literal_eval(value.strip().capitalize()))",
                    ),
                    raised(
                        ("",),
                        False,
                        "SyntaxError: invalid syntax",
                        "return bool(ast.literal_eval(value.strip().capitalize()))",
                    ),
                ],
            ),
        ]

    def empty_unset(k: int) -> list[Step]:
        return [
            Step(
                "An empty variable should count as unset and fall back to the default, not be an error.",
                py_edit(
                    src, "    if value is None:\n        return default", "    if not value:\n        return default"
                ),
                "patched",
            ),
            outcome(
                "Rerun.",
                [
                    Fail(
                        f"test_{ctx.stem}_env_flag_empty_overrides_true_default",
                        "AssertionError: assert True is False",
                        f"assert {fn}({var!r}, default=True) is False",
                    )
                ],
            ),
        ]

    def probe(k: int) -> Step:
        values = rng.sample([*_FALSE[:5], *_TRUE[:5], "maybe"], 5)
        shown = "\n".join(f"{v!r} -> {rng.choice(['True', 'False', 'ValueError', 'True', 'False'])}" for v in values)
        return Step(
            "Let me print what the current helper returns for the spellings in the tests.",
            f"python - <<'EOF'\nimport os\nfrom {ctx.dotted} import {fn}\nfor v in {values!r}:\n    os.environ[{var!r}] = v\n    try:\n        print(repr(v), '->', {fn}({var!r}))\n    except Exception as e:\n        print(repr(v), '->', type(e).__name__)\nEOF",
            shown,
        )

    first = [
        outcome(
            "Let me run the tests of the environment flag.",
            [wrong(_FALSE[:5], False, True), wrong(_FALSE[:5], False, True)],
        ),
        Step(f"Let me look at {fn}.", f"grep -n 'def {fn}' -A6 {src}", f"{rng.randint(20, 400)}:" + body),
    ]
    attempts: list[Attempt] = [
        equals_one,
        truthy_set,
        strtobool,
        json_loads,
        states_table,
        share_with_file,
        literal_eval,
        empty_unset,
        lambda k: [probe(k)],
    ]
    return churn(ctx, rng, n, first, attempts, f"parsing {var} as a boolean", fn, body)
