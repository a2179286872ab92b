"""The twenty-fifth held-out set (tests/heldout25): built the same every time, frozen, and shaped as it claims.

Its checksum was frozen before anything was measured on it; nothing here replays it or measures detection.
"""

from __future__ import annotations

from pathlib import Path

from heldout20.calls import SUBMIT
from heldout25 import build
from heldout_checks import TextAgentSetChecks, answer_text, labels_of, real_run
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
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: dict[str, list[TraceCall]]
    ) -> None:
        # An episode resolves and hands back to the real run; only the run's own answers may submit.
        for session, label in labels_of(built).items():
            if label.label == "productive":
                recorded = {answer_text(call) for call in real_run(session, dev)}
                new = [answer_text(call) for call in sessions[session] if answer_text(call) not in recorded]
                assert not any(SUBMIT in answer for answer in new)
                assert len(new) <= 5 if label.family != "real-resolved" else not new
