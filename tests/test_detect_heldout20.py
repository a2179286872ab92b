"""The twentieth held-out set (tests/heldout20), frozen before anyone measured detection on it.

HELDOUT20 splices new loop families (golden-file churn, a deprecation cascade from installed code,
a stale lock, edits to the wrong copy, type ping-pong, a diff paged over and over, pip's resolver)
after the first 3–18 calls of the dev set's real gemini-3-pro mini-swe-agent runs, and inserts
productive episodes with the same surfaces (a golden file updated once, deprecations cleared, a
lock cleared, the right directory found, a conversion fixed, a long diff reviewed file by file)
into real resolved runs, next to 38 untouched resolved runs. It was written by someone who read
neither the detectors, the policy nor any other held-out set, and its checksum was frozen before
its first replay, made once at the end of the round that built it; the next round tuned on it
(docs/detection.md).
"""

from __future__ import annotations

import re

from heldout20 import build
from heldout_checks import SplicedSetChecks
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT20_MD5 = "83ec91e1e36047e54b5602f1e9664199"


class TestHeldout20(SplicedSetChecks):
    name = "heldout20"
    frozen_md5 = FROZEN_HELDOUT20_MD5
    real_resolved = 38
    build = build
    holes = ("{ctx", "{rng")

    def braces_allowed(self, braces: set[str]) -> bool:
        # Python's own braces (sets, dicts, f-strings) are the only ones by design, never a template's.
        return not {brace for brace in braces if re.match(r"\{(?:ctx|run|rng|self|script|stem|line|path)\b", brace)}

    def test_default_policy_on_the_twentieth_heldout_set(self, replayed: Evaluation) -> None:
        # First sight (main @afc19a4, the previous round's final code): loops stopped 60.0 % (30/50), none early, median
        # delay 12, saved 36.2 %; productive stopped 0 % (0/80), any action 2.5 % (2/80). Tuned on after that (a sleep
        # before a check that fails for good is a retry: stale-lock 1/7 → 4/7); now 66.0 %, 12, 39.1 %; 0 %, 2.5 %.
        self.assert_no_worse_than(replayed, stopped=0.66, delay=12, saved=0.39, productive_stopped=0, acted_on=0.025)
