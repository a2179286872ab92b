"""The thirty-eighth held-out set (tests/heldout38): frozen, shaped as it claims.

Its checksum was frozen before anything was measured on it; it has not been replayed.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout38 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT38_MD5 = "fcbb1b39144bc7024cdbcded28aa58c3"


class TestHeldout38(TextAgentSetChecks):
    name = "heldout38"
    frozen_md5 = FROZEN_HELDOUT38_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{app}",
        "{view}",
        "{label}",
        "{test}",
        "{url}",
        "{stem}",
        "{wrong}",
        "{port}",
        "{pid",
        "{mw}",
        "{script}",
    )
