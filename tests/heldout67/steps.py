# ruff: noqa: E501
"""The code a family's agent edits (slots with their options and the failures each leaves), and the looks between attempts."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit
from heldout67.text import Area, Attempt, Ctx

Option = tuple[str, str, Sequence[str]]  # a slot's text, the agent's reason for it, the kinds of failure it leaves


class Code:
    """A function the agent edits: its source with named slots, each slot's options and current text.

    Each option names the failures it leaves, so a run fails as the code now stands.
    """

    def __init__(self, path: str, template: str, options: dict[str, list[Option]]) -> None:
        self.path, self.template, self.options = path, template, options
        self.slots = {slot: opts[0][0] for slot, opts in options.items()}
        self.tried: dict[str, list[str]] = {slot: [opts[0][0]] for slot, opts in options.items()}

    @property
    def body(self) -> str:
        return self._fill(self.template)

    def change(self, rng: random.Random, slot: str) -> tuple[str, str]:
        """An edit of `slot` to another of its options: (command, thought); going back to a text says so."""
        new, why, _ = rng.choice([o for o in self.options[slot] if o[0] != self.slots[slot]])
        old = self.slots[slot]
        before = new in self.tried[slot]
        if not why:  # the original text: the thought already says it is going back
            why = rng.choice(["Put the original line back", "Revert that line to what it was"])
            why += f": `{new.strip().splitlines()[0]}`." if new.strip() else "; the change didn't help."
            before = False
        if len(old) < 12 or rng.random() < 0.3:
            # The whole line the slot sits on, as the agent would quote it.
            line = next(t for t in self.template.split("\n") if f"<<{slot}>>" in t)
            old = self._fill(line)
            self.slots[slot] = new
            new_text = self._fill(line)
        else:
            self.slots[slot] = new_text = new
        self.tried[slot].append(new)
        return py_edit(self.path, old, new_text), again(rng, why, before)

    def _fill(self, text: str) -> str:
        for slot, value in self.slots.items():
            text = text.replace(f"<<{slot}>>", value)
        return text

    def line(self, part: str) -> str:
        """The line of the code as it stands that holds `part`, as a traceback quotes it."""
        return next(t.strip() for t in self.body.split("\n") if part in t)

    def kinds(self, extra: Sequence[str] = ()) -> list[str]:
        """The kinds of failure the code as it stands leaves (with `extra` from outside it).

        A kind written `-kind` is one the option prevents, whichever other option would leave it.
        """
        current = [
            k for slot, opts in self.options.items() for text_, _, ks in opts if text_ == self.slots[slot] for k in ks
        ]
        found = {k for k in [*current, *extra] if not k.startswith("-")}
        return sorted(found - {k[1:] for k in current if k.startswith("-")})

    def failing(self, rng: random.Random, most: int = 3) -> list[str]:
        kinds = self.kinds()
        return rng.sample(kinds, rng.randint(1, min(most, len(kinds))))


def again(rng: random.Random, thought: str, before: bool) -> str:
    """A thought that says so when the agent goes back to a change it made earlier."""
    if not before:
        return thought
    lead = rng.choice(
        [
            "Back to an earlier version: ",
            "I tried this before, but with the other changes it may behave differently: ",
            "Going back to the earlier form: ",
        ]
    )
    return lead + thought[0].lower() + thought[1:]


def hexd(rng: random.Random, n: int = 64) -> str:
    return f"{rng.randrange(16**n):0{n}x}"


def b64(
    rng: random.Random, n: int = 43, alphabet: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
) -> str:
    return "".join(rng.choices(alphabet, k=n))


def sha(rng: random.Random) -> str:
    return f"{rng.randrange(16**7):07x}"


def look(ctx: Ctx, rng: random.Random, area: Area, code: Code, func: str) -> Step:
    """A look between attempts: the diff, the changed function, its callers, a test, the history, the status."""
    line = rng.randint(30, 700)
    body = code.body
    lines = body.rstrip("\n").split("\n")
    k = rng.randrange(1, len(lines))
    hunk = (
        "\n".join(f" {t}" for t in lines[max(1, k - 2) : k])
        + f"\n+{lines[k]}\n"
        + "\n".join(f" {t}" for t in lines[k + 1 : k + 3])
    )
    choices = [
        lambda: Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {area.src}\n" + rng.choice(["", f" M {area.test_file}\n", "?? reproduce.py\n", "?? debug_sig.py\n"]),
        ),
        lambda: Step(
            "Let me look at the diff so far.",
            rng.choice(["git diff", f"git diff {area.src}", "git diff -U2"]),
            f"diff --git a/{area.src} b/{area.src}\n--- a/{area.src}\n+++ b/{area.src}\n@@ -{line},{rng.randint(6, 9)} +{line},{rng.randint(9, 14)} @@ {lines[0]}\n{hunk}\n",
        ),
        lambda: Step(
            "How big is my change by now?",
            "git diff --stat",
            f" {area.src} | {rng.randint(3, 30)} {'+' * rng.randint(2, 9)}{'-' * rng.randint(1, 6)}\n 1 file changed, {rng.randint(3, 20)} insertions(+), {rng.randint(1, 9)} deletions(-)\n",
        ),
        lambda: Step(
            f"Let me re-read {func} as it is now.",
            f"sed -n '{line},{line + len(lines) + rng.choice([0, 2, 4])}p' {area.src}",
            body,
        ),
        lambda: Step(
            f"Who calls {func}?",
            rng.choice(
                [
                    f"grep -rn '{func}(' {ctx.run.package} | head -20",
                    f"git grep -n '{func}' -- '*.py' | grep -v tests | head",
                ]
            ),
            "\n".join(
                f"{ctx.run.package}/{rng.choice(['views', 'utils', 'base', 'backends', 'middleware', 'core'])}.py:{rng.randint(10, 900)}:        {rng.choice(['result', 'ok', 'value', 'token'])} = {func}({rng.choice(['request', 'data', 'self.key', 'value'])})"
                for _ in range(rng.randint(2, 4))
            ),
        ),
        lambda: history(rng, area),
    ]
    return rng.choice(choices)()


_COMMITS = (
    "Use constant-time comparison",
    "Refactor token helpers",
    "Merge pull request",
    "Bump default iterations",
    "Tidy imports",
    "Support key rotation",
    "Drop Python 3.7",
    "Fix typo in docstring",
)


def history(rng: random.Random, area: Area) -> Step:
    count = rng.randint(3, 6)
    return Step(
        "Let me see the recent history of this file.",
        f"git log --oneline -{count} -- {area.src}",
        "\n".join(f"{sha(rng)} {m}" for m in rng.sample(_COMMITS, count)),
    )


def churn(
    ctx: Ctx,
    rng: random.Random,
    n: int,
    first: list[Step],
    attempts: list[Attempt],
    what: str,
    area: Area,
    code: Code,
    func: str,
) -> list[Step]:
    """The first failing runs, then attempts drawn at random with looks between some, until the agent gives up."""
    looker: Callable[[], Step] = lambda: look(ctx, rng, area, code, func)  # noqa: E731
    return text.churn(rng, n, first, attempts, looker, lambda: text.give_up(rng, what), 0.35)
