"""The forty-second held-out set (tests/heldout42): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout42 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT42_MD5 = "ae3961b9e56c03df6f1bee8712224aef"


class TestHeldout42(TextAgentSetChecks):
    name = "heldout42"
    frozen_md5 = FROZEN_HELDOUT42_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{pat}", "{word}", "{dep}", "{old}", "{real}", "{sha}", "{at}", "{ver}", "{dims}")

    def test_default_policy_on_the_forty_second_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @f27678e), never tuned on:
        # loops stopped 44.0 % (22/50), none early, median delay 15, saved 23.5 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@3b3348c):
        # 44.0 %, 15, 23.5 %; 0 %, 1.25 %.
        self.assert_no_worse_than(replayed, stopped=0.44, delay=15, saved=0.235, productive_stopped=0, acted_on=0.0125)
