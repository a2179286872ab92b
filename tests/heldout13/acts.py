"""Steps every session is made of: commands, reads, partial views, edits, test runs and an opening."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

from heldout.shapes import Step

from .chain import Chain, lines_of, report, spot
from .drift import fill


def sh(rng: random.Random, command: str, output: str, code: int = 0, seconds: float = 0.0) -> Step:
    return Step("shell", fill(command, rng), fill(output, rng), code, seconds=seconds)


def read(chain: Chain, path: str, now: str | None = None) -> Step:
    return Step("read", path, "\n".join(lines_of(chain, path, now)) + "\n")


def view(chain: Chain, rng: random.Random, path: str, now: str | None = None) -> Step:
    """Part of a file, picked a new way each time: a range, its head or tail, a grep, its history."""
    lines = lines_of(chain, path, now)
    a = rng.randint(1, max(1, len(lines) - 8))
    b = min(len(lines), a + rng.randint(5, 30))
    how = rng.randrange(7)
    if how == 0:
        return Step("shell", f"sed -n '{a},{b}p' {path}", "\n".join(lines[a - 1 : b]))
    if how == 1:
        return Step("shell", f"head -n {b} {path}", "\n".join(lines[:b]))
    if how == 2:
        return Step("shell", f"tail -n {b - a + 1} {path}", "\n".join(lines[-(b - a + 1) :]))
    if how == 3:
        return Step(
            "shell",
            f"awk 'NR>={a} && NR<={b}' {path} | cat -n",
            "\n".join(f"{n:6d}\t{t}" for n, t in enumerate(lines[a - 1 : b], a)),
        )
    if how == 4:
        return Step(
            "shell",
            f"wc -l {path} && git log --oneline -4 -- {path}",
            f"{len(lines)} {path}\n" + "\n".join(_history(chain, path)),
        )
    word = rng.choice(
        [w for w in " ".join(lines[1:]).replace("(", " ").replace(")", " ").split() if w.isidentifier() and len(w) > 3]
        or [path.rsplit("/", 1)[-1]]
    )
    hits = [f"{n}:{t}" for n, t in enumerate(lines, 1) if word in t]
    if how == 5:
        return Step("grep", word, "\n".join(f"{path}:{hit}" for hit in hits), code=0 if hits else 1, extra=path)
    return Step("shell", f"grep -n -C1 '{word}' {path}", "\n".join(hits), code=0 if hits else 1)


def _history(chain: Chain, path: str) -> list[str]:
    rng = random.Random(f"heldout13/{chain.name}/{path}/log")
    subjects = (
        "fix rounding at the band edges",
        "bump toolchain",
        "add wind-slab rule",
        "split danger scale",
        "review comments",
        "reformat",
    )
    return [f"{rng.getrandbits(28):07x} {rng.choice(subjects)}" for _ in range(4)]


def edit(chain: Chain, path: str, new: str, now: str | None = None) -> Step:
    """`new` replaces the spot line of `path` (which reads `now` there, or the original)."""
    return Step("edit", path, lines_of(chain, path, now)[spot(chain, path)], extra=new)


def revert(rng: random.Random, path: str) -> Step:
    command = rng.choice(
        (f"git checkout -- {path}", f"git restore {path}", f"git diff --stat && git checkout -- {path}")
    )
    return sh(rng, command, "Updated 1 path from the index" if "checkout" in command else "")


def suite(chain: Chain, rng: random.Random, failed: Sequence[tuple[str, str]] = (), command: str = "") -> Step:
    output = report(chain, rng, chain.tests, failed)
    return Step("shell", fill(command or chain.suite, rng), output, 1 if failed else 0, seconds=rng.uniform(3, 90))


def one(chain: Chain, rng: random.Random, test: str, failure: str = "") -> Step:
    output = report(chain, rng, [test], [(test, failure)] if failure else [])
    return Step("shell", chain.one.replace("{test}", test), output, 1 if failure else 0, seconds=rng.uniform(1, 20))


def sleep(rng: random.Random) -> Step:
    seconds = rng.choice((5, 10, 15, 20, 30, 45, 60, 90))
    return Step("shell", f"sleep {seconds}", "", seconds=float(seconds))


def opening(chain: Chain, rng: random.Random, n: int) -> list[Step]:
    """n calls of finding one's way: the repo's state, its files, a plan, a first run of the checks."""
    top = sorted({path.split("/")[0] for path in chain.files})
    pool = [
        sh(
            rng,
            f"cd {chain.root} && git status --short && git log --oneline -4",
            " M " + chain.files[0] + "\n" + "\n".join(_history(chain, ".")),
        ),
        sh(
            rng,
            f"ls -la {chain.root}",
            "\n".join(f"drwxr-xr-x  %digit% dev dev 4096 Feb %digit% %clock% {name}" for name in [*top, ".git"]),
        ),
        read(chain, chain.files[0]),
        Step("todo", "Reproduce the failure;Find where the rating is computed;Fix it and rerun the checks", ""),
        view(chain, rng, chain.files[1]),
        suite(chain, rng, [(chain.tests[0], chain.asserts[0])]),
        read(chain, chain.files[2]),
        sh(rng, chain.lint, chain.lint_ok, seconds=rng.uniform(1, 15)),
        view(chain, rng, chain.files[3]),
        sh(rng, chain.build, chain.built, seconds=rng.uniform(2, 60)),
        sh(
            rng,
            f"git log -3 --format='%h %an %s' -- {chain.files[0]}",
            "\n".join(f"{h.split()[0]} dev {h.split(' ', 1)[1]}" for h in _history(chain, chain.files[0])[:3]),
        ),
        read(chain, chain.files[4]),
    ]
    return pool[:n]


def tweaks(chain: Chain, rng: random.Random) -> list[str]:
    """Edits of files[0], no two alike: every fix template with ever new numbers, in a random order."""
    numbers = [str(x) for x in range(2, 80)]
    found = [fix.replace("{k}", k) for k, fix in itertools.product(numbers, chain.fixes)]
    rng.shuffle(found)
    return found


def finish(chain: Chain, rng: random.Random) -> list[Step]:
    """How productive work ends: a last look, a last edit, the suite green, the linter quiet."""
    path = chain.files[0]
    return [
        view(chain, rng, path),
        edit(chain, path, tweaks(chain, rng)[0]),
        suite(chain, rng),
        sh(rng, chain.lint, chain.lint_ok, seconds=rng.uniform(1, 15)),
    ]
