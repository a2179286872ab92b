# ruff: noqa: E501
"""What a looping agent does between attempts: its looks at the code and the history, its retries, its giving up."""

from __future__ import annotations

import random
from collections.abc import Callable

from heldout20 import text
from heldout20.calls import Step
from heldout70.text import Attempt, Ctx


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def again(tried: set[str], key: str, thought: str, rng: random.Random) -> str:
    """The thought of an attempt, saying so when the agent has made it before."""
    if key not in tried:
        tried.add(key)
        return thought
    lead = rng.choice(["Trying this again, more carefully: ", "Back to an earlier idea: ", "Once more: "])
    return lead + (thought if thought[1:2].isupper() else thought[0].lower() + thought[1:])


def look(ctx: Ctx, rng: random.Random, func: str, body: str, file: str = "") -> Step:
    """A look between attempts: the tree, the diff, the changed code (in `file`, or the source), its callers, a test, the history."""
    src = file or ctx.source
    line = rng.randint(30, 700)
    ins, dels = rng.randint(2, 14), rng.randint(1, 6)
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {row}" for row in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {row}" for row in lines[k + 1 : k + 3])
    )
    case = f"test_{ctx.stem}_{rng.choice(['server', 'roundtrip', 'timeout', 'proxy', 'reuse', 'connect', 'large_payload'])}"
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n"
            + (f" M {src}\n" if src != ctx.source else "")
            + rng.choice(
                ["", f" M {ctx.test_file}\n", f" M {ctx.helpers}\n", "?? reproduce.py\n", "?? serve_debug.py\n"]
            ),
        ),
        Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {src}", "git diff -U2"]),
            f"diff --git a/{src} b/{src}\n--- a/{src}\n+++ b/{src}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        Step(
            "Let me look at the size of my changes.",
            "git diff --stat",
            f" {src} | {ins + dels} {'+' * ins}{'-' * dels}\n 1 file changed, {ins} insertion{'s' if ins != 1 else ''}(+), {dels} deletion{'s' if dels != 1 else ''}(-)\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 5])}p' {src}",
            body,
        ),
        Step(
            f"Let me see who calls {func}.",
            rng.choice(
                [
                    f"grep -rn '{func}(' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['base', 'utils', 'client', 'transport', 'core', 'compat'])}.py:{rng.randint(10, 900)}:    {rng.choice(['resp', 'conn', 'data', 'result'])} = {func}({rng.choice(['url', 'self.url, timeout=timeout', 'address', 'host, port', 'request'])})"
                for _ in range(rng.randint(2, 5))
            ),
        ),
        Step(
            "Let me look at a test of it again.",
            f"grep -n -A6 'def {case}' {ctx.test_file}",
            f"{line}:    def {case}(self):\n{line + 1}-        url = self.live_server_url + '/ping'\n{line + 2}-        resp = {func}(url)\n{line + 3}-        self.assertEqual(resp.status, 200)\n"
            if ctx.django
            else f"{line}:def {case}({ctx.stem}_server):\n{line + 1}-    url = {ctx.stem}_server.url + '/ping'\n{line + 2}-    resp = {func}(url)\n{line + 3}-    assert resp.status == 200\n",
        ),
        Step(
            "Let me see the recent history of this file.",
            f"git log --oneline -{rng.randint(3, 6)} -- {src}",
            "\n".join(
                f"{sha(rng)} {m}"
                for m in rng.sample(
                    [
                        "Fix connection handling",
                        "Refactor helpers",
                        "Merge pull request",
                        "Honour proxy settings",
                        "Tidy imports",
                        "Add timeout argument",
                        "Support IPv6 hosts",
                    ],
                    3,
                )
            ),
        ),
    ]
    return rng.choice(choices)


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    func: str,
    body: str,
    file: str = "",
) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, func, body, file)  # noqa: E731
    return text.churn(rng, n, first, attempts, looker, lambda: give_up(rng, what), 0.35)
