# ruff: noqa: E501
"""Loop family on CSRF tokens: masked tokens, unmasked secrets and rotation on login, each fix rejecting another request."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout67.steps import Code, b64, churn
from heldout67.text import Attempt, Ctx, Fail, Suite

_CSRF_CASES = (
    "test_post_with_masked_token_accepted",
    "test_header_with_unmasked_secret_accepted",
    "test_token_rotated_on_login",
    "test_post_after_login_with_new_token",
    "test_cookie_holds_secret_not_token",
    "test_token_with_invalid_characters_rejected",
    "test_short_token_rejected",
)
_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def masked_token_length_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Accepting masked form tokens and unmasked header secrets while rotating on login: every change rejects another request."""
    area = ctx.area("csrf")
    check = ctx.pick(rng, ["_does_token_match", "_tokens_agree", "_check_STEM_token"], area)
    template = f"def {check}(request_token, secret):\n    <<fmt>>\n    if <<unmask>>:\n        request_token = _unmask_cipher_token(request_token)\n    return constant_time_compare(request_token, <<secret>>)\n\n\ndef rotate_token(request):\n    <<rotate>>\n"
    code = Code(
        area.src,
        template,
        {
            "fmt": [
                ("_check_token_format(request_token)", "", []),
                (
                    "request_token = request_token.strip()",
                    "Strip the token instead of validating its format; the header value may carry whitespace.",
                    ["invalid"],
                ),
                (
                    "if len(request_token) not in (CSRF_SECRET_LENGTH, CSRF_TOKEN_LENGTH):\n        raise InvalidTokenFormat(REASON_INCORRECT_LENGTH)",
                    "Only check the length up front, both lengths allowed.",
                    ["invalid"],
                ),
            ],
            "unmask": [
                ("len(request_token) == CSRF_TOKEN_LENGTH", "", []),
                ("len(request_token) > CSRF_SECRET_LENGTH", "Unmask anything longer than a bare secret.", ["short"]),
                ("True", "Always unmask: every token we hand out is masked now.", ["header"]),
                ("request_token != secret", "Unmask only when the token isn't the secret itself.", ["masked"]),
            ],
            "secret": [
                ("secret", "", []),
                (
                    "_unmask_cipher_token(secret)",
                    "The cookie may hold a masked token since the rotation change; unmask it too before comparing.",
                    ["masked", "header"],
                ),
                (
                    "secret[:CSRF_SECRET_LENGTH]",
                    "Compare against the first CSRF_SECRET_LENGTH characters of the cookie value.",
                    ["cookie_len"],
                ),
            ],
            "rotate": [
                ("request.META['CSRF_COOKIE'] = _get_new_csrf_string()", "", ["rotation"]),
                (
                    "request.META.update(CSRF_COOKIE=_get_new_csrf_string(), CSRF_COOKIE_NEEDS_UPDATE=True)",
                    "Flag the cookie for update as well, so the response actually sets the new secret.",
                    ["stale_form"],
                ),
                (
                    "request.META['CSRF_COOKIE'] = _mask_cipher_secret(_get_new_csrf_string())",
                    "Store the new value masked, like the token get_token() hands out.",
                    ["cookie_len", "masked"],
                ),
                (
                    "request.session.cycle_key()\n    request.META['CSRF_COOKIE_NEEDS_UPDATE'] = True",
                    "Cycle the session key and mark the cookie for update instead of replacing the secret by hand.",
                    ["rotation"],
                ),
            ],
        },
    )
    suite = Suite(ctx, rng, area, _CSRF_CASES)
    forbidden = (
        '<HttpResponseForbidden status_code=403, "text/html; charset=utf-8">'
        if ctx.django
        else "<WrapperTestResponse streamed [403 FORBIDDEN]>"
    )
    header = "'X-Csrftoken' HTTP header" if ctx.django else "X-CSRFToken header"

    def status(case: str, reason: str) -> Fail:
        if ctx.django and rng.random() < 0.5:
            return suite.fail(
                case, f"AssertionError: 'Forbidden (CSRF token from {reason}): /' != ''", "self.assertEqual(logged, '')"
            )
        return suite.fail(
            case,
            f"AssertionError: assert 403 == 200\n +  where 403 = {forbidden}.status_code",
            "assert response.status_code == 200",
        )

    def fail(kind: str) -> Fail:
        token = "".join(rng.choices(_CHARS, k=32))
        if kind == "rotation":
            error = (
                f"AssertionError: '{token}' == '{token}'"
                if ctx.django
                else f"AssertionError: assert '{token}' != '{token}'"
            )
            return suite.fail(
                _CSRF_CASES[2], error, "self.assertNotEqual(before, after)" if ctx.django else "assert before != after"
            )
        if kind == "stale_form":
            return status(_CSRF_CASES[3], "POST incorrect.")
        if kind == "cookie_len":
            return suite.fail(
                _CSRF_CASES[4],
                "AssertionError: assert 64 == 32",
                "assert len(response.cookies['csrftoken'].value) == 32",
            )
        if kind == "masked":
            return status(_CSRF_CASES[0], "POST incorrect.")
        if kind == "header":
            return status(_CSRF_CASES[1], f"the {header} incorrect.")
        if kind == "invalid":
            return suite.fail(
                _CSRF_CASES[5],
                "AssertionError: assert 'CSRF token from POST incorrect.' == 'CSRF token from POST has invalid characters.'",
                "assert reason == REASON_INVALID_CHARACTERS",
            )
        return suite.fail(
            _CSRF_CASES[6],
            "ValueError: substring not found",
            f"response = {check}(token[:40], secret)",
            [
                (check, code.line("_unmask_cipher_token(request_token)")),
                ("_unmask_cipher_token", "map(chars.index, mask),"),
            ],
        )

    def run(thought: str, mode: str = "") -> Step:
        return suite.run(thought, [fail(k) for k in code.failing(rng)], mode)

    def edit(slot: str) -> list[Step]:
        command, thought = code.change(rng, slot)
        return [
            Step(thought, command, "patched"),
            run(
                rng.choice(
                    [
                        "Rerun the CSRF tests.",
                        "Let me run the middleware tests again.",
                        "Which requests are rejected now?",
                    ]
                )
            ),
        ]

    def lengths(k: int) -> list[Step]:
        rows = {"secret": 32, "masked": 64, "cookie": rng.choice([32, 64]), "header": 32}
        return [
            Step(
                "Let me print the lengths of what the test client sends and what the cookie holds.",
                f"python - <<'EOF'\nfrom {area.dotted} import _get_new_csrf_string, _mask_cipher_secret, _unmask_cipher_token\ns = _get_new_csrf_string()\nm = _mask_cipher_secret(s)\nprint('secret', len(s), 'masked', len(m), 'roundtrip', _unmask_cipher_token(m) == s)\nEOF",
                f"secret {rows['secret']} masked {rows['masked']} roundtrip True",
            )
        ]

    def trace(k: int) -> list[Step]:
        cookie = b64(rng, rng.choice([32, 64]), _CHARS)
        sent = b64(rng, 64, _CHARS)
        return [
            Step(
                "Let me log what the failing request compares.",
                f"python -m pytest {area.test_file} -k rotated -s 2>&1 | grep -m4 'csrf'"
                if not ctx.django
                else "cd tests && python runtests.py csrf_tests -k rotated 2>&1 | grep -m4 'csrf'",
                f"csrf cookie={cookie}\ncsrf token={sent}\ncsrf rotated={rng.choice(['True', 'False'])}",
                rc=0,
            )
        ]

    first = [
        run(f"Let me run the CSRF tests after my change to {check} and rotate_token."),
        Step(f"Let me read {check}.", f"grep -n 'def {check}' -A10 {area.src}", f"{rng.randint(30, 400)}:" + code.body),
    ]
    attempts: list[Attempt] = [
        lambda k: edit("unmask"),
        lambda k: edit("secret"),
        lambda k: edit("rotate"),
        lambda k: edit("rotate"),
        lambda k: edit("fmt"),
        lengths,
        trace,
    ]
    return churn(ctx, rng, n, first, attempts, "the masked and rotated CSRF tokens", area, code, check)
