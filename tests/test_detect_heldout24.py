"""The twenty-fourth held-out set (tests/heldout24): built the same every time, frozen, and shaped as it claims.

Structure only. The set is frozen unmeasured: nothing here replays it or runs a detector or policy on it.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from heldout20.calls import SUBMIT
from heldout24 import build
from heldout_checks import SplicedSetChecks, labels_of, real_run
from regulator.traces.format import TraceCall

FROZEN_HELDOUT24_MD5 = "2cf99a42fe37932c842dfc28a46c4d00"


def _answer(call: TraceCall) -> str:
    return str(call.response["choices"][0]["message"]["content"])


class TestHeldout24(SplicedSetChecks):
    name = "heldout24"
    frozen_md5 = FROZEN_HELDOUT24_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx.",
        "{rng.",
        "{fx.",
        "{p.func",
        "{p.name",
        "{s.func",
        "{s.case",
        "{c.var",
        "{c.tool",
        "{f.func",
        "{a.func",
        "{seed_call",
        "{escaped}",
    )

    def test_time_moves_strictly_forward(self, sessions: dict[str, list[TraceCall]]) -> None:
        for calls in sessions.values():
            assert all(before.ts < after.ts for before, after in pairwise(calls))

    def test_loops_submit_only_at_the_end_and_never_repeat_a_command_twice_running(
        self, built: Path, sessions: dict[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            if label.loop_from_seq is None:
                continue
            answers = [_answer(call) for call in sessions[session]]
            assert answers[-1].rstrip().endswith(f"```bash\n{SUBMIT}\n```")
            assert not any(SUBMIT in answer for answer in answers[:-1])
            commands = [answer.split("```bash\n", 1)[1] for answer in answers[label.loop_from_seq :]]
            assert all(before != after for before, after in pairwise(commands))

    def test_loops_vary_their_commands_and_errors(self, built: Path, sessions: dict[str, list[TraceCall]]) -> None:
        for session, label in labels_of(built).items():
            if label.loop_from_seq is None:
                continue
            calls = sessions[session][label.loop_from_seq :]
            commands = {_answer(call).split("```bash\n", 1)[1] for call in calls}
            replies = {str(after.messages[-1]["content"]) for after in calls[1:]}
            assert len(commands) >= len(calls) // 2 and len(replies) >= len(calls) // 2, session

    def test_every_new_answer_is_a_thought_and_one_command(
        self, sessions: dict[str, list[TraceCall]], dev: dict[str, list[TraceCall]]
    ) -> None:
        for session, calls in sessions.items():
            recorded = {_answer(call) for call in real_run(session, dev)}
            for answer in (_answer(call) for call in calls):
                if answer not in recorded:
                    assert answer.startswith("THOUGHT: ") and answer.count("```bash\n") == 1, answer[:200]
