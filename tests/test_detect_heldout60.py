"""The sixtieth held-out set (tests/heldout60): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is to be replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout60 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT60_MD5 = "f6675f931ee93773184b04176699daf4"


class TestHeldout60(TextAgentSetChecks):
    name = "heldout60"
    frozen_md5 = FROZEN_HELDOUT60_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{check}",
        "{lexer}",
        "{regex}",
        "{body}",
        "{target}",
        "{case}",
        "{line}",
        "{old}",
        "{new}",
        "{why}",
        "{secs}",
        "{kind}",
        "{shown}",
        "{want",
        "{got",
        "{fn}",
        "{pattern}",
        "{state",
        "{fail.",
    )

    def test_default_policy_on_the_sixtieth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, at the end of the round that integrated it (main @2ad131c's detection code, which
        # this round did not change), never tuned on: loops stopped 28 % (14/50), none early, median
        # delay 17, saved 13.4 %; productive stopped 0 %, any action 0 % (0/80).
        self.assert_no_worse_than(
            replayed,
            stopped=0.28,
            delay=17,
            saved=0.1336,
            productive_stopped=0,
            acted_on=0.0000,
        )
