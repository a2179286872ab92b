"""The eighteenth held-out set (tests/heldout18), frozen before anyone measured detection on it.

HELDOUT18 splices new loop families (edits that never take effect, test selections matching
nothing, formatters fighting, commit hooks rewriting files, outputs too long to show, extension
builds failing, import-time crashes) after the first 3–18 calls of the dev set's real gemini-3-pro
mini-swe-agent runs, and inserts productive episodes with the same surface (a reinstall that makes
an edit show, lint converging, a test selection put right, a too-long output narrowed, an extension
build fixed, a long suite run in pieces) into real resolved runs, next to 38 untouched resolved
runs. It was written by someone who read neither the detectors, the policy nor the other sets, and
its checksum was frozen before its first replay (docs/detection.md). Nothing here measures detection.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

from heldout18 import build
from heldout_checks import SplicedSetChecks, labels_of, real_run
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall

# The set as it was frozen (its calls, uncompressed), before its first replay.
FROZEN_HELDOUT18_MD5 = "f070c0eae8d9070870a149b51b9c645f"


class TestHeldout18(SplicedSetChecks):
    name = "heldout18"
    frozen_md5 = FROZEN_HELDOUT18_MD5
    real_resolved = 38
    build = build

    def test_each_call_adds_one_answer_and_one_reply(self, sessions: dict[str, list[TraceCall]]) -> None:
        for before, after in (pair for calls in sessions.values() for pair in pairwise(calls)):
            assert len(after.messages) == len(before.messages) + 2

    def test_untouched_runs_are_their_real_runs_and_episodes_lengthen_theirs(
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            calls, real = sessions[session], real_run(session, dev)
            if label.family == "real-resolved":
                assert [c.response for c in calls] == [c.response for c in real]
            elif label.loop_from_seq is None:
                assert len(calls) > len(real)

    def test_spliced_prompts_grow_with_the_conversation(
        self, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        # A recorded answer moved later keeps its generation id's random part; a spliced one has a new one.
        recorded = {call.response["id"].rsplit("-", 1)[1] for calls in dev.values() for call in calls}
        for calls in sessions.values():
            for before, after in pairwise(calls):
                if after.response["id"].rsplit("-", 1)[1] not in recorded:
                    assert after.response["usage"]["prompt_tokens"] > before.response["usage"]["prompt_tokens"]

    def test_no_template_hole_is_left_unfilled(
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        text = gzip.decompress(built.read_bytes()).decode()
        assert "{repo" not in text and "{rng" not in text
        for session, calls in sessions.items():
            real = real_run(session, dev)
            recorded = "\n".join(str(m["content"]) for m in real[-1].messages)
            recorded += real[-1].response["choices"][0]["message"]["content"]
            for message in calls[-1].messages[2:]:
                # Braces a spliced message repeats from its own run (its scripts' f-strings) are the run's, not holes.
                holes = set(re.findall(r"\{[a-z_][\w.]*\}", str(message["content"])))
                assert all(hole in recorded for hole in holes), (session, holes)

    def test_default_policy_on_the_eighteenth_heldout_set(self, replayed: Evaluation) -> None:
        # First sight (main @5fc6168, never tuned on): loops stopped 28.0 % (14/50), none early, median delay 22, saved
        # 9.3 %; productive stopped 1.2 % (1/80, a real run's own failing tests after the episode), any action 1.2 %
        # (1/80). Tuned on after that: output-too-long 1/7 → 7/7 (the harness detector), a check however it is run, a
        # linter's complaint signed by its rule; pytest's `ERROR: not found` no longer read as a missing binary (a loss:
        # no-tests-selected was caught on that misreading). Now 46.0 %, 18, 31.0 %; 1.2 %, 1.2 %.
        self.assert_no_worse_than(
            # Looks between failures break same_error's run only after a change to the code: 46 → 58 % (the
            # loops caught now are caught late: the median delay 18 → 19).
            replayed,
            stopped=0.58,
            delay=19,
            saved=0.309,
            productive_stopped=0.0125,
            acted_on=0.0125,
        )
