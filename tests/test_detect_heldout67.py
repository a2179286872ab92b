"""The sixty-seventh held-out set (tests/heldout67): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout67 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT67_MD5 = "bc262b672aa7906f40ce1eef5c3a2981"


class TestHeldout67(TextAgentSetChecks):
    name = "heldout67"
    frozen_md5 = FROZEN_HELDOUT67_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in (those the real runs also print left out), and the slots of the code
    # they edit; one reaching a call is a hole the build missed.
    holes = (
        "{ctx",
        "{rng",
        "{area",
        "{suite",
        "{fn}",
        "{decode}",
        "{issue}",
        "{verify}",
        "{check}",
        "{make}",
        "{certs}",
        "{port}",
        "{header}",
        "{body_of}",
        "{legacy}",
        "{case}",
        "{line}",
        "{kind}",
        "{mode}",
        "{tf}",
        "{env}",
        "{var}",
        "{token}",
        "{sig}",
        "{salt}",
        "{when}",
        "{ttl}",
        "{pyjwt}",
        "{slot}",
        "STEM",
        "<<now>>",
        "<<exp>>",
        "<<leeway>>",
        "<<check>>",
        "<<key>>",
        "<<algs>>",
        "<<aud>>",
        "<<body>>",
        "<<digest>>",
        "<<strip>>",
        "<<guard>>",
        "<<call>>",
        "<<left>>",
        "<<right>>",
        "<<enc>>",
        "<<iters>>",
        "<<pw>>",
        "<<salt>>",
        "<<rounds>>",
        "<<fmt>>",
        "<<unmask>>",
        "<<secret>>",
        "<<rotate>>",
        "<<ctx>>",
        "<<mode>>",
        "<<sni>>",
        "<<clock>>",
    )
