"""The twenty-first held-out set (tests/heldout21): built the same every time, frozen, and shaped as it claims.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round,
with the final detection code, and never tuned on.
"""

from __future__ import annotations

from heldout21 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

FROZEN_HELDOUT21_MD5 = "58292771f665a92d856fa40551c08c8b"


class TestHeldout21(TextAgentSetChecks):
    name = "heldout21"
    frozen_md5 = FROZEN_HELDOUT21_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{stem", "{cls}", "{source", "{dotted", "{repro", "{site", "{where", "{token", "{victim")

    def braces_allowed(self, braces: set[str]) -> bool:
        # curl's own format variable, as the agent types it.
        return braces <= {"{http_code}"}

    def test_default_policy_on_the_twenty_first_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's final detection code (main @bdde2d5), never tuned on:
        # loops stopped 58.0 % (29/50), none early, median delay 19, saved 24.7 %;
        # productive stopped 0 % (0/80), any action 1.2 % (1/80).
        self.assert_no_worse_than(replayed, stopped=0.58, delay=19, saved=0.247, productive_stopped=0, acted_on=0.0125)
