"""The forty-ninth held-out set (tests/heldout49): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout49 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT49_MD5 = "3dafd0731489f3d079296f1808573cc1"


class TestHeldout49(TextAgentSetChecks):
    name = "heldout49"
    frozen_md5 = FROZEN_HELDOUT49_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{node}",
        "{line}",
        "{case}",
        "{how}",
        "{sep}",
        "{old}",
        "{new}",
        "{flag}",
        "{env}",
        "{mod}",
    )

    def test_default_policy_on_the_forty_ninth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @a865015), never tuned on:
        # loops stopped 36 % (18/50), none early, median delay 19.5, saved 17.4 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 24 %, 26, 7.2 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.36,
            delay=19.5,
            saved=0.1735,
            productive_stopped=0,
            acted_on=0.0125,
        )
