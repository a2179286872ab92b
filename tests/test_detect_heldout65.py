"""The sixty-fifth held-out set (tests/heldout65): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout65 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT65_MD5 = "58b34a3434c9ae4f69840b1e5c2d646e"


class TestHeldout65(TextAgentSetChecks):
    name = "heldout65"
    frozen_md5 = FROZEN_HELDOUT65_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{fn}",
        "{flag}",
        "{many}",
        "{var}",
        "{body}",
        "{case}",
        "{line}",
        "{err}",
        "{err_path}",
        "{section}",
        "{where}",
        "{pkg}",
        "{dotted}",
        "{conf}",
        "{default}",
        "{want}",
        "{written}",
        "{loaded}",
        "{env_n}",
        "{words}",
        "{table}",
        "{setenv}",
        "{fixtures}",
        "{late}",
        "{falsy}",
    )
