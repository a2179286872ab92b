"""The sixty-first held-out set (tests/heldout61): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it has not been replayed here.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout61 import build
from heldout_checks import TextAgentSetChecks
from regulator.policy.evaluate import Evaluation

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT61_MD5 = "d3a50076694aa7bc7dfecac10ecf2e1f"


class TestHeldout61(TextAgentSetChecks):
    name = "heldout61"
    frozen_md5 = FROZEN_HELDOUT61_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed. ({a}, {b}, {cls},
    # {name}, {root}, {func}, {attr} and {opt} are left out: the real runs' own f-strings print them.)
    holes = (
        "{ctx",
        "{rng",
        "{adot}",
        "{bdot}",
        "{back}",
        "{imp_a}",
        "{imp_b}",
        "{helper}",
        "{pkg}",
        "{pinit}",
        "{mod}",
        "{kind}",
        "{names}",
        "{sub}",
        "{subdot}",
        "{reg}",
        "{get}",
        "{group}",
        "{wrong}",
        "{demo}",
        "{dist}",
        "{loader}",
        "{ns}",
        "{pa}",
        "{pb}",
        "{scratch}",
        "{site}",
        "{top}",
        "{alias}",
        "{use}",
        "{flag}",
        "{fn}",
        "{pip_name}",
        "{message}",
        "{line}",
        "{body}",
    )

    def test_default_policy_on_the_sixty_first_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, at the end of the round that integrated it (main @2ad131c's detection code, which
        # this round did not change), never tuned on: loops stopped 44 % (22/50), none early, median
        # delay 21.5, saved 18.9 %; productive stopped 0 %, any action 0 % (0/80).
        self.assert_no_worse_than(
            replayed,
            stopped=0.44,
            delay=21.5,
            saved=0.1891,
            productive_stopped=0,
            acted_on=0.0000,
        )
