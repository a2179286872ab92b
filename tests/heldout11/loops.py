"""The loop families: after an opening of 3–12 calls, 15–40 calls that get nowhere.

Each builder returns (steps, onset): the onset is the index of the first wasted step, which is the
`loop_from_seq` of the call that makes it (call k carries the answer with step k).
"""

from __future__ import annotations

import random

from heldout.shapes import Step

from .steps import append, build, dies, diff, edit, failing, insert, lint, one, opening, read, sh, suite, view
from .toolchain import Blocker, Toolchain, Tree, put


def _start(tc: Toolchain, rng: random.Random, failed: dict[str, str]) -> tuple[Tree, list[Step]]:
    tree = Tree(tc)
    return tree, opening(tc, tree, rng, rng.randint(3, 12), failed)


_WRAPS = ("timeout 300 {c}", "{c} 2>&1 | tail -n 25", "env -u http_proxy -u https_proxy {c}", "cd /tmp && {c}")


def _kind(alt: str) -> str:
    """What an alternative is: a URL, a path, or a flag (an option, a version, a keyword argument)."""
    if alt.startswith(("http", "file:")):
        return "url"
    return "path" if alt.startswith(("/", "~", "$HOME")) else "flag"


def _slot(before: str) -> str:
    """What a command's slot takes, by the text before it."""
    if before.endswith(
        ("URL=", "--catalog", "catalog-copy", "--remote", "-SourceLocation", "curl -sSL", 'install-dist "')
    ):
        return "url"
    return "path" if before.endswith(("PATH=", '#p"', 'library "')) else "flag"


def _attempts(wall: Blocker, rng: random.Random) -> list[tuple[str, str]]:
    """(command template, alternative) pairs whose alternative fits the command's slot, the plain first."""
    found = []
    for template in wall.tries:
        slot = _slot(template.split("{alt}")[0].rstrip())
        fitting = [a for a in wall.alts if _kind(a) == slot] or list(wall.alts)
        found += [(template, alt) for alt in fitting]
    rest = found[1:]
    rng.shuffle(rest)
    wrapped = [(wrap.replace("{c}", t), a) for t, a in found for wrap in _WRAPS]  # once the plain ways run out
    rng.shuffle(wrapped)
    return [found[0], *rest, *wrapped]


def _against(tc: Toolchain, tree: Tree, rng: random.Random, wall: Blocker, count: int) -> list[Step]:
    """Ever different attempts at a wall: commands with other flags, hosts and paths, diagnostics, config
    edits; each answered by a wording of the same wall that rarely repeats the last one."""
    attempts = _attempts(wall, rng)
    looks = list(wall.looks)
    rng.shuffle(looks)
    settings = list(wall.settings)
    written = ""
    tracked = wall.config in tc.sources
    hosts = [a for a in wall.alts if a.startswith("http")] or ["localhost"]  # what an error names as tried
    last = -1
    tried: set[str] = set()
    out: list[Step] = []
    while len(out) < count:
        roll = rng.random()
        if roll < 0.13 and settings:
            setting = settings.pop(0)
            if tracked:
                out.append(append(tree, wall.config, setting))
            else:
                out.append(sh(rng, f"cat >> {wall.config} <<'EOF'\n{setting}\nEOF", ""))
            written = setting
        elif roll < 0.3 and looks:
            command, output, code = looks.pop()
            out.append(sh(rng, command, output, code, seconds=rng.uniform(0.1, 3)))
        elif roll < 0.34 and written:
            out.append(sh(rng, f"cat {wall.config}", written if not tracked else tree.text(wall.config)))
            written = ""
        else:
            template, alt = attempts.pop(0)
            command = " ".join(put(template, rng, alt=alt).split())
            if command in tried:
                continue
            tried.add(command)
            choices = [k for k in range(len(wall.errors)) if k != last]
            last = rng.choice(choices)
            error = put(wall.errors[last], rng, alt=alt if alt.startswith("http") else hosts[0])
            out.append(Step("shell", command, error, rng.choice((1, 1, 1, 2)), seconds=rng.uniform(1, 60)))
    return out


def env_blocked(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    tree, steps = _start(tc, rng, failing(tc, 0))
    onset = len(steps)
    wall = tc.blockers[(i // 2 + i) % 2]
    return steps + _against(tc, tree, rng, wall, rng.randint(15, 40)), onset


def unfixable_bug(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """A different edit of the failing line each round; the same test fails the same way, its traceback
    quoting the line as just written (and where it now is, once a line went in above it)."""
    test = tc.tests[0]
    tree, steps = _start(tc, rng, failing(tc, 0))
    onset = len(steps)
    src, at = tc.sources[0], tc.hot
    plan: list[tuple[str, str]] = [("fix", f) for f in tc.fixes]
    rng.shuffle(plan)
    for guard in rng.sample(tc.guards, k=rng.randint(1, len(tc.guards))):
        plan.insert(rng.randint(1, len(plan)), ("guard", guard))
    count = rng.randint(15, 34)
    loop: list[Step] = []
    while len(loop) < count:
        if plan:
            kind, line = plan.pop(0)
            if kind == "fix":
                loop.append(edit(tree, src, at, line))
            else:
                loop.append(insert(tree, src, at, line))
                at += 1
        else:
            loop.append(view(tree, rng, src))
        loop.append(dies(tc, tree, rng, test, at))
        extra = rng.random()
        if extra < 0.2:
            loop.append(view(tree, rng, src))
        elif extra < 0.3:
            loop.append(read(tree, tc.sources[2]))
        elif extra < 0.4:
            loop.append(
                Step("grep", tc.tests[0].split()[0], f"{tc.sources[2]}:{12}:{tc.tests[0]}", extra=tc.sources[2])
            )
    return steps + loop[:count], onset


def long_cycle(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """One round of 5–9 steps again and again: look, apply one of a few edits, build, run the test, diff,
    lint, check out the file again; flags, ranges and which edit vary a little from round to round."""
    order = ("view", "edit", "build", "test", "diff", "lint", "status", "checkout", "grep")
    size = rng.randint(5, 9)
    optional = [k for k in order if k not in ("view", "edit", "test", "checkout")]
    kinds = {"view", "edit", "test", "checkout", *rng.sample(optional, k=size - 4)}
    round_ = [k for k in order if k in kinds]
    candidates = rng.sample(tc.fixes, k=rng.randint(2, 3))
    test = tc.tests[0]
    tree, steps = _start(tc, rng, failing(tc, 0))
    onset = len(steps)
    src = tc.sources[0]
    original = tree.lines(src)[tc.hot]
    count = min(40, max(rng.randint(15, 40), 2 * size + 1))
    loop: list[Step] = []
    turn = 0
    while len(loop) < count:
        line = candidates[turn % len(candidates)]
        for kind in round_:
            if kind == "view":
                loop.append(view(tree, rng, src) if rng.random() < 0.7 else read(tree, src))
            elif kind == "edit":
                loop.append(edit(tree, src, tc.hot, line))
            elif kind == "build":
                loop.append(build(tc, rng))
            elif kind == "test":
                loop.append(dies(tc, tree, rng, test, tc.hot))
            elif kind == "diff":
                if rng.random() < 0.5:
                    loop.append(diff(tree, rng, src, original, line))
                else:
                    loop.append(
                        sh(rng, "git diff --stat", f" {src} | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)")
                    )
            elif kind == "lint":
                loop.append(lint(tc, rng))
            elif kind == "status":
                loop.append(sh(rng, rng.choice(("git status --short", "git status -s")), f" M {src}"))
            elif kind == "checkout":
                tree.change(src, tc.hot, original)
                loop.append(sh(rng, rng.choice((f"git checkout -- {src}", f"git restore {src}")), ""))
            else:
                word = original.strip().split(" ")[0]
                loop.append(Step("grep", word, f"{src}:{tc.hot + 1}:{original}", extra=src.rsplit("/", 1)[0] or "."))
        turn += 1
    return steps + loop[:count], onset


def stubborn_retry(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """One command run again and again without a change in between: a push or publish that is refused,
    or the failing suite itself; now and then after a sleep."""
    _, steps = _start(tc, rng, failing(tc, 0))
    onset = len(steps)
    count = rng.randint(15, 40)
    loop: list[Step] = []
    command, error = tc.stuck
    while len(loop) < count:
        if loop and rng.random() < 0.15:
            wait = rng.choice((10, 30, 60))
            loop.append(sh(rng, f"sleep {wait}", "", seconds=wait))
        elif i % 2:
            loop.append(suite(tc, rng, failing(tc, 0)))
        else:
            loop.append(sh(rng, command, error, 1, seconds=rng.uniform(1, 8)))
    return steps + loop[:count], onset


def reread(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Two to four files viewed over and over through ranges, heads, tails and greps; nothing edited."""
    tree, steps = _start(tc, rng, failing(tc, 0))
    onset = len(steps)
    files = [
        tc.sources[0],
        *rng.sample([tc.sources[1], tc.sources[2], tc.sources[3], *tc.more[:3]], k=rng.randint(1, 3)),
    ]
    count = rng.randint(15, 40)
    loop: list[Step] = []
    while len(loop) < count:
        path = rng.choice(files)
        loop.append(read(tree, path) if rng.random() < 0.25 else view(tree, rng, path))
    return steps + loop, onset


def flip_flop(tc: Toolchain, rng: random.Random, i: int) -> tuple[list[Step], int]:
    """Two fixes applied in turn: each makes one test pass and brings the other's failure back."""
    tree, steps = _start(tc, rng, failing(tc, 0))
    onset = len(steps)
    src = tc.sources[0]
    count = rng.randint(15, 40)
    loop: list[Step] = []
    turn = 0
    while len(loop) < count:
        side = turn % 2
        loop.append(edit(tree, src, tc.hot, tc.flip[side]))
        other = 1 - side
        if rng.random() < 0.5:
            loop.append(suite(tc, rng, failing(tc, other)))
        else:
            loop.append(one(tc, rng, tc.tests[other], tc.failures[other]))
            if rng.random() < 0.5:
                loop.append(one(tc, rng, tc.tests[side], None))
        if rng.random() < 0.35:
            loop.append(view(tree, rng, src) if rng.random() < 0.6 else read(tree, tc.sources[2]))
        turn += 1
    return steps + loop[:count], onset
