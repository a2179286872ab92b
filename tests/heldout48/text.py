# ruff: noqa: E501
"""Names the families' steps use (the HTTP helper, its host, its mocked tests), the test runs and the looks."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_FUNCS = ("fetch_{}", "_get_remote_{}", "load_{}_from_url", "_request_{}", "download_{}", "sync_{}")
_HOSTS = (
    "api.example.com",
    "data.example.org",
    "mirror.example.net",
    "registry.example.test",
    "service.internal",
    "files.example.io",
)

Attempt = text.Attempt
Frame = tuple[str, int, str, str]  # file, line, function, code


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the HTTP helper the agent tests and the service it mocks."""

    @property
    def _pick(self) -> int:
        return sum(map(ord, self.run.session))

    @property
    def func(self) -> str:
        return _FUNCS[self._pick % len(_FUNCS)].format(self.stem)

    @property
    def host(self) -> str:
        return _HOSTS[self._pick // 7 % len(_HOSTS)]

    @property
    def path(self) -> str:
        name = self.stem.replace("_", "-")
        return f"/v{1 + self._pick % 3}/{name if name.endswith('s') else name + 's'}"

    @property
    def url(self) -> str:
        return f"https://{self.host}{self.path}"

    @property
    def http_test(self) -> str:
        """The test module of the HTTP helper the agent wrote."""
        return f"{self.tests_dir}/test_{self.stem}_http.py"

    @property
    def cassettes(self) -> str:
        return f"{self.tests_dir}/cassettes"

    def named(self, what: str) -> str:
        """The test the agent wrote for `what` (page, json, retry, …)."""
        return f"test_{self.func.strip('_')}_{what}"

    def tests(self, name: str = "", extra: str = "") -> str:
        """The agent's command to run the HTTP tests (one test when `name`)."""
        target = f"{self.http_test}::{name}" if name else self.http_test
        return f"python -m pytest {target} --tb=short{extra}"


def frames_of(ctx: Ctx, rng: random.Random, library: list[Frame], post: str = "", client: bool = False) -> list[Frame]:
    """The helper's frame (its session's GET, or POST of the body as `post`, or httpx client's GET) and the library's."""
    timeout = rng.choice(["timeout", "10", "self.timeout"])
    if client:
        call = f"response = client.get({ctx.path!r}, params=params)"
    elif post:
        call = f"response = session.post(url, {post}=payload, headers=headers, timeout={timeout})"
    else:
        call = f"response = session.get(url, params=params, timeout={timeout})"
    return [(ctx.source, rng.randint(40, 700), ctx.func, call), *library]


def _called(ctx: Ctx, test: str, own: bool) -> str:
    """The line of the test (named for what it checks) that calls the helper, or (`own`) that failed itself."""
    url = repr(ctx.url)
    if own and test.endswith(("_retry", "_redirect")):
        return f"assert len(responses.calls) == {3 if test.endswith('_retry') else 2}"
    calls = {
        "json": f"assert {ctx.func}({url}, name='alpha')['ok']",
        "params": f"assert {ctx.func}(limit=20) == []",
        "stream": f"out = {ctx.func}({url}, tmp_path / 'out.bin')",
        "retry": f"assert {ctx.func}({url}) == " + "{'ok': True}",
        "redirect": f"assert {ctx.func}({url}) == " + "{'ok': True}",
    }
    return calls.get(test.rsplit("_", 1)[-1], f"items = {ctx.func}({url}, page=1)")


def run_output(
    ctx: Ctx, rng: random.Random, passed: int, failing: list[tuple[str, list[Frame], str]], name: str = ""
) -> str:
    """A pytest run of the HTTP tests with `failing` (test, frames, error) failing, the short tracebacks shown."""
    failures = []
    for test, frames, error in failing:
        body = [f"{ctx.http_test}:{rng.randint(9, 30)}: in {test}", f"    {_called(ctx, test, not frames)}"]
        for path, line, func, code in frames:
            body += [f"{path}:{line}: in {func}", f"    {code}"]
        body += [f"E   {part}" if part else "E   " for part in error.split("\n")]
        failures.append((test, body, error.split("\n")[0]))
    shown = ctx.http_test if len(ctx.http_test) < 60 else ctx.http_test.rsplit("/", 1)[-1]
    return text.pytest_output(ctx, rng, f"{shown}::{name}" if name else shown, passed, failures)


def test_step(
    ctx: Ctx,
    rng: random.Random,
    thought: str,
    failing: list[tuple[str, list[Frame], str]],
    name: str = "",
    extra: str = "",
) -> Step:
    passed = 0 if failing else 1
    return Step(
        thought,
        ctx.tests(name, extra),
        run_output(ctx, rng, passed, failing, name),
        rc=1 if failing else 0,
        seconds=rng.uniform(0.6, 8.0),
    )


def extra(rng: random.Random, ctx: Ctx) -> str:
    return rng.choice(["", " -x", " -rf", " -p no:cacheprovider", " -x -rf"])


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the helper, the test, the installed mocking libraries."""
    line = rng.randint(20, 600)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n?? {ctx.http_test}\n"
            + rng.choice(["", f"?? {ctx.cassettes}/\n", "?? reproduce_http.py\n"]),
        ),
        Step(
            "Let me look at the diff of the helper.",
            rng.choice([f"git diff {ctx.source}", "git diff -U2"]),
            f"diff --git a/{ctx.source} b/{ctx.source}\n--- a/{ctx.source}\n+++ b/{ctx.source}\n@@ -{line},8 +{line},{rng.randint(8, 13)} @@ def {ctx.func}(url, params=None, timeout=10):\n     session = _session()\n-    response = session.get(url, timeout=timeout)\n+    response = session.get(url, params=params, timeout=timeout)\n     response.raise_for_status()\n",
        ),
        Step(
            "Let me re-read the helper that makes the request.",
            f"sed -n '{line},{line + 14}p' {ctx.source}",
            f"def {ctx.func}(url, params=None, timeout=10):\n    session = _session()\n    url = url.rstrip('/') + '/'\n    response = session.get(url, params=params, timeout=timeout)\n    response.raise_for_status()\n    return response.json()\n\n\ndef _session():\n    session = requests.Session()\n    session.headers['User-Agent'] = 'testbed/{rng.randint(1, 9)}.{rng.randint(0, 30)}'\n    return session\n",
        ),
        Step(
            "How much is in the test module now?",
            f"wc -l {ctx.http_test} {ctx.source}",
            f"  {rng.randint(12, 40)} {ctx.http_test}\n {rng.randint(300, 1500)} {ctx.source}\n",
        ),
        Step(
            "Which versions of the HTTP libraries are installed?",
            rng.choice(
                [
                    "pip list 2>/dev/null | grep -i -E 'requests|urllib3|responses|httpx|respx|vcrpy'",
                    "pip freeze | grep -iE 'requests|urllib3|respon|httpx|vcr'",
                ]
            ),
            f"requests                  2.{rng.randint(25, 32)}.{rng.randint(0, 3)}\nresponses                 0.{rng.randint(22, 25)}.{rng.randint(0, 3)}\nurllib3                   {rng.choice(['1.26.', '2.0.', '2.2.'])}{rng.randint(0, 18)}\n",
        ),
        Step(
            "Where else does the code build this URL?",
            rng.choice(
                [
                    f"grep -rn '{ctx.func}\\|{ctx.path}' {ctx.run.package} | head",
                    f"grep -rn 'session.get\\|requests.get' {ctx.source}",
                ]
            ),
            "\n".join(
                f"{ctx.source}:{rng.randint(10, 800)}:    {rng.choice(['response = session.get(url, params=params, timeout=timeout)', 'return ' + ctx.func + '(base + ' + repr(ctx.path) + ', params)', 'url = urljoin(base, path)'])}"
                for _ in range(rng.randint(2, 4))
            ),
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: list[Step], attempts: list[Attempt], what: str) -> list[Step]:
    """The first failing runs, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, first, attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)


def responses_refused(method: str, sent: str, registered: list[tuple[str, str, str]]) -> str:
    """responses' error when a request matches no registered mock."""
    lines = [
        "requests.exceptions.ConnectionError: Connection refused by Responses - the call doesn't match any registered mock.",
        "",
        "Request: ",
        f"- {method} {sent}",
        "",
        "Available matches:",
    ]
    lines += [f"- {m} {u} {why}" for m, u, why in registered]
    return "\n".join(lines)


def responses_frames(ctx: Ctx, rng: random.Random, post: str = "") -> list[Frame]:
    """The frames down to where responses raises its refusal."""
    return frames_of(
        ctx,
        rng,
        [
            (
                f"{ctx.site}/requests/sessions.py",
                rng.choice([637, 635] if post else [600, 602]),
                "post" if post else "get",
                'return self.request("POST", url, data=data, json=json, **kwargs)'
                if post
                else 'return self.request("GET", url, **kwargs)',
            ),
            (f"{ctx.site}/requests/sessions.py", rng.choice([703, 589]), "send", "r = adapter.send(request, **kwargs)"),
            (f"{ctx.site}/responses/__init__.py", rng.randint(1090, 1240), "_on_request", "raise response"),
        ],
        post=post,
    )
