"""The fiftieth held-out set (tests/heldout50): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout50 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT50_MD5 = "506b0e44c995661117b1dbeacbcc55ba"


class TestHeldout50(TextAgentSetChecks):
    name = "heldout50"
    frozen_md5 = FROZEN_HELDOUT50_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{repro",
        "{wanted}",
        "{out}",
        "{strip}",
        "{imp}",
        "{kw}",
        "{body}",
        "{why}",
        "{last}",
        "{cut}",
        "{keep}",
        "{module}",
        "{guess}",
        "{rows}",
        "{frames}",
        "{shown}",
    )

    def test_default_policy_on_the_fiftieth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @a865015), never tuned on:
        # loops stopped 6 % (3/50), none early, median delay 25, saved 2.7 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 4 %, 30, 0.6 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.06,
            delay=25,
            saved=0.0265,
            productive_stopped=0,
            acted_on=0.0125,
        )
