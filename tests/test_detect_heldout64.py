"""The sixty-fourth held-out set (tests/heldout64): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout64 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT64_MD5 = "7a3cad0a84d3ae4e5b8c9239222bce99"


class TestHeldout64(TextAgentSetChecks):
    name = "heldout64"
    frozen_md5 = FROZEN_HELDOUT64_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{fn}",
        "{holder}",
        "{gen}",
        "{hook}",
        "{lib}",
        "{mod}",
        "{short}",
        "{body}",
        "{target}",
        "{case}",
        "{line}",
        "{where}",
        "{server}",
        "{srv}",
        "{secs}",
        "{what}",
        "{conftest}",
        "{victim}",
        "{polluter}",
        "{backend}",
        "{shown}",
        "{ind}",
        "{old}",
        "{new}",
    )

    def test_default_policy_on_the_sixty_fourth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, at the end of the round that integrated it (main @2ad131c's detection code, which
        # this round did not change), never tuned on: loops stopped 38 % (19/50), none early, median
        # delay 21, saved 19.0 %; productive stopped 0 %, any action 0 % (0/80).
        self.assert_no_worse_than(
            replayed,
            stopped=0.38,
            delay=21,
            saved=0.1902,
            productive_stopped=0,
            acted_on=0.0000,
        )
