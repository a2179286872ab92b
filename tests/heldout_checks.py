"""Checks every frozen held-out set makes of itself: its checksum, its families, its onsets, its spread.

The sets (tests/heldout2 and on) were written by different people from a description; what a
set must be to stand for one is the same for all, so the checks are written once.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from functools import cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import pytest

from detect_support import replay_with_default_policy
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import Label, TraceCall, iter_trace, read_labels


def calls_md5(calls: Path) -> str:
    """The checksum a set was frozen by: of its calls, uncompressed."""
    return hashlib.md5(gzip.decompress(calls.read_bytes())).hexdigest()


def labels_of(calls: Path) -> dict[str, Label]:
    return read_labels(calls.parent / "labels.jsonl")


def assert_families(
    calls: Path, loops: Mapping[str, tuple[Any, int]], productive: Mapping[str, tuple[Any, int]]
) -> None:
    """Every family present with its count and label, loops with an onset, productive work without."""
    labels = labels_of(calls)
    assert len(labels) == sum(n for _, n in loops.values()) + sum(n for _, n in productive.values())
    for families, kind in ((loops, "loop"), (productive, "productive")):
        for family, (_, count) in families.items():
            rows = [label for label in labels.values() if label.family == family]
            assert len(rows) == count and all(label.label == kind for label in rows)
            assert all((label.loop_from_seq is not None) == (kind == "loop") for label in rows)
            assert all(label.resolved is None for label in rows)


def assert_onsets(calls: Path, opening: tuple[int, int], wasted: tuple[int, int]) -> None:
    """Each loop starts after an opening of `opening` calls and wastes `wasted` calls (the last is the answer)."""
    labels = labels_of(calls)
    count = Counter(call.session for call in iter_trace([calls]))
    assert set(count) == set(labels)
    for session, label in labels.items():
        if label.label == "loop":
            assert label.loop_from_seq is not None
            assert opening[0] <= label.loop_from_seq <= opening[1]
            assert wasted[0] <= count[session] - 1 - label.loop_from_seq <= wasted[1]


def assert_spread(calls: Path, shapes: set[str], ecos: set[str], gap: tuple[int, int]) -> None:
    """Every agent shape (among the loops too) and toolchain present, none over-represented, both dialects."""
    labels = labels_of(calls)
    by_shape = Counter(session.split("/")[3] for session in labels)
    assert set(by_shape) == shapes and max(by_shape.values()) - min(by_shape.values()) <= gap[0]
    assert {session.split("/")[3] for session, label in labels.items() if label.label == "loop"} == shapes
    by_eco = Counter(session.split("/")[2] for session in labels)
    assert set(by_eco) == ecos and max(by_eco.values()) - min(by_eco.values()) <= gap[1]
    assert {call.dialect for call in iter_trace([calls])} == {"openai", "anthropic"}


# Sets spliced into the dev set's real runs (tests/heldout15 and on): each session is named
# `heldoutNN/<family>/<dev session>[#k]` and starts as the real run it was lent.


def by_session(calls: Path) -> dict[str, list[TraceCall]]:
    sessions: dict[str, list[TraceCall]] = defaultdict(list)
    for call in iter_trace([calls]):
        sessions[call.session].append(call)
    return sessions


def lent_run(session: str) -> str:
    """The id of the dev run a spliced session was lent."""
    return session.split("/")[2].split("#")[0]


def real_run(session: str, dev: Mapping[str, list[TraceCall]]) -> list[TraceCall]:
    return dev[lent_run(session)]


def assert_each_run_lent_once(calls: Path) -> None:
    runs = [lent_run(session) for session in labels_of(calls)]
    assert len(runs) == len(set(runs))


def assert_starts_as_real_run_and_only_grows(
    sessions: Mapping[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
) -> None:
    """Each session opens as its real run did; each call resends the last one's messages, answer and reply."""
    for session, calls in sessions.items():
        assert calls[0].messages == real_run(session, dev)[0].messages
        assert [call.seq for call in calls] == list(range(len(calls)))
        for before, after in pairwise(calls):
            answer = before.response["choices"][0]["message"]["content"]
            assert after.messages[: len(before.messages)] == before.messages
            assert after.messages[len(before.messages)]["content"] == answer


def assert_keeps_real_prefix_and_ending(
    calls: Path, sessions: Mapping[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
) -> None:
    """Loops replay their real run up to the onset; productive sessions end as their real run did."""
    for session, label in labels_of(calls).items():
        spliced, real = sessions[session], real_run(session, dev)
        if label.loop_from_seq is not None:
            k = label.loop_from_seq
            assert [c.response for c in spliced[:k]] == [c.response for c in real[:k]]
            assert spliced[k].messages == real[k].messages
        else:
            assert spliced[-1].response["choices"] == real[-1].response["choices"]
            assert len(spliced) >= len(real)


def openrouter_cost(usage: Mapping[str, Any]) -> float:
    """What OpenRouter bills gemini-3-pro for a call's usage (the dev runs' provider)."""
    cached = usage["prompt_tokens_details"]["cached_tokens"]
    return float((usage["prompt_tokens"] - cached) * 2e-6 + cached * 2e-7 + usage["completion_tokens"] * 12e-6)


DEV = Path("/work/shared/traces/dev")


@cache
def dev_sessions() -> Mapping[str, list[TraceCall]]:
    """The dev set's calls by session, read once for every spliced set's checks (which only read them)."""
    return MappingProxyType(by_session(DEV / "calls.jsonl.gz"))


SUBMIT = "COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT"
SUBMIT_COMMAND = f"echo {SUBMIT} && git add -A && git diff --cached"  # mini-swe-agent's


@pytest.mark.skipif(
    not (DEV / "calls.jsonl.gz").exists(), reason=f"the set is spliced into the dev traces, absent at {DEV}"
)
class SplicedSetChecks:
    """What every spliced set must be, whoever wrote it; a set's test class names the set and adds its own.

    A subclass sets `name`, `frozen_md5`, `real_resolved` and `build` (the set's build module, with
    its `LOOPS`, `PRODUCTIVE`, `OPENING`, `TAIL` and `write`); its measured figures stay in its own
    file, beside the docs that quote them.
    """

    name: str
    frozen_md5: str
    real_resolved: int
    build: ModuleType
    # Placeholders of the set's own templates, which must never reach a call.
    holes: tuple[str, ...] = ("{repo", "{rng")
    # Whether the set lends Portkey runs too (their envelope records no cost).
    lends_portkey_runs: bool = False
    # Whether every loop ends with the agent giving up and submitting (some of heldout15 and 17 stop short).
    loops_end_by_submitting: bool = True

    def braces_allowed(self, braces: set[str]) -> bool:
        """Whether a spliced message may show these braces: by design, only the f-strings of what it quotes."""
        return not braces

    @pytest.fixture(scope="class")
    @classmethod
    def built(cls, tmp_path_factory: pytest.TempPathFactory) -> Path:
        return Path(cls.build.write(tmp_path_factory.mktemp(cls.name)))

    @pytest.fixture(scope="class")
    @classmethod
    def sessions(cls, built: Path) -> dict[str, list[TraceCall]]:
        return by_session(built)

    @pytest.fixture(scope="class")
    @classmethod
    def dev(cls) -> Mapping[str, list[TraceCall]]:
        return dev_sessions()

    @pytest.fixture(scope="class")
    @classmethod
    def replayed(cls, built: Path) -> Evaluation:
        return replay_with_default_policy(built)

    @staticmethod
    def assert_no_worse_than(
        result: Evaluation, *, stopped: float, delay: float, saved: float, productive_stopped: float, acted_on: float
    ) -> None:
        """The replay's figures at least as good as measured: a drop in any of them fails."""
        assert result.loops == 50 and result.productive == 80 and result.loops_stopped_early == 0
        assert result.loops_stopped >= stopped and result.median_delay is not None and result.median_delay <= delay
        assert result.saved >= saved
        assert result.productive_stopped <= productive_stopped and result.productive_warned <= acted_on

    def test_the_set_is_the_one_frozen_before_its_first_replay(self, built: Path) -> None:
        assert calls_md5(built) == self.frozen_md5

    def test_every_family_is_present_with_its_label_and_count(self, built: Path) -> None:
        assert_families(built, self.build.LOOPS, self.build.PRODUCTIVE)
        labels = labels_of(built)
        assert len(labels) == 130
        assert sum(label.label == "loop" for label in labels.values()) == 50
        assert sum(label.family == "real-resolved" for label in labels.values()) == self.real_resolved
        assert all(session.startswith(f"{self.name}/{label.family}/") for session, label in labels.items())

    def test_each_real_run_is_lent_to_one_session_at_most(self, built: Path) -> None:
        assert_each_run_lent_once(built)

    def test_loops_follow_their_opening_and_waste_all_but_the_answer_of_their_tail(self, built: Path) -> None:
        assert_onsets(built, opening=self.build.OPENING, wasted=(self.build.TAIL[0] - 1, self.build.TAIL[1] - 1))

    def test_every_session_starts_as_its_real_run_and_its_conversation_only_grows(
        self, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        assert_starts_as_real_run_and_only_grows(sessions, dev)

    def test_loops_keep_the_real_prefix_and_productive_runs_end_as_they_did(
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        assert_keeps_real_prefix_and_ending(built, sessions, dev)
        for session, label in labels_of(built).items():
            if label.loop_from_seq is not None and self.loops_end_by_submitting:
                assert SUBMIT in sessions[session][-1].response["choices"][0]["message"]["content"]

    def test_time_runs_forward_and_costs_follow_the_providers_formula(
        self, sessions: dict[str, list[TraceCall]]
    ) -> None:
        for calls in sessions.values():
            assert all(a.ts <= b.ts for a, b in pairwise(calls))
            for call in calls:
                usage = call.response["usage"]
                assert call.response["created"] == int(call.ts)
                assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
                assert 0 <= usage["prompt_tokens_details"]["cached_tokens"] <= usage["prompt_tokens"]
                if not str(call.response["id"]).startswith("gen-"):
                    # Portkey's envelope reports no cost, as in the runs it comes from.
                    assert self.lends_portkey_runs and "cost" not in usage
                    continue
                assert usage["cost"] == pytest.approx(openrouter_cost(usage), abs=1e-9)

    def test_no_template_hole_is_left_unfilled(
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        real = {str(m["content"]) for calls in dev.values() for m in calls[-1].messages}
        text = gzip.decompress(built.read_bytes()).decode()
        assert not [hole for hole in self.holes if hole in text]
        for call in (call for calls in sessions.values() for call in calls):
            for message in call.messages[2:]:
                content = str(message["content"])
                if content not in real:
                    braces = set(re.findall(r"\{[a-z_][\w.]*\}", content))
                    assert self.braces_allowed(braces), (braces, content[:300])


def answer_text(call: TraceCall) -> str:
    return str(call.response["choices"][0]["message"]["content"])


class TextAgentSetChecks(SplicedSetChecks):
    """The checks heldout21 and on add: a text agent's answers, one command each, never stuttering."""

    def test_time_moves_strictly_forward(self, sessions: dict[str, list[TraceCall]]) -> None:
        for calls in sessions.values():
            assert all(before.ts < after.ts for before, after in pairwise(calls))

    def test_loops_submit_only_at_the_end_and_never_repeat_a_command_twice_running(
        self, built: Path, sessions: dict[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            if label.loop_from_seq is None:
                continue
            answers = [answer_text(call) for call in sessions[session]]
            assert answers[-1].rstrip().endswith(f"```bash\n{SUBMIT_COMMAND}\n```")
            assert not any(SUBMIT_COMMAND in answer for answer in answers[:-1])
            commands = [answer.split("```bash\n", 1)[1] for answer in answers[label.loop_from_seq :]]
            assert all(before != after for before, after in pairwise(commands))

    def test_every_new_answer_is_a_thought_and_one_command(
        self, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        for session, calls in sessions.items():
            recorded = {answer_text(call) for call in real_run(session, dev)}
            for answer in (answer_text(call) for call in calls):
                if answer not in recorded:
                    assert answer.startswith("THOUGHT: ") and answer.count("```bash\n") == 1, answer[:200]
