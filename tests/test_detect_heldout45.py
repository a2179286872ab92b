"""The forty-fifth held-out set (tests/heldout45): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout45 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT45_MD5 = "9a482c5224ff4a2f708af00a4e2615fa"


class TestHeldout45(TextAgentSetChecks):
    name = "heldout45"
    frozen_md5 = FROZEN_HELDOUT45_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{t}",
        "{rt}",
        "{tag}",
        "{style}",
        "{word}",
        "{typed}",
        "{atom}",
        "{xlink}",
        "{mode}",
        "{line}",
        "{col}",
        "{pointer}",
        "{found}",
        "{msgs}",
        "{read}",
        "{write}",
        "{feed}",
    )

    def test_default_policy_on_the_forty_fifth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @a865015), never tuned on:
        # loops stopped 46 % (23/50), none early, median delay 23, saved 21.3 %;
        # productive stopped 0 %, any action 1.25 % (1/80). The previous round's code (@1e416d3):
        # 42 %, 24, 19.9 %; 0 %, 1.25 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.46,
            delay=23,
            saved=0.2125,
            productive_stopped=0,
            acted_on=0.0125,
        )
