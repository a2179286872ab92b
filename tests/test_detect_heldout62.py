"""The sixty-second held-out set (tests/heldout62): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout62 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT62_MD5 = "a10d3f1a2c319088f2a5139eecf18667"


class TestHeldout62(TextAgentSetChecks):
    name = "heldout62"
    frozen_md5 = FROZEN_HELDOUT62_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{sub}",
        "{attr}",
        "{proto}",
        "{impl}",
        "{reg}",
        "{node}",
        "{ls}",
        "{alt}",
        "{mod}",
        "{bare}",
        "{hint}",
        "{pkg}",
        "{cfg}",
        "{code}",
        "{module}",
        "{line}",
        "{case}",
        "{body}",
        "{where",
        "{py2}",
        "{lst",
        "{dct",
    )

    def test_default_policy_on_the_sixty_second_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, at the end of the round that integrated it (main @2ad131c's detection code, which
        # this round did not change), never tuned on: loops stopped 16 % (8/50), none early, median
        # delay 29.5, saved 3.8 %; productive stopped 0 %, any action 1.2 % (1/80).
        self.assert_no_worse_than(
            replayed,
            stopped=0.16,
            delay=29.5,
            saved=0.0376,
            productive_stopped=0,
            acted_on=0.0125,
        )
