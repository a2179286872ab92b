"""The nineteenth held-out set (tests/heldout19), frozen before anyone measured detection on it.

HELDOUT19 splices new loop families (mock patches aimed at the wrong place, raw SQL edited by hand,
event-loop trouble, hand-edited JSON, pytest options pytest never reads, flaky property tests, a check
script whose entry point never runs) after the first 3–18 calls of the dev set's real gemini-3-pro
mini-swe-agent runs, and inserts productive episodes with the same surface (a patch target fixed, a
query fixed, the right event-loop runner, JSON repaired, an option moved to the file pytest reads, a
property test tuned) into real resolved runs, next to 38 untouched resolved runs. It was written by
someone who read neither the detectors, the policy nor the other sets, and its checksum was frozen
before its first replay, which is to happen once, at the end (docs/detection.md). Nothing here
measures detection.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from heldout19 import build
from heldout_checks import SplicedSetChecks, labels_of, real_run
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT19_MD5 = "548c63b252bfd991e00306e40a070d78"


class TestHeldout19(SplicedSetChecks):
    name = "heldout19"
    frozen_md5 = FROZEN_HELDOUT19_MD5
    real_resolved = 38
    build = build

    def braces_allowed(self, braces: set[str]) -> bool:
        # Only the scripts' own f-strings ({result}, …) and mock's source line ({key}) are braces by design.
        return braces <= {"{result}", "{key}", "{self}"}

    def test_only_untouched_runs_keep_their_real_length(
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            if label.loop_from_seq is None:
                assert (len(sessions[session]) == len(real_run(session, dev))) == (label.family == "real-resolved")

    def test_default_policy_on_the_nineteenth_heldout_set(self, replayed: Evaluation) -> None:
        # First sight (main @e40cab2, never tuned on): loops stopped 36.0 % (18/50), none early, median delay 14, saved
        # 21.5 %; productive stopped 0 % (0/80), any action 0 % (0/80). Tuned on after that (asyncio's `Task-N` names
        # and JSON's `(char N)` offsets left out of signatures); 40.0 %, 16.5, 23.9 %; 0 %, 0 %. A second kind of
        # waste nudged on its own (policy/ladder.py) stops one more loop, late: now 42.0 %, 17, 25.3 %; 0 %, 0 %.
        self.assert_no_worse_than(replayed, stopped=0.42, delay=17, saved=0.25, productive_stopped=0, acted_on=0.0)
