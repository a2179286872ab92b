"""Docs warnings as errors: a Sphinx build with -W failing on a new warning each time the last one is fixed."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20.calls import Step
from heldout22.docs import DOCS, ROLES, WARNINGS, Docs
from heldout22.text import Ctx, Maker, vary, weave


@dataclass
class _Progress:
    edits: int = 0
    fixed: bool = False  # the warning last shown has been fixed, so the next build shows another


@dataclass
class _Warning:
    text: str
    location: str
    fix: str
    command: str


def _draw(ctx: Ctx, docs: Docs, rng: random.Random, avoid: set[int], edits: int) -> tuple[int, _Warning]:
    kinds = [i for i in range(len(WARNINGS)) if i not in avoid] or list(range(len(WARNINGS)))
    kind = rng.choice(kinds)
    text, docstring, fix, command = WARNINGS[kind]
    page, page2 = rng.sample(docs.pages, 2)
    label = rng.choice(
        [
            ctx.func.strip("_").replace("_", "-"),
            f"{ctx.stem.replace('_', '-')}-api",
            f"whatsnew-{ctx.stem}",
            "ref-" + ctx.func.strip("_"),
        ]
    )
    role, good = rng.choice(ROLES)
    values = {
        "label": label,
        "page": page,
        "page2": page2,
        "root": docs.root,
        "ext": docs.ext,
        "dotted": ctx.dotted,
        "func": ctx.func,
        "source": ctx.source,
        "role": role.rstrip(":"),
        "good": good,
        "n": str(edits + 2),
        "line": str(rng.randint(12, 1400)),
        "dline": str(rng.randint(40, 1900)),
        "underline": "=" * rng.randint(18, 40),
    }
    if docstring:
        location = f"/testbed/{ctx.source}:docstring of {ctx.dotted}.{ctx.func}:{rng.randint(3, 30)}"
    elif "toctree" in text and "nonexisting" not in text:
        location = f"/testbed/{docs.root}/{page}{docs.ext}"
    else:
        location = f"/testbed/{docs.root}/{page}{docs.ext}:{values['line']}"
    return kind, _Warning(text.format(**values), location, fix.format(**values), command.format(**values))


def _build_output(
    docs: Docs, rng: random.Random, warning: _Warning, changed: int, fresh: bool = False
) -> tuple[str, int]:
    pages = rng.sample(docs.pages, min(len(docs.pages), max(1, changed)))
    reading = [f"reading sources... [{round(100 * (i + 1) / len(pages)):>3}%] {page}" for i, page in enumerate(pages)]
    total = rng.randint(180, 900)
    lines = [
        f"Running Sphinx v{docs.sphinx}",
        "making output directory... done" if fresh else "loading pickled environment... done",
        "building [mo]: targets for 0 po files that are out of date",
        f"building [html]: targets for {total if fresh else len(pages)} source files that are out of date",
        f"updating environment: [new config] {total} added, 0 changed, 0 removed"
        if fresh
        else f"updating environment: 0 added, {len(pages)} changed, 0 removed",
        *reading,
        "",
        "Warning, treated as error:",
        f"{warning.location}:{warning.text}"
        if ":" in warning.location.rsplit("/", 1)[-1]
        else f"{warning.location}: {warning.text}",
    ]
    if docs.build.startswith("make"):
        lines.append(
            f"make: *** [Makefile:{rng.choice([20, 47, 52])}: html{'-noplot' if 'noplot' in docs.build else ''}] Error 2"
        )
    return "\n".join(lines), 2


def docs_warnings_as_errors(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    docs = DOCS[ctx.owner]
    seen: set[int] = set()
    state = _Progress()
    kind, current = _draw(ctx, docs, rng, seen, 0)
    seen.add(kind)

    def build(k: int) -> Step:
        nonlocal kind, current
        if state.fixed:
            kind, current = _draw(ctx, docs, rng, seen, state.edits)
            seen.add(kind)
            if len(seen) > 8:
                seen.clear()
            state.fixed = False
        out, rc = _build_output(docs, rng, current, rng.randint(1, 4))
        thought = vary(
            rng,
            [
                "Rebuilding the docs with warnings as errors.",
                "Let me rebuild the documentation.",
                "Let me see if the docs build cleanly now.",
            ],
        )
        return Step(thought, _variant(docs, rng), out, rc, rng.uniform(25, 140))

    def fix(k: int) -> Step:
        if state.fixed:
            return build(k)
        state.edits += 1
        state.fixed = True
        where = current.location.removeprefix("/testbed/")
        return Step(
            f"The build now stops on `{current.text}` at {where}. I'll {current.fix}.",
            current.command,
            "",
            0,
            0.3,
        )

    def nowarn(k: int) -> Step:
        others = [_draw(ctx, docs, rng, set(), state.edits)[1] for _ in range(rng.randint(2, 5))]
        count = len(others) + 1
        listing = "\n".join(f"{w.location}: WARNING: {w.text}" for w in [current, *others])
        return Step(
            "Let me build once without -W to see every warning at once instead of one per run.",
            docs.build.replace("-W ", "").replace("'-W'", "''").replace("-W -q", "-q")
            + " 2>&1 | grep -E 'WARNING|ERROR|succeeded' | tail -15",
            f"{listing}\nbuild succeeded, {count} warnings.",
            0,
            rng.uniform(60, 200),
        )

    def clean(k: int) -> Step:
        nonlocal kind, current
        kind, current = _draw(ctx, docs, rng, seen, state.edits)
        seen.add(kind)
        state.fixed = False
        return Step(
            "The pickled environment may be stale and hide warnings. Let me wipe the build output and rebuild from scratch.",
            f"rm -rf /tmp/html /tmp/doctrees {docs.root}/_build && {docs.build}",
            *_build_output(docs, rng, current, 4, fresh=True),
            rng.uniform(120, 300),
        )

    fixes: list[Maker] = [fix, fix, fix, fix, fix, nowarn, clean]
    looks: list[Maker] = [
        lambda k: Step(
            "Let me look at the lines the warning points at.",
            _look(current.location, docs),
            _listing(rng, ctx, current),
            0,
            0.2,
        ),
        lambda k: Step(
            "What does the docs configuration say about nitpicky mode and extensions?",
            f"grep -n -E 'nitpick|extensions|suppress_warnings' {docs.root}/conf.py | head",
            f"{docs.root}/conf.py:{rng.randint(30, 60)}:extensions = [\n{docs.root}/conf.py:{rng.randint(100, 300)}:nitpicky = True",
            0,
            0.1,
        ),
        lambda k: Step(
            "Which Sphinx is installed?",
            'python -c "import sphinx, docutils; print(sphinx.__version__, docutils.__version__)"',
            f"{docs.sphinx} 0.{rng.choice([17, 18, 19])}.1",
            0,
            0.6,
        ),
        lambda k: Step(
            "Let me check what I have changed in the docs so far.",
            f"git diff --stat -- {docs.root} {ctx.source}",
            f" {ctx.source} | {state.edits + 4} ++--\n {docs.root}/{docs.pages[0]}{docs.ext} | {state.edits + 1} +-",
            0,
            0.2,
        ),
    ]
    first = [
        Step(
            f"I've updated the docstring of `{ctx.func}`. Since the docs are built with warnings treated as errors, let me build them to make sure it renders.",
            docs.build,
            *_build_output(docs, rng, current, 3),
            rng.uniform(60, 180),
        )
    ]
    return weave(rng, n, first, fixes, build, looks, "the documentation build with -W", look_rate=0.25, check_rate=0.85)


def _variant(docs: Docs, rng: random.Random) -> str:
    """The build command as the agent happens to type it this time."""
    if docs.build.startswith("make"):
        return vary(
            rng,
            [
                docs.build,
                docs.build + " 2>&1 | tail -15",
                docs.build.replace("-W", "-W -j 2"),
                docs.build.replace("SPHINXOPTS='", "SPHINXOPTS='-n "),
            ],
        )
    return vary(
        rng,
        [
            docs.build,
            docs.build.replace("-W", "-W -j 2"),
            docs.build.replace("-W", "-W -q"),
            docs.build + " 2>&1 | tail -15",
            docs.build.replace(" -d /tmp/doctrees", ""),
        ],
    )


def _look(location: str, docs: Docs) -> str:
    path = location.removeprefix("/testbed/").split(":docstring")[0].split(":")[0]
    line = location.rsplit(":", 1)[-1] if location.rsplit(":", 1)[-1].isdigit() else "1"
    return f"sed -n '{max(1, int(line) - 4)},{int(line) + 4}p' {path}"


def _listing(rng: random.Random, ctx: Ctx, warning: _Warning) -> str:
    if ":docstring of" in warning.location:
        return f'    def {ctx.func}(self, *args, **kwargs):\n        """\n        Return the result of the operation.\n\n        Parameters\n        ----------\n            value : object\n        The input to convert.\n        """'
    return f".. _{ctx.func.strip('_').replace('_', '-')}:\n\n{ctx.func}\n{'=' * max(4, len(ctx.func) - 3)}\n\nSee :ref:`{ctx.stem}-api` and :func:`{ctx.dotted}.{ctx.func}`."
