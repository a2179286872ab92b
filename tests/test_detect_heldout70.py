"""The seventieth held-out set (tests/heldout70): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout70 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT70_MD5 = "736e4729c27d668c43906222e7cdbd4b"


class TestHeldout70(TextAgentSetChecks):
    name = "heldout70"
    frozen_md5 = FROZEN_HELDOUT70_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed. ({p}, {a},
    # {func}, {path} and {indent} are theirs too, but the real runs print them; the braces check covers them.)
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{helpers}",
        "{host}",
        "{hosts}",
        "{parent}",
        "{port}",
        "{pid}",
        "{old}",
        "{new}",
        "{pool}",
        "{recv}",
        "{send}",
        "{size}",
        "{secs}",
        "{line}",
        "{body}",
        "{target}",
        "{call}",
        "{owner}",
        "{bound}",
        "{err}",
        "{tmo}",
        "{rt}",
        "{ret}",
        "{why}",
        "{pkg}",
        "{url}",
        "{entry}",
        "{want}",
        "{got}",
        "{attempts}",
        "{stray}",
        "{other}",
        "{script}",
        "{rows}",
        "{helper}",
    )
