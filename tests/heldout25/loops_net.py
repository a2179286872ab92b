"""Loops on reaching outside the process: no network from the sandbox, and command lines the kernel refuses."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import addr
from heldout25.loops_env import version
from heldout25.text import Ctx, Maker, pick, weave


def _repo(ctx: Ctx) -> str:
    owner, rest = ctx.run.session.split("__", 1)
    return f"{owner}/{rest.rsplit('-', 1)[0]}"


def _resolve(host: str, rng: random.Random) -> str:
    return pick(rng, ["[Errno -3] Temporary failure in name resolution", "[Errno -2] Name or service not known"]) + (
        "" if rng.random() < 0.7 else f" ({host})"
    )


def offline_network(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """pip, curl and git cannot reach the internet from the sandbox; the agent keeps trying other ways out."""
    wanted = pick(
        rng,
        [
            "hypothesis",
            "pytest-randomly",
            "numpy==1.26.4",
            "packaging>=23",
            "docutils==0.20.1",
            "typing_extensions>=4.7",
        ],
    )
    name = wanted.split("=")[0].split(">")[0]
    repo = _repo(ctx)

    def pip(rng: random.Random, i: int) -> Step:
        extra = pick(
            rng, ["", " --timeout 60", " -i https://pypi.org/simple", " --no-cache-dir", " --retries 2", " -U"]
        )
        lines = [
            f"WARNING: Retrying (Retry(total={k}, connect=None, read=None, redirect=None, status=None)) after connection broken by "
            f"'NewConnectionError('<pip._vendor.urllib3.connection.HTTPSConnection object at {addr(rng)}>: Failed to establish a new "
            f"connection: {_resolve('pypi.org', rng)}')': /simple/{name.lower()}/"
            for k in range(4, -1, -1)
        ]
        lines += [
            f"ERROR: Could not find a version that satisfies the requirement {wanted} (from versions: none)",
            f"ERROR: No matching distribution found for {wanted}",
        ]
        return Step(
            pick(
                rng,
                [
                    f"I need {name} to check the behaviour; installing it.",
                    f"Let me try installing {name} again, maybe with a longer timeout.",
                    f"The install failed; retrying {name} with different pip options.",
                ],
            ),
            f"pip install '{wanted}'{extra}",
            "\n".join(lines),
            1,
            rng.uniform(8, 40),
        )

    def curl(rng: random.Random, i: int) -> Step:
        host = pick(rng, ["raw.githubusercontent.com", "github.com", "files.pythonhosted.org"])
        branch = pick(rng, ["main", "master"])
        return Step(
            pick(
                rng,
                [
                    "I'll fetch the upstream version of the file to compare with what the maintainers did.",
                    "Maybe I can download the file directly instead of going through pip/git.",
                ],
            ),
            f"curl -sSL{pick(rng, ['', 'f', ' --max-time 30'])} https://{host}/{repo}/{branch}/{ctx.source} | head -n {rng.randint(40, 120)}",
            f"curl: (6) Could not resolve host: {host}",
            0,
            rng.uniform(0.2, 5),
        )

    def git(rng: random.Random, i: int) -> Step:
        cmd = pick(
            rng,
            [
                "git fetch origin",
                "git fetch --depth 50 origin main",
                f"git ls-remote https://github.com/{repo}.git | head",
                f"git clone --depth 1 https://github.com/{repo}.git /tmp/upstream",
            ],
        )
        return Step(
            pick(
                rng,
                [
                    "Let me get the upstream history to see how this was handled.",
                    "Trying to reach the upstream repository with git instead.",
                ],
            ),
            cmd,
            f"fatal: unable to access 'https://github.com/{repo}.git/': Could not resolve host: github.com",
            128,
            rng.uniform(0.5, 20),
        )

    def urllib(rng: random.Random, i: int) -> Step:
        return Step(
            "Let me check from Python whether any network access works at all.",
            f"python -c \"import urllib.request; print(urllib.request.urlopen('https://pypi.org/simple/{name.lower()}/', timeout={rng.choice([5, 10, 20])}).status)\"",
            "Traceback (most recent call last):\n"
            f'  File "/opt/miniconda3/envs/testbed/lib/python{".".join(map(str, version(ctx)))}/urllib/request.py", line 1346, in do_open\n'
            "    h.request(req.get_method(), req.selector, req.data, headers,\n"
            f"socket.gaierror: {_resolve('pypi.org', rng)}\n\nDuring handling of the above exception, another exception occurred:\n\n"
            f"urllib.error.URLError: <urlopen error {_resolve('pypi.org', rng)}>",
            1,
            rng.uniform(0.3, 12),
        )

    looks: list[Maker] = [
        lambda rng, i: Step(
            "Let me look at the DNS configuration.",
            "cat /etc/resolv.conf",
            f"# Generated by the sandbox\nnameserver 10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}\noptions ndots:0",
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "Is there any route out?",
            pick(rng, ["ping -c 1 8.8.8.8", "ping -c 2 -W 2 1.1.1.1"]),
            "ping: connect: Network is unreachable",
            2,
            0.1,
        ),
        lambda rng, i: Step(
            f"Maybe {name} is already there.", f"pip show {name}", f"WARNING: Package(s) not found: {name}", 1, 0.8
        ),
        lambda rng, i: Step(
            "Checking pip's configuration for an index.",
            "pip config list; cat ~/.pip/pip.conf 2>&1 | head",
            "cat: /root/.pip/pip.conf: No such file or directory",
            0,
            0.6,
        ),
        lambda rng, i: Step(
            "What remotes are configured?",
            "git remote -v",
            f"origin\thttps://github.com/{repo}.git (fetch)\norigin\thttps://github.com/{repo}.git (push)",
            0,
            0.1,
        ),
        lambda rng, i: Step(
            "Let me see whether a wheel is cached locally.",
            f"ls ~/.cache/pip/wheels 2>&1 | head; ls {ctx.site} | grep -i {name.split('-')[0].lower()[:6]}",
            "ls: cannot access '/root/.cache/pip/wheels': No such file or directory",
            1,
            0.2,
        ),
    ]
    return weave(rng, n, [pip, curl, git, urllib, pip], looks, f"installing {name} without network access")


def arg_list_too_long(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Commands fed every file of the repository on one command line, which the kernel refuses."""
    pkg = ctx.run.package

    def word(rng: random.Random) -> str:
        return pick(rng, [ctx.stem, ctx.cls, f"def {ctx.stem}", f"import {ctx.stem}", f"{ctx.cls}("])

    def grep(rng: random.Random, i: int) -> Step:
        tool, cmd = rng.choice(
            [
                ("grep", f"grep -n \"{word(rng)}\" $(find . -name '*.py')"),
                ("grep", f"grep -ln \"{word(rng)}\" $(git ls-files '*.py') | head"),
                ("wc", f"wc -l $(find {pkg} tests -name '*.py') | tail -n 1"),
                ("sed", f"sed -i 's/{ctx.stem}_old/{ctx.stem}/g' $(git ls-files)"),
                (
                    "cat",
                    f"cat $(find . -name '*.py' -path '*{ctx.stem}*') $(find tests -name '*.py') | grep -c {ctx.stem}",
                ),
                ("python", f"python -m pytest $(find tests -name 'test_*.py') -q -k {ctx.stem}"),
                ("grep", f'shopt -s globstar; grep -n "{word(rng)}" **/*.py'),
                ("ls", f"ls -la $(find . -type f) | grep {ctx.stem}"),
            ],
        )
        path = {"python": "/opt/miniconda3/envs/testbed/bin/python"}.get(tool, f"/usr/bin/{tool}")
        return Step(
            pick(
                rng,
                [
                    "Let me search across the whole repository for every use.",
                    "I'll go over all the files at once.",
                    "Trying again over every file in the tree.",
                ],
            ),
            cmd,
            f"bash: {path}: Argument list too long",
            126,
            rng.uniform(0.3, 3),
        )

    def xargs(rng: random.Random, i: int) -> Step:
        size = rng.choice([4000000, 9999999, 3000000])
        return Step(
            "Maybe xargs with a bigger buffer gets it in one go.",
            f"find . -name '*.py' -print0 | xargs -0 -s {size} grep -n \"{word(rng)}\"",
            f"xargs: value for -s option should be <= {rng.choice([2091826, 2093439, 2092271])}",
            1,
            0.2,
        )

    looks: list[Maker] = [
        lambda rng, i: Step(
            "How many files are we talking about?",
            pick(rng, ["find . -name '*.py' | wc -l", "git ls-files | wc -l"]),
            str(rng.randint(900, 7000)),
            0,
            0.4,
        ),
        lambda rng, i: Step("What is the argument size limit?", "getconf ARG_MAX", "2097152", 0, 0.1),
        lambda rng, i: Step(
            "How long would the command line be?",
            "find . -type f | wc -c",
            str(rng.randint(2_200_000, 9_000_000)),
            0,
            0.5,
        ),
        lambda rng, i: Step("Is the stack limit what caps it?", "ulimit -s", pick(rng, ["8192", "8192"]), 0, 0.1),
    ]
    return weave(rng, n, [grep, grep, xargs, grep], looks, "searching the whole repository in one command")
