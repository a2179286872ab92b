"""context-dump: ever bigger dumps of the same files and history, bringing nothing new."""

from __future__ import annotations

import random

from .edits import code_lines
from .instance import Instance
from .protocol import Step
from .texts import grep, plain, span, view


def _log(inst: Instance, count: int) -> str:
    """`git log -p -n count` of the file: the same commits every time, more of them each time."""
    lines = inst.lines(inst.source)
    numbers = code_lines(inst)
    found: list[str] = []
    local = random.Random(inst.name)  # the history is the same on every call
    for i in range(count):
        sha = "".join(local.choice("0123456789abcdef") for _ in range(40))
        number = numbers[(i * 7) % len(numbers)]
        author = local.choice(
            [
                "Mariusz Felisiak",
                "Aaron Meurer",
                "Thomas A Caswell",
                "Adam Johnson",
                "Nick Pope",
                "Stephan Hoyer",
                "Bruno Oliveira",
                "Takeshi KOMIYA",
            ]
        )
        found.append(
            f"commit {sha}\nAuthor: {author} <{author.split()[0].lower()}@example.com>\nDate:   {local.choice(['Mon', 'Tue', 'Wed', 'Thu', 'Fri'])} {local.choice(['Jan', 'Mar', 'Jun', 'Sep', 'Nov'])} {local.randint(1, 28)} {local.randint(10, 23)}:{local.randint(10, 59)}:{local.randint(10, 59)} {local.randint(2016, 2023)} +0100\n\n"
            f"    Refs #{local.randint(20000, 34000)} -- Adjusted {inst.source.rsplit('/', 1)[-1]}.\n\n"
            f"diff --git a/{inst.source} b/{inst.source}\n--- a/{inst.source}\n+++ b/{inst.source}\n@@ -{number - 2},5 +{number - 2},5 @@\n"
            + "".join(f" {lines.get(m, '')}\n" for m in range(number - 2, number))
            + f"-{lines[number]}  # old\n+{lines[number]}\n"
            + "".join(f" {lines.get(m, '')}\n" for m in range(number + 1, number + 3))
        )
    return "\n".join(found)


def context_dump(inst: Instance, rng: random.Random, n: int) -> list[Step]:
    first, last = span(inst, inst.source)
    function = rng.choice(inst.functions())
    folder = inst.source.rsplit("/", 1)[0]
    users = [p for p in inst.neighbours() if p.startswith(folder) and grep(inst, p, function)][:6]
    steps: list[Step] = []
    width = 40
    kinds = ["view", "grep", "log", "cat", "tail"]
    for i in range(n):
        kind = kinds[i % len(kinds)] if rng.random() < 0.7 else rng.choice(kinds)
        width = int(width * rng.uniform(1.15, 1.5))
        if kind == "view":
            steps.append(
                Step(
                    "I need more context around the code path. Let me see a larger part of the file.",
                    f"nl -ba {inst.source} | sed -n '{first},{min(last, first + width)}p'",
                    view(inst, inst.source, first, first + width),
                )
            )
        elif kind == "grep":
            context = min(40, 3 + i)
            steps.append(
                Step(
                    f"Let me see every use of `{function}` with more surrounding lines.",
                    f"grep -rn -C {context} '{function}' {inst.source}",
                    grep(inst, inst.source, function, context) or "\n",
                )
            )
        elif kind == "log":
            count = 2 + i
            steps.append(
                Step(
                    "Maybe the history explains the intent. Show more of the log with patches.",
                    f"git log -p -n {count} -- {inst.source}",
                    _log(inst, count),
                )
            )
        elif kind == "cat":
            steps.append(
                Step(
                    "Let me read the whole file to be sure I'm not missing anything.",
                    f"cat {inst.source}",
                    plain(inst, inst.source, first, last),
                )
            )
        else:
            context = min(30, 2 + i)
            hits = "".join(
                f"{path}:{line}"
                for path in [inst.source, *users]
                for line in grep(inst, path, function, context).splitlines(True)
            )
            steps.append(
                Step(
                    f"Search the whole package for `{function}` with a wider window.",
                    f"grep -rn -C {context} '{function}' {folder}/ --include=*.py",
                    hits or "\n",
                )
            )
    return steps
