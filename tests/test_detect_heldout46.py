"""The forty-sixth held-out set (tests/heldout46): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout46 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT46_MD5 = "b4e3ce70d56d4d66f97ff36cfcf66988"


class TestHeldout46(TextAgentSetChecks):
    name = "heldout46"
    frozen_md5 = FROZEN_HELDOUT46_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{z.",
        "{f}",
        "{ms}",
        "{dd}",
        "{mon}",
        "{now}",
        "{year}",
        "{day}",
        "{gap}",
        "{want}",
        "{got}",
        "{line}",
        "{start}",
        "{env}",
        "{where}",
        "{body}",
        "{kind}",
        "{case",
        "{approach",
    )

    def test_default_policy_on_the_forty_sixth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @a865015), never tuned on:
        # loops stopped 48 % (24/50), none early, median delay 20, saved 14.5 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 38 %, 28, 7.4 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.48,
            delay=20,
            saved=0.1445,
            productive_stopped=0,
            acted_on=0.0125,
        )
