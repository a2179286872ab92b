"""The twenty-third held-out set (tests/heldout23): built the same every time, frozen, and shaped as it claims.

Structure only. The set is frozen unmeasured: nothing here replays it or runs a detector or policy on it.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from heldout20.calls import SUBMIT
from heldout20.runs import Run
from heldout23 import build
from heldout_checks import SplicedSetChecks, labels_of, lent_run, real_run
from regulator.traces.format import TraceCall

FROZEN_HELDOUT23_MD5 = "87e165643ddf37ba9379d108a67c5394"


def _answer(call: TraceCall) -> str:
    return str(call.response["choices"][0]["message"]["content"])


class TestHeldout23(SplicedSetChecks):
    name = "heldout23"
    frozen_md5 = FROZEN_HELDOUT23_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{self.ctx",
        "{self.rng",
        "{now",
        "{egress",
        "{site}",
        "{py}",
        "{tests}",
        "{stem",
        "{cls}",
        "{dotted",
        "{app}",
        "{kind}",
    )

    def braces_allowed(self, braces: set[str]) -> bool:
        # The f-string of the reproduction script the agent writes in import-path-maze.
        return braces <= {"{mod.__file__}"}

    def test_time_moves_strictly_forward(self, sessions: dict[str, list[TraceCall]]) -> None:
        for calls in sessions.values():
            assert all(before.ts < after.ts for before, after in pairwise(calls))

    def test_loops_submit_only_at_the_end_and_never_repeat_a_command_twice_running(
        self, built: Path, sessions: dict[str, list[TraceCall]]
    ) -> None:
        for session, label in labels_of(built).items():
            if label.loop_from_seq is None:
                continue
            answers = [_answer(call) for call in sessions[session]]
            assert answers[-1].rstrip().endswith(f"```bash\n{SUBMIT}\n```")
            assert not any(SUBMIT in answer for answer in answers[:-1])
            commands = [answer.split("```bash\n", 1)[1] for answer in answers[label.loop_from_seq :]]
            assert all(before != after for before, after in pairwise(commands))

    def test_every_new_answer_is_a_thought_and_one_command(
        self, sessions: dict[str, list[TraceCall]], dev: dict[str, list[TraceCall]]
    ) -> None:
        for session, calls in sessions.items():
            recorded = {_answer(call) for call in real_run(session, dev)}
            for answer in (_answer(call) for call in calls):
                if answer not in recorded:
                    assert answer.startswith("THOUGHT: ") and answer.count("```bash\n") == 1, answer[:200]

    def test_families_are_spliced_only_into_runs_whose_environment_has_what_they_need(self, built: Path) -> None:
        for session, label in labels_of(built).items():
            fit = build.FITS.get(label.family)
            if fit is not None:
                assert fit(Run(lent_run(session), [], resolved=False)), session
