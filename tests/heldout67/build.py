"""The sixty-seventh held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout67 import (
    episodes_a,
    episodes_b,
    loops_aud,
    loops_compare,
    loops_csrf,
    loops_hash,
    loops_hmac,
    loops_jwt,
    loops_tls,
)
from heldout67.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 67_067

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "jwt-exp-boundary-seesaw": (loops_jwt.jwt_exp_boundary_seesaw, 8),
    "jwt-audience-algorithm-churn": (loops_aud.jwt_audience_algorithm_churn, 7),
    "hmac-signature-mismatch-chase": (loops_hmac.hmac_signature_mismatch_chase, 7),
    "compare-digest-type-churn": (loops_compare.compare_digest_type_churn, 7),
    "password-hash-verify-flipflop": (loops_hash.password_hash_verify_flipflop, 7),
    "masked-token-length-churn": (loops_csrf.masked_token_length_churn, 7),
    "tls-verify-bundle-chase": (loops_tls.tls_verify_bundle_chase, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "exp-leeway-passed-to-decode": (episodes_a.exp_leeway_passed_to_decode, 7),
    "webhook-raw-body-signed": (episodes_a.webhook_raw_body_signed, 7),
    "audience-and-algorithms-pinned": (episodes_a.audience_and_algorithms_pinned, 7),
    "stored-iterations-honoured": (episodes_b.stored_iterations_honoured, 7),
    "compare-digest-bytes-normalised": (episodes_b.compare_digest_bytes_normalised, 7),
    "test-ca-passed-to-context": (episodes_b.test_ca_passed_to_context, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout67", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
