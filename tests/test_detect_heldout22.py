"""The twenty-second held-out set (tests/heldout22): what it is, checked, and how detection did on it.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round,
with the final detection code, and never tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from heldout20.calls import SUBMIT
from heldout22 import build
from heldout_checks import SplicedSetChecks, labels_of
from regulator.policy.evaluate import Evaluation
from regulator.traces.format import TraceCall

# The names the families' templates fill in; one left in a call is a step written wrong.
_HOLES = re.compile(
    r"\{(arg|site|so|then|dir|path|dl|label|page2?|root|ext|dotted|func|var|source|d?line|underline|role|good|x|pkg|body)\}"
)


def _answer(call: TraceCall) -> str:
    return str(call.response["choices"][0]["message"]["content"])


class TestHeldout22(SplicedSetChecks):
    name = "heldout22"
    frozen_md5 = "4ab2e0f86b7042ef4c3e68426a0ebd6a"
    real_resolved = 38
    build = build

    def braces_allowed(self, braces: set[str]) -> bool:
        # curl's write-out variable, which an agent checking the network types as is.
        return braces <= {"{http_code}"}

    def test_loops_give_up_with_the_submit_command_and_only_then(
        self, built: Path, sessions: dict[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            if label.label == "loop":
                assert _answer(sessions[session][-1]).endswith(f"```bash\n{SUBMIT}\n```")
                assert all(SUBMIT not in _answer(call) for call in sessions[session][:-1])

    def test_episodes_add_a_few_calls_and_untouched_runs_none(
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            if label.label == "productive":
                grown = len(sessions[session]) - len(dev[session.split("/")[2]])
                assert grown == 0 if label.family == "real-resolved" else 2 <= grown <= 6

    def test_no_name_of_the_families_templates_is_left_in_a_call(
        self, sessions: dict[str, list[TraceCall]], dev: Mapping[str, list[TraceCall]]
    ) -> None:
        for session, calls in sessions.items():
            real = dev[session.split("/")[2]]
            seen = {str(m["content"]) for call in real for m in call.messages} | {_answer(call) for call in real}
            for call in calls:
                for text in (_answer(call), *(str(m["content"]) for m in call.messages[-2:])):
                    assert text in seen or not _HOLES.search(text), (session, call.seq)

    def test_default_policy_on_the_twenty_second_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's final detection code (main @bdde2d5), never tuned on:
        # loops stopped 42.0 % (21/50), none early, median delay 18, saved 17.1 %;
        # productive stopped 0 % (0/80), any action 1.2 % (1/80).
        self.assert_no_worse_than(replayed, stopped=0.42, delay=18, saved=0.170, productive_stopped=0, acted_on=0.0125)
