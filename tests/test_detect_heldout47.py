"""The forty-seventh held-out set (tests/heldout47): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout47 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT47_MD5 = "126d97153d89f791cc6a3c7619c7b0bf"


class TestHeldout47(TextAgentSetChecks):
    name = "heldout47"
    frozen_md5 = FROZEN_HELDOUT47_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{case}",
        "{want}",
        "{got}",
        "{words}",
        "{snap}",
        "{short}",
        "{line}",
        "{at}",
        "{new}",
        "{old}",
    )

    def test_default_policy_on_the_forty_seventh_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @a865015), never tuned on:
        # loops stopped 70 % (35/50), none early, median delay 17, saved 39.9 %;
        # productive stopped 0 %, any action 0 % (0/80). The previous round's code (@1e416d3):
        # 70 %, 17, 37.8 %; 0 %, 0 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.70,
            delay=17,
            saved=0.3985,
            productive_stopped=0,
            acted_on=0.0000,
        )
