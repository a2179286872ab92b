"""The thirty-seventh held-out set (tests/heldout37): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that built it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout37 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT37_MD5 = "6716d6973b9b9bf71513b9fd44b66404"


class TestHeldout37(TextAgentSetChecks):
    name = "heldout37"
    frozen_md5 = FROZEN_HELDOUT37_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{group}", "{plugin}", "{var}", "{ver}", "{other}", "{target}", "{docs}", "{line}", "{sv}")

    def test_default_policy_on_the_thirty_seventh_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @8d2a6be), never tuned on:
        # loops stopped 30.0 % (15/50), none early, median delay 19, saved 12.5 %;
        # productive stopped 0 %, any action 2.5 % (2/80). Fix-then-next-error churn (Sphinx nitpicks,
        # metadata validation, twine check) and setuptools-scm in a shallow clone: 0/7 each.
        # The previous round's code (@2233982) measured the same.
        self.assert_no_worse_than(replayed, stopped=0.3, delay=19, saved=0.125, productive_stopped=0, acted_on=0.025)
