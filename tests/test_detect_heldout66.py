"""The sixty-sixth held-out set (tests/heldout66): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout66 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT66_MD5 = "0550e480110e3889805e3b0d0c25c5f0"


class TestHeldout66(TextAgentSetChecks):
    name = "heldout66"
    frozen_md5 = FROZEN_HELDOUT66_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{fail.",
        "{src}",
        "{tf}",
        "{draw}",
        "{ticks}",
        "{norm}",
        "{legend}",
        "{save}",
        "{svg}",
        "{font}",
        "{case}",
        "{cases[",
        "{image}",
        "{line}",
        "{family",
        "{golden}",
        "{why}",
        "{old}",
        "{new}",
        "{dpi}",
        "{tol[",
        "{kwarg}",
        "{levels}",
        "{values}",
        "{want",
        "{got",
        "{ext}",
        "{glyph}",
        "{char",
        "{plain",
        "{body}",
        "{target}",
        "{kind}",
        "{stamp",
        "{bins}",
        "{exact}",
        "{hidden",
        "{rel}",
        "{pkg}",
        "{cache}",
        "{warn}",
        "{where}",
    )
