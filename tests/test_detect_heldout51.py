"""The fifty-first held-out set (tests/heldout51): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; the integrator replays it once, at the end
of the round that integrates it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout51 import build
from heldout51.text import BRACES
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT51_MD5 = "f90b5722b30fe58a88ac9046c6b933b6"


class TestHeldout51(TextAgentSetChecks):
    name = "heldout51"
    frozen_md5 = FROZEN_HELDOUT51_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{case}",
        "{line}",
        "{line +",
        "{old}",
        "{new}",
        "{got}",
        "{want}",
        "{fmt",
        "{sep}",
        "{mode}",
        "{spec}",
    )

    def braces_allowed(self, braces: set[str]) -> bool:
        # The f-strings, format specs and LaTeX the families quote are the only braces by design.
        return braces <= BRACES
