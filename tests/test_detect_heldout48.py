"""The forty-eighth held-out set (tests/heldout48): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout48 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT48_MD5 = "f76952dab0705c554938b14b1ae012b6"


class TestHeldout48(TextAgentSetChecks):
    name = "heldout48"
    frozen_md5 = FROZEN_HELDOUT48_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{test}",
        "{sent}",
        "{old}",
        "{new}",
        "{page}",
        "{hops}",
        "{total}",
        "{param}",
        "{flag}",
        "{mode}",
        "{why}",
        "{host}",
        "{loc}",
        "{cassette}",
        "{size}",
    )

    def test_default_policy_on_the_forty_eighth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @a865015), never tuned on:
        # loops stopped 86 % (43/50), none early, median delay 15, saved 49.3 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 86 %, 15, 49.3 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.86,
            delay=15,
            saved=0.4925,
            productive_stopped=0,
            acted_on=0.0125,
        )
