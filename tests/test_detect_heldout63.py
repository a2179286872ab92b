"""The sixty-third held-out set (tests/heldout63): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout63 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT63_MD5 = "b56131a34b23a52e86173ae930b4d75a"


class TestHeldout63(TextAgentSetChecks):
    name = "heldout63"
    frozen_md5 = FROZEN_HELDOUT63_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{up}",
        "{pk}",
        "{body}",
        "{word}",
        "{raw}",
        "{magic}",
        "{token}",
        "{kind}",
        "{level}",
        "{split}",
        "{pack}",
        "{check}",
        "{sniff}",
        "{line}",
        "{old}",
        "{new}",
        "{why}",
        "{length}",
        "{stored}",
        "{mark}",
        "{side}",
        "{order}",
        "{want}",
        "{got}",
        "{small}",
        "{short}",
        "{padded}",
        "{wrong}",
        "{sample}",
        "{fields}",
        "{picked}",
        "{std}",
        "{shown}",
    )

    def test_default_policy_on_the_sixty_third_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, at the end of the round that integrated it (main @2ad131c's detection code, which
        # this round did not change), never tuned on: loops stopped 46 % (23/50), none early, median
        # delay 20, saved 18.0 %; productive stopped 0 %, any action 0 % (0/80).
        self.assert_no_worse_than(
            replayed,
            stopped=0.46,
            delay=20,
            saved=0.1802,
            productive_stopped=0,
            acted_on=0.0000,
        )
