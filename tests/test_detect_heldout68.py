"""The sixty-eighth held-out set (tests/heldout68): frozen and shaped as it claims, never measured here.

Its checksum was frozen before anything was measured on it; it is replayed once, at the end of the round
that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout68 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT68_MD5 = "a8a8309d98e019256589d330e412863c"


class TestHeldout68(TextAgentSetChecks):
    name = "heldout68"
    frozen_md5 = FROZEN_HELDOUT68_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{src}",
        "{tf}",
        "{fit}",
        "{loss}",
        "{grad}",
        "{model}",
        "{case}",
        "{line}",
        "{old}",
        "{new}",
        "{low}",
        "{mu}",
        "{lim}",
        "{eps}",
        "{tol}",
        "{got}",
        "{want}",
        "{nf}",
        "{ns}",
        "{no}",
        "{modes}",
        "{conftest}",
        "{cmd}",
        "{made}",
        "{hunk}",
        "{addr",
        "{acc",
        "{other}",
        "{seed}",
        "{lr}",
        "{epoch}",
        "{bad}",
        "{rtol}",
        "{atol}",
        "{kind}",
        "{state[",
        "{body}",
        "{target}",
    )
