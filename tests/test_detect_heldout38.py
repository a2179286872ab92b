"""The thirty-eighth held-out set (tests/heldout38): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout38 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT38_MD5 = "fcbb1b39144bc7024cdbcded28aa58c3"


class TestHeldout38(TextAgentSetChecks):
    name = "heldout38"
    frozen_md5 = FROZEN_HELDOUT38_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{app}",
        "{view}",
        "{label}",
        "{test}",
        "{url}",
        "{stem}",
        "{wrong}",
        "{port}",
        "{pid",
        "{mw}",
        "{script}",
    )

    def test_default_policy_on_the_thirty_eighth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @f27678e), never tuned on:
        # loops stopped 56.0 % (28/50), none early, median delay 17, saved 30.2 %;
        # productive stopped 0 %, any action 0.00 % (0/80). The previous round's code (@3b3348c):
        # 54.0 %, 17, 29.5 %; 0 %, 0.00 %.
        self.assert_no_worse_than(replayed, stopped=0.56, delay=17, saved=0.302, productive_stopped=0, acted_on=0)
