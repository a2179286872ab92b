"""The twenty-second held-out set (tests/heldout22): what it is, checked; how detection does on it, not yet.

The set is frozen by checksum before anything is measured on it, so nobody can tune on it by accident.
These tests only check that it is the set it was frozen as and that it is built the way its brief says.
"""

from __future__ import annotations

import re
from pathlib import Path

from heldout20.calls import SUBMIT
from heldout22 import build
from heldout_checks import SplicedSetChecks, labels_of
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
        self, built: Path, sessions: dict[str, list[TraceCall]], dev: dict[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            if label.label == "productive":
                grown = len(sessions[session]) - len(dev[session.split("/")[2]])
                assert grown == 0 if label.family == "real-resolved" else 2 <= grown <= 6

    def test_no_name_of_the_families_templates_is_left_in_a_call(
        self, sessions: dict[str, list[TraceCall]], dev: dict[str, list[TraceCall]]
    ) -> None:
        for session, calls in sessions.items():
            real = dev[session.split("/")[2]]
            seen = {str(m["content"]) for call in real for m in call.messages} | {_answer(call) for call in real}
            for call in calls:
                for text in (_answer(call), *(str(m["content"]) for m in call.messages[-2:])):
                    assert text in seen or not _HOLES.search(text), (session, call.seq)
