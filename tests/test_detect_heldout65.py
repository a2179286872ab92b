"""The sixty-fifth held-out set (tests/heldout65): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout65 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT65_MD5 = "58b34a3434c9ae4f69840b1e5c2d646e"


class TestHeldout65(TextAgentSetChecks):
    name = "heldout65"
    frozen_md5 = FROZEN_HELDOUT65_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{fn}",
        "{flag}",
        "{many}",
        "{var}",
        "{body}",
        "{case}",
        "{line}",
        "{err}",
        "{err_path}",
        "{section}",
        "{where}",
        "{pkg}",
        "{dotted}",
        "{conf}",
        "{default}",
        "{want}",
        "{written}",
        "{loaded}",
        "{env_n}",
        "{words}",
        "{table}",
        "{setenv}",
        "{fixtures}",
        "{late}",
        "{falsy}",
    )

    def test_default_policy_on_the_sixty_fifth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, at the end of the round that integrated it (main @2ad131c's detection code, which
        # this round did not change), never tuned on: loops stopped 70 % (35/50), none early, median
        # delay 21, saved 26.5 %; productive stopped 0 %, any action 2.5 % (2/80).
        self.assert_no_worse_than(
            replayed,
            stopped=0.7,
            delay=21,
            saved=0.2649,
            productive_stopped=0,
            acted_on=0.0250,
        )
