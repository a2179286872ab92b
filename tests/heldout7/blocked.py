"""env-blocked: the task cannot be done here (no compiler for a C extension, no network, no database
server, a read-only site-packages, a missing locale or font) and the agent attacks the wall with ever
different commands. Each attack's error drifts, and most do not name the cause in the same words."""

from __future__ import annotations

import random

from . import drift, walls
from .context import Ctx, pick
from .shell import Step, step, timed_out, unparsed

KINDS = ("compiler", "database", "network", "readonly", "locale", "network")


def fits(kind: str, repo: str) -> bool:
    """A C-extension rebuild needs a repository with extensions; a database server needs Django."""
    return {"compiler": repo in walls.IMPORT_ERROR, "database": repo == "django"}.get(kind, repo in walls.PACKAGES)


def _fields(ctx: Ctx, rng: random.Random, pkg: str, lang: str) -> dict[str, object]:
    py = ctx.run.python()
    ext, src, envvar = walls.EXT.get(ctx.run.repo, ("", "", ""))
    host = "localhost" if rng.random() < 0.5 else "127.0.0.1"
    refused = f'django.db.utils.OperationalError: could not connect to server: Connection refused\n\tIs the server running on host "{host}" ({"127.0.0.1" if host == "localhost" else host}) and accepting\n\tTCP/IP connections on port 5432?'
    socket = 'could not connect to server: No such file or directory\n\tIs the server running locally and accepting\n\tconnections on Unix domain socket "/var/run/postgresql/.s.PGSQL.5432"?'
    retries = "".join(
        walls.RETRY.format(n=n, addr=drift.address(rng), pkg=pkg) for n in range(4, 4 - rng.randint(1, 5), -1)
    )
    return {
        "retries": retries,
        "pkg": pkg,
        "py": py,
        "pyn": py.replace(".", ""),
        "addr": drift.address(rng),
        "n": rng.randint(0, 4),
        "host": rng.choice(("pypi.org", "files.pythonhosted.org")),
        "url": rng.choice(
            (
                "https://mirrors.aliyun.com/pypi/simple/",
                "https://pypi.tuna.tsinghua.edu.cn/simple",
                "https://pypi.python.org/simple",
            )
        ),
        "tmp": drift.tmp_dir(rng),
        "resolv": rng.choice(("nameserver 127.0.0.11\noptions ndots:0", "", "search .\nnameserver 10.0.0.2")),
        "ext": ext,
        "src": src,
        "obj": src.rsplit("/", 1)[-1].rsplit(".", 1)[0] + ".o",
        "name": ctx.run.repo,
        "envvar": envvar,
        "stem": ext.rsplit(".", 1)[-1],
        "cc": rng.choice(("clang", "cc")),
        "apt": rng.choice(("build-essential", "gcc")),
        "found": rng.choice(
            ("", "/opt/miniconda3/envs/testbed/lib/libgomp.so.1\n/opt/miniconda3/envs/testbed/lib/libstdc++.so.6")
        ),
        "script": ctx.script,
        "import_error": walls.IMPORT_ERROR.get(ctx.run.repo, ""),
        "label": ctx.test_path.removeprefix("tests/")[:-3].replace("/", "."),
        "pghost": host,
        "pgport": rng.choice((5432, 5433)),
        "pg_refused": rng.choice((refused, f"django.db.utils.OperationalError: {socket}")),
        "pg_short": rng.choice((refused.split(": ", 1)[1], socket)),
        "loc": f"{lang}.UTF-8",
        "loc2": f"{lang}.utf8",
        "lang": lang,
    }


def env_blocked(ctx: Ctx, length: int, variant: int) -> list[Step]:
    rng = ctx.rng
    attacks = walls.BLOCKERS[KINDS[variant % len(KINDS)]]
    pkg = rng.choice(walls.PACKAGES.get(ctx.run.repo, ("pytest-timeout",)))
    lang = rng.choice(("de_DE", "fr_FR", "tr_TR", "ja_JP", "pt_BR"))
    steps: list[Step] = []
    order = list(range(1, len(attacks)))
    while len(steps) < length:
        rng.shuffle(order)
        for i in ([] if steps else [0]) + order[: rng.randint(3, len(order))]:  # the first attack shows the wall
            thoughts, commands, code, output = attacks[i]
            fields = _fields(ctx, rng, pkg, lang)
            opener = (
                ""
                if not steps
                else pick(
                    rng,
                    (
                        "",
                        "That did not work either. ",
                        "Still failing. ",
                        "Same problem. ",
                        "Hmm. ",
                        "The error persists. ",
                        "No luck. ",
                    ),
                )
            )
            which = rng.randrange(len(commands))
            command = commands[which].format(**fields)
            text = (output if isinstance(output, str) else output[which]).format(**fields)
            thought = opener + pick(rng, thoughts, **fields)
            if command.startswith(("pip install", "python -m pip", "conda install")) and rng.random() < 0.2:
                # pip and conda sometimes hang on the dead network until the harness kills them
                steps.append(
                    Step(f"THOUGHT: {thought}\n\n```bash\n{command}\n```", timed_out(command, text.split("\n")[0]), 60)
                )
            else:
                steps.append(step(thought, command, code if text or code else 0, text, rng.uniform(1, 25)))
            if rng.random() < 0.05:
                steps.append(unparsed(thought, [command, walls.CHECKS.get(KINDS[variant % len(KINDS)], "echo $?")]))
    return steps[:length]
