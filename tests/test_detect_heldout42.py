"""The forty-second held-out set (tests/heldout42): frozen, shaped as it claims.

Its checksum was frozen before anything was measured on it; it has not been replayed.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout42 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT42_MD5 = "ae3961b9e56c03df6f1bee8712224aef"


class TestHeldout42(TextAgentSetChecks):
    name = "heldout42"
    frozen_md5 = FROZEN_HELDOUT42_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = ("{ctx", "{rng", "{pat}", "{word}", "{dep}", "{old}", "{real}", "{sha}", "{at}", "{ver}", "{dims}")
