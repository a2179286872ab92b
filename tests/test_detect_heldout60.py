"""The sixtieth held-out set (tests/heldout60): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is to be replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout60 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT60_MD5 = "f6675f931ee93773184b04176699daf4"


class TestHeldout60(TextAgentSetChecks):
    name = "heldout60"
    frozen_md5 = FROZEN_HELDOUT60_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{check}",
        "{lexer}",
        "{regex}",
        "{body}",
        "{target}",
        "{case}",
        "{line}",
        "{old}",
        "{new}",
        "{why}",
        "{secs}",
        "{kind}",
        "{shown}",
        "{want",
        "{got",
        "{fn}",
        "{pattern}",
        "{state",
        "{fail.",
    )
