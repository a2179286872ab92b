"""The dev set's real gemini-3-pro runs this set is spliced into, and what each says about itself.

Only real runs billed through OpenRouter are lent: the Portkey ones carry no recorded cost, and
the dev set's own spliced sessions (a `#` in their id) are not runs of their own.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from regulator.traces.format import TraceCall, iter_trace, read_labels

DEV = Path("/work/shared/traces/dev")

BASH = re.compile(r"```bash\n(.*?)\n```", re.S)
PLAIN = "<returncode>0</returncode>\n<output>\n"


@dataclass(eq=False)  # one object per run: hashed by identity, so facts about it can be cached
class Run:
    """One real mini-swe-agent run: its calls as recorded and whether its patch passed."""

    session: str
    resolved: bool
    calls: list[TraceCall]

    @property
    def repo(self) -> str:
        return self.session.split("__")[0]

    def answer(self, seq: int) -> str:
        return str(self.calls[seq].response["choices"][0]["message"]["content"])

    def command(self, seq: int) -> str:
        return self.commands[seq]

    @cached_property
    def commands(self) -> list[str]:
        """Each call's command: its one bash block, or "" when the harness refused the answer."""
        return [found[0] if len(found := BASH.findall(self.answer(seq))) == 1 else "" for seq in range(len(self.calls))]

    @cached_property
    def shown(self) -> list[tuple[str, dict[int, str]] | None]:
        """For each call, the lines of a source file its command printed (path, number → text), if it printed one."""
        return [_shown(self.command(seq).strip(), self.plain(seq)) for seq in range(len(self.calls) - 1)]

    def reply(self, seq: int) -> str:
        """What the harness answered to call `seq` (the last message of the next call)."""
        return str(self.calls[seq + 1].messages[-1]["content"])

    def plain(self, seq: int) -> str | None:
        """The output of call `seq`'s command when it returned 0 in full, else None."""
        reply = self.reply(seq)
        return reply[len(PLAIN) : -len("</output>")] if reply.startswith(PLAIN) else None

    def usage(self, seq: int) -> dict[str, Any]:
        return dict(self.calls[seq].response["usage"])

    @cached_property
    def text(self) -> str:
        """Everything the run said and was told, to look facts of its environment up in."""
        return "\n".join(str(m["content"]) for m in self.calls[-1].messages[2:]) + "\n" + self.answer(-1)

    @cached_property
    def pace(self) -> Pace:
        return Pace.of(self)


@dataclass(frozen=True)
class Pace:
    """How a run's calls grow and are billed, measured on its own calls, so new calls match it."""

    prompt_per_char: float  # prompt tokens per character of conversation
    completion_per_char: float  # completion tokens per character of an answer
    cache_misses: float  # share of calls after the first with no cached tokens
    lags: tuple[int, ...]  # how many 2k cache blocks behind the prompt each cache hit was
    studio: float  # share of calls routed to "Google AI Studio" rather than "Google"
    id_behind: float  # share of response ids stamped a second before `created`

    @classmethod
    def of(cls, run: Run) -> Pace:
        calls = run.calls
        chars = [sum(len(str(m["content"])) for m in call.messages) for call in calls]
        prompts = [int(call.response["usage"]["prompt_tokens"]) for call in calls]
        per_char = (prompts[-1] - prompts[0]) / max(1, chars[-1] - chars[0]) if len(calls) > 1 else 0.3
        outs = [
            call.response["usage"]["completion_tokens"] / len(run.answer(i))
            for i, call in enumerate(calls)
            if not call.response["usage"]["completion_tokens_details"]["reasoning_tokens"] and run.answer(i)
        ]
        cached = [int(call.response["usage"]["prompt_tokens_details"]["cached_tokens"]) for call in calls[1:]]
        lags = tuple(max(0, p // BLOCK - round(c / BLOCK)) for p, c in zip(prompts[1:], cached, strict=True) if c)
        ids = [int(str(call.response["id"]).split("-")[1]) < call.response["created"] for call in calls]
        return cls(
            prompt_per_char=min(0.4, max(0.22, per_char)),
            completion_per_char=statistics.median(outs) if outs else 0.3,
            cache_misses=sum(not c for c in cached) / max(1, len(cached)),
            lags=lags or (0, 1),
            studio=sum(call.response["provider"] == "Google AI Studio" for call in calls) / len(calls),
            id_behind=sum(ids) / len(calls),
        )


NUMBERED = re.compile(r"^\s*(\d+)\t(.*)$")


def _shown(command: str, text: str | None) -> tuple[str, dict[int, str]] | None:
    """The file lines a viewing command (nl -ba, cat -n, sed -n 'a,bp', cat) printed, by line number."""
    if text is None:
        return None
    lines = text.split("\n")[:-1]
    numbered = re.fullmatch(r"(?:nl -ba|cat -n) (\S+\.py)(?: \| sed -n '?(\d+),(\d+)p'?)?", command)
    ranged = re.fullmatch(r"sed -n '?(\d+),(\d+)p'? (\S+\.py)", command)
    whole = re.fullmatch(r"cat (\S+\.py)", command)
    if numbered:
        found = [NUMBERED.match(line) for line in lines]
        return numbered[1], {int(m[1]): m[2] for m in found if m}
    if ranged and len(lines) == int(ranged[2]) - int(ranged[1]) + 1:
        return ranged[3], {int(ranged[1]) + k: line for k, line in enumerate(lines)}
    if whole:
        return whole[1], {k + 1: line for k, line in enumerate(lines)}
    return None


BLOCK = 2016  # Gemini's implicit cache grows in blocks of about this many tokens


def load() -> list[Run]:
    """The real runs of the dev set, sorted by session id."""
    by_session: dict[str, list[TraceCall]] = defaultdict(list)
    for call in iter_trace([DEV / "calls.jsonl.gz"]):
        by_session[call.session].append(call)
    runs = []
    for session, label in sorted(read_labels(DEV / "labels.jsonl").items()):
        calls = by_session[session]
        real = label.family in ("real-resolved", "real-unresolved") and "#" not in session
        if real and calls and str(calls[0].response["id"]).startswith("gen-"):
            runs.append(Run(session, bool(label.resolved), calls))
    return runs
