"""The fifty-first held-out set (tests/heldout51): frozen, shaped as it claims, measured once.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round
that integrated it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout51 import build
from heldout51.text import BRACES
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT51_MD5 = "f90b5722b30fe58a88ac9046c6b933b6"


class TestHeldout51(TextAgentSetChecks):
    name = "heldout51"
    frozen_md5 = FROZEN_HELDOUT51_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{case}",
        "{line}",
        "{line +",
        "{old}",
        "{new}",
        "{got}",
        "{want}",
        "{fmt",
        "{sep}",
        "{mode}",
        "{spec}",
    )

    def braces_allowed(self, braces: set[str]) -> bool:
        # The f-strings, format specs and LaTeX the families quote are the only braces by design.
        return braces <= BRACES

    def test_default_policy_on_the_fifty_first_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's detection code (main @a865015), never tuned on:
        # loops stopped 36 % (18/50), none early, median delay 20, saved 15.1 %;
        # productive stopped 0 %, any action 2.5 % (2/80). The previous round's code (@1e416d3):
        # 22 %, 29, 7.8 %; 0 %, 2.5 %.
        self.assert_no_worse_than(
            replayed,
            stopped=0.36,
            delay=20,
            saved=0.1505,
            productive_stopped=0,
            acted_on=0.0250,
        )
