"""The fifty-fourth held-out set (tests/heldout54): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout54 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT54_MD5 = "be1eb0c8ca41be2cd8d3b9a67f124bbf"


class TestHeldout54(TextAgentSetChecks):
    name = "heldout54"
    frozen_md5 = FROZEN_HELDOUT54_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{old}",
        "{new}",
        "{what}",
        "{how}",
        "{fields}",
        "{model}",
        "{line}",
        "{limit",
        "{want}",
        "{hits}",
        "{peak}",
        "{rows}",
        "{seen}",
        "{spent",
        "{calls}",
        "{var}",
    )

    def test_default_policy_on_the_fifty_fourth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @febbe0c), never tuned on:
        # loops stopped 64 % (32/50), none early, median delay 14, saved 38.7 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 64 %, 14, 38.7 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.64,
            delay=14,
            saved=0.3865,
            productive_stopped=0,
            acted_on=0.0125,
        )
