"""The seventeenth held-out set (tests/heldout17), frozen before anyone measured detection on it.

HELDOUT17 splices new loop families (regex tweaks, off-by-one bounds, indentation wars, doctest
drift, version downgrades, shell quoting, a hallucinated API) after the first 3–18 calls of the dev
set's real gemini-3-pro mini-swe-agent runs, and inserts productive episodes that look like them (a
regex that converges, a doctest fixed, a version pinned, quoting fixed once, tests added one at a
time, an API found by looking) into real resolved runs, next to 36 untouched resolved runs. It was
written by someone who read neither the detectors nor the policy, and its checksum was frozen before
its first replay, which is to happen once, at the end (docs/detection.md). Nothing here measures
detection.
"""

from __future__ import annotations

from heldout17 import build
from heldout_checks import SplicedSetChecks
from regulator.policy.evaluate import Evaluation

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT17_MD5 = "3348b802ee63bb80441841b0e95def41"


class TestHeldout17(SplicedSetChecks):
    name = "heldout17"
    frozen_md5 = FROZEN_HELDOUT17_MD5
    real_resolved = 36
    build = build
    loops_end_by_submitting = False
    holes = ("{repo", "{rng", "@SITE", "@LIB")
    lends_portkey_runs = True

    def braces_allowed(self, braces: set[str]) -> bool:
        # Only f-strings of the libraries' own source, quoted in their tracebacks, are braces by design.
        return braces <= {"{version}"}

    def test_default_policy_on_the_seventeenth_heldout_set(self, replayed: Evaluation) -> None:
        # First sight (main @40068f9, never tuned on): loops stopped 54.0 % (27/50), none early, median delay 20, saved
        # 22.3 %; productive stopped 0 % (0/80), any action 2.5 % (2/80). Tuned on after that (version-downgrade: a
        # successful install counts as a change between reruns); now 58.0 %, 19, 25.0 %; 0 %, 2.5 %.
        self.assert_no_worse_than(replayed, stopped=0.58, delay=19, saved=0.25, productive_stopped=0, acted_on=0.025)
