"""The twenty-fourth held-out set (tests/heldout24): built the same every time, frozen, and shaped as it claims.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round,
with the final detection code, and never tuned on.
"""

from __future__ import annotations

from pathlib import Path

from heldout24 import build
from heldout_checks import TextAgentSetChecks, answer_text, labels_of
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall

FROZEN_HELDOUT24_MD5 = "2cf99a42fe37932c842dfc28a46c4d00"


class TestHeldout24(TextAgentSetChecks):
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

    def test_loops_vary_their_commands_and_errors(self, built: Path, sessions: dict[str, list[TraceCall]]) -> None:
        for session, label in labels_of(built).items():
            if label.loop_from_seq is None:
                continue
            calls = sessions[session][label.loop_from_seq :]
            commands = {answer_text(call).split("```bash\n", 1)[1] for call in calls}
            replies = {str(after.messages[-1]["content"]) for after in calls[1:]}
            assert len(commands) >= len(calls) // 2 and len(replies) >= len(calls) // 2, session

    def test_default_policy_on_the_twenty_fourth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's final detection code (main @bdde2d5), never tuned on:
        # loops stopped 40.0 % (20/50), none early, median delay 18.5, saved 17.8 %;
        # productive stopped 0 % (0/80), any action 2.5 % (2/80).
        self.assert_no_worse_than(replayed, stopped=0.40, delay=18.5, saved=0.178, productive_stopped=0, acted_on=0.025)
