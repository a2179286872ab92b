# ruff: noqa: E501
"""Loop family on JWT expiry: a boundary that flips with every change to now, exp, the leeway or the own check."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout67.steps import Code, churn
from heldout67.text import Attempt, Ctx, Fail, Suite

_EXP_CASES = (
    "test_token_valid_just_before_expiry",
    "test_token_accepted_within_leeway",
    "test_token_rejected_at_expiry",
    "test_token_rejected_beyond_leeway",
    "test_token_claims_are_integers",
    "test_token_iat_not_in_future",
    "test_token_lifetime_matches_ttl",
)


def stamp(rng: random.Random) -> int:
    return rng.randint(1_717_000_000, 1_741_000_000)


def jwt_exp_boundary_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Tokens expire a second early or a second late: each change to now, exp, leeway or the own check moves the failure."""
    area = ctx.area("jwt")
    issue = ctx.pick(rng, ["issue_token", "make_access_token", "create_STEM_token"], area)
    decode = ctx.pick(rng, ["decode_token", "read_access_token", "verify_STEM_token"], area)
    template = f"def {issue}(user, ttl=300):\n    now = <<now>>\n    payload = {{'sub': str(user.pk), 'iat': now, 'exp': <<exp>>}}\n    return jwt.encode(payload, settings.SECRET_KEY, algorithm='HS256')\n\n\ndef {decode}(token):\n    payload = jwt.decode(token, settings.SECRET_KEY, algorithms=['HS256']<<leeway>>)\n    if <<check>>:\n        raise jwt.ExpiredSignatureError('Signature has expired')\n    return payload\n"
    aware = "timezone.now()" if ctx.django else "datetime.now(timezone.utc)"
    code = Code(
        area.src,
        template,
        {
            "now": [
                ("datetime.utcnow()", "", []),
                (
                    "datetime.now()",
                    "Use the local now(); the tests freeze local time, maybe utcnow() is what drifts.",
                    ["skew", "skewed"],
                ),
                (aware, "Use an aware UTC datetime instead of the naive utcnow().", []),
                (
                    "datetime.now(timezone.utc).replace(microsecond=0)",
                    "Drop the microseconds from now so iat and exp are whole seconds.",
                    ["early"],
                ),
            ],
            "exp": [
                ("now + timedelta(seconds=ttl)", "", []),
                (
                    "now + timedelta(seconds=ttl - 1)",
                    "Expire one second earlier so a token is already invalid at exactly ttl.",
                    ["early", "short"],
                ),
                (
                    "int((now + timedelta(seconds=ttl)).timestamp())",
                    "Write exp as an integer timestamp myself instead of letting PyJWT convert the datetime.",
                    ["early"],
                ),
                (
                    "math.ceil((now + timedelta(seconds=ttl)).timestamp())",
                    "Round exp up so the token lives at least ttl seconds.",
                    ["late", "long"],
                ),
            ],
            "leeway": [
                ("", "", ["early"]),
                (", leeway=settings.TOKEN_LEEWAY", "Pass the configured leeway to jwt.decode.", []),
                (
                    ", leeway=timedelta(seconds=settings.TOKEN_LEEWAY)",
                    "Pass the leeway as a timedelta, which PyJWT also accepts.",
                    ["float"],
                ),
                (", leeway=1", "Allow just one second of clock skew in decode.", ["early"]),
                (
                    ", options={'verify_exp': False}",
                    "Turn off PyJWT's own exp check and let the check below decide alone.",
                    ["late"],
                ),
            ],
            "check": [
                ("payload['exp'] <= time.time()", "", ["early"]),
                (
                    "payload['exp'] < time.time()",
                    "Make the boundary exclusive: a token is still valid at exactly exp.",
                    ["early", "late"],
                ),
                (
                    "payload['exp'] + settings.TOKEN_LEEWAY <= time.time()",
                    "Apply the leeway in my own check as well.",
                    ["late"],
                ),
                (
                    "payload['exp'] <= int(time.time())",
                    "Compare against whole seconds, like the exp claim.",
                    ["late", "float"],
                ),
                (
                    "'exp' not in payload",
                    "Only reject tokens without exp here; PyJWT already checks the time.",
                    ["late"],
                ),
            ],
        },
    )
    suite = Suite(ctx, rng, area, _EXP_CASES)
    skew = rng.choice([18000, 21600, 3600, 7200, -3600])

    def fail(kind: str) -> Fail:
        frame = [(decode, code.line(rng.choice(["jwt.decode(", "raise jwt.Expired"])))]
        if kind == "early":
            return suite.fail(
                rng.choice(_EXP_CASES[:2]),
                "jwt.exceptions.ExpiredSignatureError: Signature has expired",
                f"payload = {decode}(token)",
                frame,
            )
        if kind == "late":
            return suite.fail(
                rng.choice(_EXP_CASES[2:4]),
                "Failed: DID NOT RAISE <class 'jwt.exceptions.ExpiredSignatureError'>",
                f"with pytest.raises(jwt.ExpiredSignatureError): {decode}(token)",
            )
        if kind == "float":
            when = f"{stamp(rng)}.{rng.randrange(10**6):06d}"
            return suite.fail(
                _EXP_CASES[4],
                f"AssertionError: assert False\n +  where False = isinstance({when}, int)",
                "assert isinstance(payload['exp'], int)",
            )
        if kind == "skew":
            return suite.fail(
                _EXP_CASES[5],
                "jwt.exceptions.ImmatureSignatureError: The token is not yet valid (iat)",
                f"payload = {decode}({issue}(user))",
                [(decode, code.line("jwt.decode("))],
            )
        life = {"short": 299, "long": 301}.get(kind, 300 + skew)
        return suite.fail(
            _EXP_CASES[6], f"AssertionError: assert {life} == 300", "assert payload['exp'] - payload['iat'] == 300"
        )

    def run(thought: str, mode: str = "") -> Step:
        return suite.run(thought, [fail(k) for k in code.failing(rng)], mode)

    def edit(slot: str) -> Attempt:
        def attempt(k: int) -> list[Step]:
            command, thought = code.change(rng, slot)
            return [
                Step(thought, command, "patched"),
                run(
                    rng.choice(
                        [
                            "Rerun the expiry tests.",
                            "Run the token tests again.",
                            "Let me see what this does to the boundary tests.",
                        ]
                    )
                ),
            ]

        return attempt

    clock = Code(
        area.test_file,
        "<<clock>>",
        {
            "clock": [
                ("issued = time.time()", "", []),
                (
                    "issued = time.time()\n    monkeypatch.setattr(time, 'time', lambda: issued + 300)",
                    "The tests take real time between issuing and decoding. Pin time.time() in the boundary test so exactly ttl seconds have passed.",
                    [],
                ),
                (
                    "issued = time.time()\n    freezer = freeze_time(datetime.utcfromtimestamp(issued + 300))\n    freezer.start()",
                    "Freeze the clock with freezegun instead, it also patches datetime, which PyJWT reads.",
                    [],
                ),
                (
                    "issued = int(time.time())",
                    "Issue from a whole second so the test's arithmetic has no fraction left.",
                    [],
                ),
            ]
        },
    )

    def pin(k: int) -> list[Step]:
        command, thought = clock.change(rng, "clock")
        return [
            Step(thought, command, "patched"),
            run("Run the boundary tests with the clock pinned.", rng.choice(["x", "file", "k:expir"])),
        ]

    def again(k: int) -> list[Step]:
        return [
            run(
                rng.choice(
                    [
                        "Run it again without changes; maybe it depends on when within the second it runs.",
                        "Same code, another run, to see whether the failure is stable.",
                        "Is this deterministic at all? Rerun unchanged.",
                    ]
                )
            )
        ]

    def probe(k: int) -> list[Step]:
        ttl = rng.choice([1, 2, 3])
        rows = []
        for at in (ttl - 0.5, float(ttl), ttl + 0.5):
            kinds = code.kinds()
            ok = (
                (at < ttl and ("early" not in kinds or rng.random() < 0.5))
                or (at == ttl and rng.random() < 0.5)
                or (at > ttl and "late" in kinds)
            )
            rows.append(f"t+{at:.1f}s " + ("ok " + str(stamp(rng)) if ok else "ExpiredSignatureError"))
        return [
            Step(
                "Let me check the boundary by hand with a short ttl.",
                f"python - <<'EOF'\nimport time\nfrom {area.dotted} import {issue}, {decode}\nclass U: pk = 1\nt = {issue}(U(), ttl={ttl})\nstart = time.time()\nfor at in ({ttl - 0.5}, {float(ttl)}, {ttl + 0.5}):\n    time.sleep(max(0, start + at - time.time()))\n    try:\n        print('t+%.1fs' % at, 'ok', {decode}(t)['exp'])\n    except Exception as e:\n        print('t+%.1fs' % at, type(e).__name__)\nEOF",
                "\n".join(rows),
                seconds=ttl + 1.5,
            )
        ]

    def stamps(k: int) -> list[Step]:
        base = stamp(rng)
        frac = rng.random()
        return [
            Step(
                "Let me compare the clocks PyJWT and my check read.",
                'python -c "import time, calendar; from datetime import datetime, timezone; print(time.time(), datetime.now(timezone.utc).timestamp(), calendar.timegm(datetime.utcnow().utctimetuple()), datetime.now().timestamp())"',
                f"{base + frac:.6f} {base + frac + 0.000041:.6f} {base} {base + frac + 0.00006:.6f}",
            )
        ]

    first = [
        run(f"Let me run the token tests after my change to {issue}."),
        Step(
            f"Let me look at {issue} and {decode}.",
            f"grep -n 'def {issue}' -A12 {area.src}",
            f"{rng.randint(30, 400)}:" + code.body,
        ),
        run("Just the expiry tests.", rng.choice(["k:expir", "x"])),
    ]
    attempts: list[Attempt] = [
        edit("now"),
        edit("exp"),
        edit("leeway"),
        edit("leeway"),
        edit("check"),
        edit("check"),
        pin,
        again,
        probe,
        stamps,
    ]
    return churn(ctx, rng, n, first, attempts, "the token expiry boundary", area, code, decode)
