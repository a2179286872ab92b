"""The fifty-fifth held-out set (tests/heldout55): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout55 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT55_MD5 = "36b8fa9e1fa36c204d5c559a274d2e05"


class TestHeldout55(TextAgentSetChecks):
    name = "heldout55"
    frozen_md5 = FROZEN_HELDOUT55_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{rel}",
        "{case}",
        "{line}",
        "{fixed}",
        "{var}",
        "{old}",
        "{new}",
        "{sub",
        "{got",
        "{want",
        "{leaf}",
        "{stale}",
        "{tests}",
        "{body}",
        "{tmp}",
        "{stem}",
        "{workers",
    )

    def test_default_policy_on_the_fifty_fifth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @febbe0c), never tuned on:
        # loops stopped 44 % (22/50), none early, median delay 21, saved 21.8 %;
        # productive stopped 0 %, any action 0 % (0/80). The previous round's code (@1e416d3):
        # 34 %, 25, 15.2 %; 0 %, 0 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.44,
            delay=21,
            saved=0.2175,
            productive_stopped=0,
            acted_on=0.0000,
        )
