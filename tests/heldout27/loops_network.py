"""Loops against a limit of the network around the agent: a shared API quota that never comes back."""

# ruff: noqa: E501
from __future__ import annotations

import random

from heldout20.calls import Step
from heldout27.text import Attempt, Ctx, cycle, tmpname


def api_rate_limited(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The upstream discussion is behind GitHub's API, and the sandbox's shared address has no quota left."""
    ip = f"{rng.choice([34, 35, 52, 20])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"
    reset = 1_718_000_000 + rng.randint(0, 5_000_000)
    clock = [reset - rng.randint(1500, 3300)]

    def now() -> int:
        clock[0] += rng.randint(20, 240)
        return clock[0]

    def limited() -> str:
        return f'{{"message":"API rate limit exceeded for {ip}. (But here\'s the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}}'

    def api() -> Step:
        path = rng.choice(
            [
                f"issues/{ctx.issue}",
                f"issues/{ctx.issue}/comments",
                f"pulls?state=all&head={ctx.repo.split('/')[0]}:fix-{ctx.issue}",
                f"issues/{ctx.issue}/timeline",
                f"search/issues?q=repo:{ctx.repo}+{ctx.stem}",
            ]
        )
        url = (
            f"https://api.github.com/repos/{ctx.repo}/{path}"
            if not path.startswith("search")
            else f"https://api.github.com/{path}"
        )
        return Step(
            "Fetching the upstream discussion again.",
            f"curl -s '{url}' | head -c {rng.choice([600, 800, 1200, 2000])}",
            limited(),
        )

    def headers() -> Step:
        return Step(
            "Let me look at the rate-limit headers to know when it resets.",
            rng.choice(
                [
                    f"curl -sI https://api.github.com/repos/{ctx.repo} | grep -i ratelimit",
                    "curl -s https://api.github.com/rate_limit | head -20",
                    f"curl -sD - -o /dev/null https://api.github.com/repos/{ctx.repo}/issues/{ctx.issue} | grep -iE 'ratelimit|retry|date'",
                ]
            ),
            f"x-ratelimit-limit: 60\nx-ratelimit-remaining: 0\nx-ratelimit-reset: {reset + rng.choice([0, 0, 3600])}\nx-ratelimit-used: {rng.choice([60, 61, 64])}\nx-ratelimit-resource: core\ndate: {now()}",
        )

    def wait() -> Step:
        secs = rng.choice([60, 90, 120, 180, 240, 300])
        return Step(
            f"The quota should come back; waiting {secs} seconds and retrying once.",
            f"sleep {secs} && curl -sI https://api.github.com/repos/{ctx.repo}/issues/{ctx.issue} | head -1",
            f"HTTP/2 {rng.choice([403, 403, 429])}",
            seconds=float(secs) + rng.uniform(0.2, 1.5),
        )

    def web() -> Step:
        what = rng.choice(
            [
                f"https://github.com/{ctx.repo}/issues/{ctx.issue}",
                f"https://github.com/{ctx.repo}/pull/{ctx.issue + rng.randint(1, 40)}.patch",
                f"https://patch-diff.githubusercontent.com/raw/{ctx.repo}/pull/{ctx.issue + rng.randint(1, 40)}.diff",
                f"https://raw.githubusercontent.com/{ctx.repo}/main/{ctx.source}",
            ]
        )
        return Step(
            "The HTML and raw endpoints are not behind the API quota; trying one of those.",
            f"curl -sL '{what}' | tail -{rng.choice([3, 5, 8])}; curl -sIL '{what}' | grep '^HTTP' | tail -1",
            rng.choice(
                [
                    "<h1>Too many requests</h1>\nYou have exceeded a secondary rate limit.\n\nHTTP 429",
                    "Whoa there!\nYou have triggered an abuse detection mechanism.\nPlease wait a few minutes before you try again.\nHTTP 429",
                    f'{{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID {rng.randrange(16**4):04X}:{rng.randrange(16**5):05X}:{rng.randrange(16**6):06X}:{rng.randrange(16**6):06X}:{rng.randrange(16**8):08X}."}}\nHTTP 403',
                ]
            ),
        )

    def git_fetch() -> Step:
        return Step(
            "Fetching the upstream pull request with git instead of the API.",
            rng.choice(
                [
                    f"git fetch https://github.com/{ctx.repo}.git pull/{ctx.issue + rng.randint(1, 40)}/head:upstream-fix 2>&1 | tail -3",
                    f"git ls-remote https://github.com/{ctx.repo}.git 'refs/pull/*/head' 2>&1 | tail -3",
                    "git remote -v && git fetch origin 2>&1 | tail -2",
                ]
            ),
            rng.choice(
                [
                    f"remote: Rate limit exceeded for {ip}. Please try again later.\nfatal: unable to access 'https://github.com/{ctx.repo}.git/': The requested URL returned error: 429",
                    "fatal: 'origin' does not appear to be a git repository\nfatal: Could not read from remote repository.",
                    "error: RPC failed; HTTP 429 curl 22 The requested URL returned error: 429\nfatal: expected flush after ref listing",
                ]
            ),
            rc=128,
            seconds=rng.uniform(1, 6),
        )

    def gh() -> Step:
        return Step(
            "Maybe the gh CLI or an anonymous token-less mirror works.",
            rng.choice(
                [
                    f"gh issue view {ctx.issue} -R {ctx.repo}",
                    f"gh api repos/{ctx.repo}/issues/{ctx.issue}",
                    f"pip download --no-deps --no-binary :all: {ctx.module} -d {tmpname(rng, 'sdist')} 2>&1 | tail -2",
                ]
            ),
            rng.choice(
                [
                    "bash: gh: command not found",
                    f"ERROR: HTTP error 429 while getting https://files.pythonhosted.org/packages/source/{ctx.module[0]}/{ctx.module}/{ctx.module}-{rng.randint(1, 5)}.{rng.randint(0, 9)}.tar.gz",
                ]
            ),
            rc=rng.choice([1, 127]),
        )

    def clock_now() -> Step:
        return Step(
            "Comparing the current time with the reset time.",
            rng.choice(["date +%s", "date -u +%s && date -u", "python -c 'import time; print(int(time.time()))'"]),
            f"{now()}",
        )

    opening = [
        Step(
            "The issue links an upstream discussion about the intended behaviour. Let me read it through the GitHub API.",
            f"curl -s https://api.github.com/repos/{ctx.repo}/issues/{ctx.issue} | head -c 1500",
            limited(),
        )
    ]
    attempts: list[Attempt] = [api, headers, wait, web, git_fetch, gh, clock_now]
    return cycle(ctx, rng, n, opening, attempts, f"GitHub's rate limit on the shared address {ip}")
