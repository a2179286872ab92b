# ruff: noqa: E501
"""A loop family on proxies: NO_PROXY matching that always breaks another case."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout70.looks import again, churn
from heldout70.text import Attempt, Ctx, Fail, py_edit, test_step


def _bypass(ctx: Ctx) -> str:
    return "should_bypass_proxies" if ctx.run.owner == "psf" else f"_{ctx.stem}_bypasses_proxy"


def no_proxy_bypass_seesaw(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """NO_PROXY matching: suffixes, leading dots, ports, CIDR blocks, IPv6 and the env's two spellings; each fix breaks another case."""
    src, tf = ctx.source, ctx.test_file
    func = _bypass(ctx)
    body = f"def {func}(url, no_proxy=None):\n    if no_proxy is None:\n        no_proxy = os.environ.get('no_proxy', '')\n    host = urlparse(url).netloc\n    for entry in no_proxy.split(','):\n        if host.endswith(entry):\n            return True\n    return False\n"
    host = ctx.host(rng)
    parent = host.split(".", 1)[1] if host.count(".") > 1 else host
    tried: set[str] = set()
    done: list[str] = []
    code = [body]
    # What each case is: the url, the no_proxy value, whether the proxy is bypassed.
    cases = {
        "port": ("http://localhost:8080/", "localhost", True),
        "suffix": (f"http://not{parent}/", parent, False),
        "subdomain": (f"http://{host}/", f".{parent}", True),
        "dot_self": (f"http://{parent}/", f".{parent}", True),
        "cidr": ("http://127.0.0.1:5000/", "127.0.0.0/8", True),
        "ipv6": ("http://[::1]:5000/", "::1", True),
        "entry_port": (f"http://{host}:8080/", f"{host}:8080", True),
        "spaces": (f"http://{host}/", f" pypi.org , {host} ", True),
        "trailing": (f"http://{host}/", "pypi.org,", False),
        "case": (f"http://{host.upper()}/", host, True),
        "star": (f"http://{host}/", "*", True),
    }

    def fail(kind: str) -> Fail:
        if kind == "env":
            var = rng.choice(["uppercase_only", "lowercase_wins", "proxy_used_for_other_hosts"])
            error = {
                "uppercase_only": "AssertionError: assert False is True",
                "lowercase_wins": "AssertionError: assert True is False",
                "proxy_used_for_other_hosts": "AssertionError: assert {} == {'http': 'http://proxy.local:3128', 'https': 'http://proxy.local:3128'}",
            }[var]
            code = (
                f"assert {func}('http://{host}/') is {'True' if var == 'uppercase_only' else 'False'}"
                if var != "proxy_used_for_other_hosts"
                else "assert get_proxies(url) == expected"
            )
            return Fail(f"test_{ctx.stem}_env_{var}", error, code)
        if kind == "cidr_value":
            which = rng.choice(["port", "subdomain"])
            url, entry, want = cases[which]
            return Fail(
                f"test_{ctx.stem}_no_proxy[{url}-{entry}-{want}]",
                f"ValueError: '{'localhost' if which == 'port' else host}' does not appear to be an IPv4 or IPv6 address",
                f"assert {func}(url, no_proxy=entry) is expected",
                [(func, "if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):")],
            )
        url, entry, want = cases[kind]
        name = f"test_{ctx.stem}_no_proxy[{url}-{entry}-{want}]"
        return Fail(
            name, f"AssertionError: assert {not want} is {want}", f"assert {func}(url, no_proxy=entry) is expected"
        )

    def run(thought: str, kinds: list[str]) -> Step:
        fails = [fail(k) for k in kinds]
        target = rng.choice(["", tf, f"{tf}::{fails[0].name}" if len(fails) == 1 and "[" not in fails[0].name else tf])
        extra = rng.choice(["", " -q", " -x", " -k no_proxy" if not ctx.django else " -v"])
        return test_step(ctx, rng, thought, target, fails, extra)

    edits = [
        (
            "hostname",
            "Match on the hostname rather than the netloc, so the port and IPv6 brackets don't get in the way.",
            "host = urlparse(url).netloc",
            "host = urlparse(url).hostname",
            ["entry_port", "suffix"],
        ),
        (
            "dot",
            "`endswith` lets notexample.com match example.com. Require an exact match or a match on a dot boundary.",
            "        if host.endswith(entry):",
            "        if host == entry.lstrip('.') or host.endswith('.' + entry.lstrip('.')):",
            ["spaces", "port", "cidr"],
        ),
        (
            "dot-only",
            "A leading dot should mean subdomains only; a bare entry means the exact host.",
            "        if host.endswith(entry):",
            "        if (entry.startswith('.') and host.endswith(entry)) or host == entry:",
            ["dot_self", "spaces"],
        ),
        (
            "strip",
            "Entries can carry spaces; strip them.",
            "    for entry in no_proxy.split(','):",
            "    for entry in no_proxy.replace(' ', '').split(','):",
            ["trailing", "cidr"],
        ),
        (
            "skip-empty",
            "An empty entry from a trailing comma matches every host. Skip empties.",
            "    for entry in no_proxy.split(','):",
            "    for entry in filter(None, (e.strip() for e in no_proxy.split(','))):",
            ["cidr", "ipv6", "star"],
        ),
        (
            "cidr",
            "127.0.0.0/8 has to be matched as a network. Let me compare IP hosts with ipaddress.",
            "        if host.endswith(entry):",
            "        if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):\n            return True\n        if host.endswith(entry):",
            ["cidr_value", "suffix"],
        ),
        (
            "stdlib",
            "Rather than hand-rolling this, defer to urllib's own matcher.",
            "    host = urlparse(url).netloc\n",
            "    return urllib.request.proxy_bypass_environment(urlparse(url).netloc, {'no': no_proxy})\n    host = urlparse(url).netloc\n",
            ["cidr", "env"],
        ),
        (
            "env-upper",
            "The environment may only have NO_PROXY in capitals. Fall back to it.",
            "os.environ.get('no_proxy', '')",
            "os.environ.get('NO_PROXY', os.environ.get('no_proxy', ''))",
            ["env", "entry_port"],
        ),
        (
            "env-or",
            "Lower case should win when both are set; only fall back to NO_PROXY when no_proxy is absent.",
            "os.environ.get('NO_PROXY', os.environ.get('no_proxy', ''))",
            "os.environ.get('no_proxy') or os.environ.get('NO_PROXY', '')",
            ["env", "star"],
        ),
        (
            "lower",
            "Host names are case-insensitive; compare lower-cased.",
            "    for entry in no_proxy.split(','):",
            "    host = host.lower()\n    for entry in no_proxy.lower().split(','):",
            ["ipv6", "trailing"],
        ),
        (
            "star",
            "'*' means bypass everything.",
            "    for entry in no_proxy.split(','):",
            "    if no_proxy.strip() == '*':\n        return True\n    for entry in no_proxy.split(','):",
            ["env", "dot_self"],
        ),
    ]

    def edit(k: int) -> list[Step]:
        # Only a change whose text is still there: the function as the earlier edits left it.
        fits = [e for e in edits if e[2] in code[0] and e[3] not in code[0]]
        if not fits:
            return [table(k)]
        key, thought, old, new, breaks = rng.choice(fits)
        code[0] = code[0].replace(old, new, 1)
        done.append(key)
        shown = rng.sample(breaks, rng.randint(1, len(breaks)))
        return [
            Step(again(tried, key, thought, rng), py_edit(src, old, new), "patched"),
            run("Rerun the proxy tests.", shown),
        ]

    def table(k: int) -> Step:
        picked = rng.sample(sorted(cases), rng.randint(4, 7))
        script = "\n".join(f"    ({cases[c][0]!r}, {cases[c][1]!r}, {cases[c][2]})," for c in picked)
        rows = []
        for c in picked:
            url, entry, want = cases[c]
            got = want if rng.random() < 0.55 else not want
            rows.append(f"{url:<32} {entry!r:<26} got={got!s:<5} want={want}" + ("" if got == want else "  <--"))
        return Step(
            again(tried, "table", "Let me print the whole matrix of cases against the current implementation.", rng),
            f"python - <<'EOF'\nfrom {ctx.dotted} import {func}\nfor url, entry, want in [\n{script}\n]:\n    got = {func}(url, no_proxy=entry)\n    print('%-32s %-26r got=%-5s want=%s%s' % (url, entry, got, want, '' if got == want else '  <--'))\nEOF",
            "\n".join(rows),
        )

    def env(k: int) -> Step:
        return rng.choice(
            [
                Step(
                    "Is there a proxy configured in this environment that leaks into the tests?",
                    "env | grep -i proxy; echo rc=$?",
                    "rc=1",
                ),
                Step(
                    "What does urllib see for proxies here?",
                    "python -c \"import urllib.request as u; print(u.getproxies()); print(u.proxy_bypass('localhost'))\"",
                    "{}\nFalse",
                ),
                Step(
                    "Let me see how the tests set the environment.",
                    f"grep -n 'setenv\\|delenv\\|environ' {tf} | head"
                    if not ctx.django
                    else f"grep -n 'os.environ' {tf} | head",
                    f"{rng.randint(10, 60)}:    @mock.patch.dict(os.environ, {{'NO_PROXY': '{host}'}}, clear=True)\n{rng.randint(61, 90)}:    @mock.patch.dict(os.environ, {{'no_proxy': 'pypi.org', 'NO_PROXY': '{host}'}})\n{rng.randint(91, 140)}:    @mock.patch.dict(os.environ, {{'http_proxy': 'http://proxy.local:3128'}})"
                    if ctx.django
                    else f"{rng.randint(10, 60)}:    monkeypatch.setenv('NO_PROXY', '{host}')\n{rng.randint(61, 90)}:    monkeypatch.delenv('no_proxy', raising=False)\n{rng.randint(91, 140)}:    monkeypatch.setenv('no_proxy', 'pypi.org')\n{rng.randint(141, 200)}:    monkeypatch.setenv('http_proxy', 'http://proxy.local:3128')",
                ),
            ]
        )

    def revert(k: int) -> list[Step]:
        if not done:
            return edit(k)
        done.clear()
        code[0] = body
        return [
            Step(
                again(
                    tried,
                    "revert",
                    "Each change breaks another case. Let me go back to the original function and start again from a clean baseline.",
                    rng,
                ),
                f"git checkout -- {src} && git diff --stat | tail -1; echo reverted",
                "reverted",
            ),
            run(
                "Baseline again.",
                rng.sample(["port", "suffix", "cidr", "spaces", "ipv6", "trailing", "dot_self"], rng.randint(2, 4)),
            ),
        ]

    first = [
        run("Let me run the proxy bypass tests.", rng.sample(["port", "suffix", "cidr", "ipv6", "spaces"], 3)),
        Step(
            "Let me look at the NO_PROXY matching.",
            f"grep -n 'def {func}' -A10 {src}",
            f"{rng.randint(40, 800)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [edit, edit, edit, lambda k: [table(k)], lambda k: [env(k)], revert, edit]
    return churn(ctx, rng, n, first, attempts, "matching hosts against NO_PROXY", func, body)
