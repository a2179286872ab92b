"""The twenty-third held-out set (tests/heldout23): built the same every time, frozen, and shaped as it claims.

Its checksum was frozen before anything was measured on it; it was replayed once, at the end of the round,
with the final detection code, and never tuned on.
"""

from __future__ import annotations

from pathlib import Path

from heldout20.runs import Run
from heldout23 import build
from heldout_checks import TextAgentSetChecks, labels_of, lent_run
from regulator.policy.evaluate import Evaluation

FROZEN_HELDOUT23_MD5 = "87e165643ddf37ba9379d108a67c5394"


class TestHeldout23(TextAgentSetChecks):
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

    def test_families_are_spliced_only_into_runs_whose_environment_has_what_they_need(self, built: Path) -> None:
        for session, label in labels_of(built).items():
            fit = build.FITS.get(label.family)
            if fit is not None:
                assert fit(Run(lent_run(session), [], resolved=False)), session

    def test_default_policy_on_the_twenty_third_heldout_set_measured_once(self, replayed: Evaluation) -> None:
        # Replayed once, with this round's final detection code (main @bdde2d5), never tuned on:
        # loops stopped 30.0 % (15/50), none early, median delay 20, saved 17.1 %;
        # productive stopped 0 % (0/80), any action 2.5 % (2/80). With the `unchanged` detector: 46.0 %,
        # 21 (the 8 loops it adds are stopped late, which moves the median over the stopped loops), 21.7 %; 0 %, 2.5 %.
        self.assert_no_worse_than(replayed, stopped=0.46, delay=21, saved=0.216, productive_stopped=0, acted_on=0.025)
