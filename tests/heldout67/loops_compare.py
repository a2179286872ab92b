# ruff: noqa: E501
"""Loop family on constant-time comparison: every way of feeding compare_digest trips on another type."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout67.steps import Code, churn
from heldout67.text import Attempt, Ctx, Fail, Suite

_CMP_CASES = (
    "test_equal_tokens_match",
    "test_bytes_and_str_match",
    "test_none_never_matches",
    "test_non_ascii_token_rejected",
    "test_empty_token_rejected",
    "test_uses_compare_digest",
    "test_int_token_rejected",
)


def compare_digest_type_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Every way of feeding compare_digest trips on another type: str and bytes, None, non-ASCII, ints, or the mock."""
    area = ctx.area("compare")
    fn = ctx.pick(rng, ["tokens_match", "safe_compare", "check_STEM_token", "secure_equals"], area)
    template = f"def {fn}(expected, provided):\n    <<guard>>\n    return <<call>>(<<left>>, <<right>>)\n"
    code = Code(
        area.src,
        template,
        {
            "guard": [
                ("# compared in constant time", "", ["none"]),
                (
                    "if not provided:\n        return False",
                    "Return False straight away for a missing or empty token.",
                    ["int", "-none", "-none_attr"],
                ),
                (
                    "if provided is None:\n        return False",
                    "Only short-circuit None; an empty string is still compared.",
                    ["empty", "-none", "-none_attr"],
                ),
                (
                    "if not isinstance(provided, (str, bytes)):\n        return False",
                    "Reject anything that is not str or bytes before comparing.",
                    ["empty", "-none", "-none_attr", "-int"],
                ),
                (
                    "if type(expected) is not type(provided):\n        return str(expected) == str(provided)",
                    "When the types differ, fall back to comparing their str forms.",
                    ["timing", "repr", "-types", "-bytes_attr", "-int", "-none_attr"],
                ),
            ],
            "call": [
                ("hmac.compare_digest", "", []),
                ("secrets.compare_digest", "Use secrets.compare_digest, the documented alias.", ["timing"]),
            ],
            "left": [
                ("expected", "", ["types"]),
                ("expected.encode()", "Encode the expected token to bytes.", ["bytes_attr"]),
                ("str(expected).encode('utf-8')", "Turn whatever expected is into str and then UTF-8 bytes.", ["repr"]),
                (
                    "expected if isinstance(expected, bytes) else expected.encode('utf-8')",
                    "Encode expected only when it is not bytes already.",
                    [],
                ),
            ],
            "right": [
                ("provided", "", ["types", "nonascii"]),
                ("provided.encode()", "Encode the provided token to bytes too.", ["bytes_attr", "none_attr"]),
                (
                    "provided.encode('ascii')",
                    "Encode the provided token as ASCII, tokens are ASCII anyway.",
                    ["unicode"],
                ),
                (
                    "str(provided).encode('utf-8')",
                    "str() the provided value before encoding so None and ints don't raise.",
                    ["repr"],
                ),
                (
                    "provided if isinstance(provided, bytes) else provided.encode('utf-8')",
                    "Encode provided only when it is str.",
                    ["none_attr", "int"],
                ),
            ],
        },
    )
    suite = Suite(ctx, rng, area, _CMP_CASES)

    def fail(kind: str) -> Fail:
        at = [(fn, code.line(code.slots["call"] + "("))]
        table = {
            "types": (
                _CMP_CASES[1],
                "TypeError: unsupported operand types(s) or combination of types: "
                + rng.choice(["'bytes' and 'str'", "'str' and 'bytes'"]),
                f"assert {fn}(b'abc123', 'abc123') is True",
                at,
            ),
            "nonascii": (
                _CMP_CASES[3],
                "TypeError: comparing strings with non-ASCII characters is not supported",
                f"assert {fn}('tøken', 'token') is False",
                at,
            ),
            "none": (
                _CMP_CASES[2],
                f"TypeError: unsupported operand types(s) or combination of types: '{rng.choice(['str', 'bytes'])}' and 'NoneType'",
                f"assert {fn}(token, None) is False",
                at,
            ),
            "none_attr": (
                _CMP_CASES[2],
                "AttributeError: 'NoneType' object has no attribute 'encode'",
                f"assert {fn}(token, None) is False",
                at,
            ),
            "bytes_attr": (
                _CMP_CASES[1],
                "AttributeError: 'bytes' object has no attribute 'encode'",
                f"assert {fn}(b'abc123', 'abc123') is True",
                at,
            ),
            "unicode": (
                _CMP_CASES[3],
                "UnicodeEncodeError: 'ascii' codec can't encode character '\\xf8' in position 1: ordinal not in range(128)",
                f"assert {fn}('token', 'tøken') is False",
                at,
            ),
            "repr": (
                _CMP_CASES[1],
                "AssertionError: assert False is True",
                f"assert {fn}(b'abc123', 'abc123') is True",
                (),
            ),
            "empty": (_CMP_CASES[4], "AssertionError: assert True is False", f"assert {fn}('', '') is False", ()),
            "timing": (
                _CMP_CASES[5],
                "AssertionError: Expected 'compare_digest' to have been called once. Called 0 times.",
                "mocked.assert_called_once()",
                (),
            ),
            "int": (
                _CMP_CASES[6],
                rng.choice(
                    [
                        "AttributeError: 'int' object has no attribute 'encode'",
                        "TypeError: unsupported operand types(s) or combination of types: 'int' and 'str'",
                    ]
                ),
                f"assert {fn}('123', 123) is False",
                at,
            ),
        }
        case, error, line, frames = table[kind]
        return suite.fail(case, error, line, frames)

    def run(thought: str, mode: str = "") -> Step:
        return suite.run(thought, [fail(k) for k in code.failing(rng)], mode)

    def edit(slot: str) -> Attempt:
        def attempt(k: int) -> list[Step]:
            command, thought = code.change(rng, slot)
            return [
                Step(thought, command, "patched"),
                run(
                    rng.choice(
                        ["Rerun the comparison tests.", "Run the tests again.", "Let me see which cases fail now."]
                    )
                ),
            ]

        return attempt

    def probe(k: int) -> list[Step]:
        cases = rng.sample(
            ["('abc', 'abc')", "(b'abc', 'abc')", "('abc', None)", "('tøken', 'token')", "('', '')", "('123', 123)"], 4
        )
        kinds = set(code.kinds())
        answers = {
            "('abc', 'abc')": "True",
            "(b'abc', 'abc')": "TypeError"
            if "types" in kinds
            else "AttributeError"
            if "bytes_attr" in kinds
            else "False"
            if "repr" in kinds
            else "True",
            "('abc', None)": "TypeError" if "none" in kinds else "AttributeError" if "none_attr" in kinds else "False",
            "('tøken', 'token')": "TypeError" if "nonascii" in kinds else "False",
            "('', '')": "True" if "empty" in kinds else "False",
            "('123', 123)": "AttributeError" if "int" in kinds else "False",
        }
        return [
            Step(
                f"Let me call {fn} by hand on the inputs the tests use.",
                f"python - <<'EOF'\nfrom {area.dotted} import {fn}\nfor a, b in [{', '.join(cases)}]:\n    try:\n        print(repr(a), repr(b), {fn}(a, b))\n    except Exception as e:\n        print(repr(a), repr(b), type(e).__name__, e)\nEOF",
                "\n".join(f"{c[1:-1].replace(', ', ' ', 1)} {answers[c]}" for c in cases),
            )
        ]

    def doc(k: int) -> list[Step]:
        return [
            Step(
                "Let me read what compare_digest accepts.",
                'python -c "import hmac; print(hmac.compare_digest.__doc__)"',
                "Return 'a == b'.\n\nThis function uses an approach designed to prevent\ntiming analysis, making it appropriate for cryptography.\n\na and b must both be of the same type: either str (ASCII only),\nor any bytes-like object.\n\nNote: If a and b are of different lengths, or if an error occurs,\na timing attack could theoretically reveal information about the\ntypes and lengths of a and b--but not their values.",
            )
        ]

    first = [
        run(f"Let me run the tests for {fn} after switching it to compare_digest."),
        Step(f"Let me look at {fn}.", f"grep -n 'def {fn}' -A6 {area.src}", f"{rng.randint(30, 400)}:" + code.body),
    ]
    attempts: list[Attempt] = [
        edit("left"),
        edit("right"),
        edit("right"),
        edit("guard"),
        edit("guard"),
        edit("call"),
        probe,
        doc,
    ]
    return churn(ctx, rng, n, first, attempts, "the types going into compare_digest", area, code, fn)
