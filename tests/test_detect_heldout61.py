"""The sixty-first held-out set (tests/heldout61): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it has not been replayed here.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout61 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT61_MD5 = "d3a50076694aa7bc7dfecac10ecf2e1f"


class TestHeldout61(TextAgentSetChecks):
    name = "heldout61"
    frozen_md5 = FROZEN_HELDOUT61_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed. ({a}, {b}, {cls},
    # {name}, {root}, {func}, {attr} and {opt} are left out: the real runs' own f-strings print them.)
    holes = (
        "{ctx",
        "{rng",
        "{adot}",
        "{bdot}",
        "{back}",
        "{imp_a}",
        "{imp_b}",
        "{helper}",
        "{pkg}",
        "{pinit}",
        "{mod}",
        "{kind}",
        "{names}",
        "{sub}",
        "{subdot}",
        "{reg}",
        "{get}",
        "{group}",
        "{wrong}",
        "{demo}",
        "{dist}",
        "{loader}",
        "{ns}",
        "{pa}",
        "{pb}",
        "{scratch}",
        "{site}",
        "{top}",
        "{alias}",
        "{use}",
        "{flag}",
        "{fn}",
        "{pip_name}",
        "{message}",
        "{line}",
        "{body}",
    )
