"""The sixty-fourth held-out set (tests/heldout64): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout64 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT64_MD5 = "7a3cad0a84d3ae4e5b8c9239222bce99"


class TestHeldout64(TextAgentSetChecks):
    name = "heldout64"
    frozen_md5 = FROZEN_HELDOUT64_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{fn}",
        "{holder}",
        "{gen}",
        "{hook}",
        "{lib}",
        "{mod}",
        "{short}",
        "{body}",
        "{target}",
        "{case}",
        "{line}",
        "{where}",
        "{server}",
        "{srv}",
        "{secs}",
        "{what}",
        "{conftest}",
        "{victim}",
        "{polluter}",
        "{backend}",
        "{shown}",
        "{ind}",
        "{old}",
        "{new}",
    )
