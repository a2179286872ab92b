"""The twenty-fifth held-out set (tests/heldout25): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round,
with the final detection code, and never tuned on.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from heldout20.calls import SUBMIT
from heldout25 import build
from heldout_checks import TextAgentSetChecks, answer_text, labels_of, real_run
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall

FROZEN_HELDOUT25_MD5 = "8baac3fbd67877f00320245d94ae0fb1"


class TestHeldout25(TextAgentSetChecks):
    name = "heldout25"
    frozen_md5 = FROZEN_HELDOUT25_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    # (`{name}`, `{base}` and `{source` stay out: the real runs' own code prints them.)
    holes = ("{ctx", "{rng", "{stem", "{cls}", "{dotted", "{line}", "{site", "{repo", "{wanted", "{limit", "{marker")

    def test_productive_episodes_hand_back_without_submitting(
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        # An episode resolves and hands back to the real run; only the run's own answers may submit.
        for session, label in labels_of(built).items():
            if label.label == "productive":
                recorded = {answer_text(call) for call in real_run(session, dev)}
                new = [answer_text(call) for call in sessions[session] if answer_text(call) not in recorded]
                assert not any(SUBMIT in answer for answer in new)
                assert len(new) <= 5 if label.family != "real-resolved" else not new

    def test_default_policy_on_the_twenty_fifth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's final detection code (main @bdde2d5), never tuned on:
        # loops stopped 82.0 % (41/50), none early, median delay 16, saved 42.7 %;
        # productive stopped 1.2 % (1/80: a syntax-backported episode), any action 2.5 % (2/80).
        self.assert_no_worse_than(
            replayed, stopped=0.82, delay=16, saved=0.427, productive_stopped=0.0125, acted_on=0.025
        )
