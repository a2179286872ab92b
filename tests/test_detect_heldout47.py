"""The forty-seventh held-out set (tests/heldout47): frozen, shaped as it claims, not yet measured.

Its checksum was frozen before anything was measured on it; it is to be replayed once, at the end of the
round that integrates it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout47 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT47_MD5 = "126d97153d89f791cc6a3c7619c7b0bf"


class TestHeldout47(TextAgentSetChecks):
    name = "heldout47"
    frozen_md5 = FROZEN_HELDOUT47_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{case}",
        "{want}",
        "{got}",
        "{words}",
        "{snap}",
        "{short}",
        "{line}",
        "{at}",
        "{new}",
        "{old}",
    )
