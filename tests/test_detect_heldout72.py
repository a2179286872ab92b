"""The seventy-second held-out set (tests/heldout72): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout72 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT72_MD5 = "5d34cc61b45c7c1a19e06013d6566b0e"


class TestHeldout72(TextAgentSetChecks):
    name = "heldout72"
    frozen_md5 = FROZEN_HELDOUT72_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{fail.",
        "{case}",
        "{case.",
        "{func}",
        "{old}",
        "{new}",
        "{body}",
        "{line}",
        "{col}",
        "{lineno}",
        "{width}",
        "{got",
        "{want}",
        "{extra}",
        "{split}",
        "{join}",
        "{opened}",
        "{written}",
        "{test}",
        "{where}",
        "{shown}",
        "{tool}",
        "{write}",
        "{call}",
        "{segment}",
        "{source}",
        "{comment}",
        "{one}",
        "{two}",
        "{git}",
        "{kind}",
        "{title}",
        "{number}",
        "{start}",
    )
