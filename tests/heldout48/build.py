"""The forty-eighth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout48 import episodes, loops_mocks, loops_replay, loops_respx, loops_transport
from heldout48.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 48_048

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "unmatched-mock-url": (loops_mocks.unmatched_mock_url, 8),
    "body-matcher-mismatch": (loops_mocks.body_matcher_mismatch, 7),
    "respx-routes-uncalled": (loops_respx.respx_routes_uncalled, 7),
    "cassette-request-mismatch": (loops_replay.cassette_request_mismatch, 7),
    "retry-count-drift": (loops_replay.retry_count_drift, 7),
    "streamed-body-mismatch": (loops_transport.streamed_body_mismatch, 7),
    "redirect-chain-chase": (loops_transport.redirect_chain_chase, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "mock-url-normalized": (episodes.mock_url_normalized, 7),
    "body-matcher-aligned": (episodes.body_matcher_aligned, 7),
    "respx-route-repointed": (episodes.respx_route_repointed, 7),
    "cassette-query-filtered": (episodes.cassette_query_filtered, 7),
    "retry-budget-counted": (episodes.retry_budget_counted, 7),
    "redirect-followed": (episodes.redirect_followed, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout48", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
