"""The fifteenth held-out set (tests/heldout15), frozen before anyone measured detection on it.

HELDOUT15 splices new loop families (fixture hell, circular imports, the encoding wall, type-stub
churn, git state confusion, infinite recursion, print-and-stare) after the first 3–18 calls of the
dev set's real gemini-3-pro mini-swe-agent runs, and inserts productive episodes (slow convergence,
cleanup after the fix, a conftest fixed, typing passing, a merge conflict resolved) into real
resolved runs, next to 42 untouched resolved runs. It was written by someone who read neither the
detectors nor the policy, and its checksum was frozen before its first replay, which is to happen
once, at the end (docs/detection.md). Nothing here measures detection.
"""

from __future__ import annotations

from heldout15 import build
from heldout_checks import SplicedSetChecks
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT15_MD5 = "52d72dd6d2f3da8ba1a5d2c78d760d3b"


class TestHeldout15(SplicedSetChecks):
    name = "heldout15"
    frozen_md5 = FROZEN_HELDOUT15_MD5
    real_resolved = 42
    build = build
    loops_end_by_submitting = False

    def braces_allowed(self, braces: set[str]) -> bool:
        # Only the edge-case scripts' own f-strings ({i}, {label}) are braces by design.
        return braces <= {"{i}", "{label}"}

    def test_default_policy_on_the_fifteenth_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with the final code of this round (main @9aa92bc), never tuned on: loops stopped
        # 56.0 % (28/50), none early, median delay 15.5, saved 32.4 %; productive stopped 0 % (0/80), any
        # action 2.5 % (2/80). Spliced into real runs: the round's last honest estimate.
        self.assert_no_worse_than(replayed, stopped=0.56, delay=15.5, saved=0.32, productive_stopped=0, acted_on=0.025)
