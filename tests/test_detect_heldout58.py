"""The fifty-eighth held-out set (tests/heldout58): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout58 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT58_MD5 = "236b497e5b936dbdda3751e2b8db61cf"


class TestHeldout58(TextAgentSetChecks):
    name = "heldout58"
    frozen_md5 = FROZEN_HELDOUT58_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{spec}",
        "{walk}",
        "{body}",
        "{target}",
        "{case}",
        "{line}",
        "{old}",
        "{new}",
        "{why}",
        "{secs}",
        "{limit}",
    )

    def test_default_policy_on_the_fifty_eighth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @febbe0c), never tuned on:
        # loops stopped 38 % (19/50), none early, median delay 22, saved 15.6 %;
        # productive stopped 0 %, any action 2.5 % (2/80). The previous round's code (@1e416d3):
        # 20 %, 26.5, 8.8 %; 0 %, 2.5 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.38,
            delay=22,
            saved=0.1555,
            productive_stopped=0,
            acted_on=0.0250,
        )
