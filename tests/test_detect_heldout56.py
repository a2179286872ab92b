"""The fifty-sixth held-out set (tests/heldout56): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout56 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT56_MD5 = "c221b1c6b7b165fcbf3a9fb6ac72ff3c"


class TestHeldout56(TextAgentSetChecks):
    name = "heldout56"
    frozen_md5 = FROZEN_HELDOUT56_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{lang}",
        "{loc}",
        "{po}",
        "{mo}",
        "{en}",
        "{tr}",
        "{rule}",
        "{old}",
        "{new}",
        "{word}",
        "{line}",
        "{state",
    )

    def test_default_policy_on_the_fifty_sixth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @febbe0c), never tuned on:
        # loops stopped 24 % (12/50), none early, median delay 23.5, saved 8.7 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 20 %, 23.5, 8.2 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.24,
            delay=23.5,
            saved=0.0865,
            productive_stopped=0,
            acted_on=0.0125,
        )
