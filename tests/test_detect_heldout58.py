"""The fifty-eighth held-out set (tests/heldout58): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is not replayed here.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout58 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT58_MD5 = "236b497e5b936dbdda3751e2b8db61cf"


class TestHeldout58(TextAgentSetChecks):
    name = "heldout58"
    frozen_md5 = FROZEN_HELDOUT58_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{spec}",
        "{walk}",
        "{body}",
        "{target}",
        "{case}",
        "{line}",
        "{old}",
        "{new}",
        "{why}",
        "{secs}",
        "{limit}",
    )
