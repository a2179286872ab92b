"""The seventieth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout70 import (
    episodes_a,
    episodes_b,
    loops_dns,
    loops_framing,
    loops_keepalive,
    loops_loopback,
    loops_port,
    loops_proxy,
    loops_timeout,
)
from heldout70.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 70_070

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "eaddrinuse-port-shuffle": (loops_port.eaddrinuse_port_shuffle, 8),
    "loopback-family-mismatch": (loops_loopback.loopback_family_mismatch, 7),
    "no-proxy-bypass-seesaw": (loops_proxy.no_proxy_bypass_seesaw, 7),
    "keepalive-stale-connection-churn": (loops_keepalive.keepalive_stale_connection_churn, 7),
    "dns-stub-never-reached": (loops_dns.dns_stub_never_reached, 7),
    "connect-timeout-unreachable-chase": (loops_timeout.connect_timeout_unreachable_chase, 7),
    "recv-framing-short-read": (loops_framing.recv_framing_short_read, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "ephemeral-port-read-back": (episodes_a.ephemeral_port_read_back, 7),
    "no-proxy-entries-normalised": (episodes_a.no_proxy_entries_normalised, 7),
    "resolver-patched-at-lookup-site": (episodes_a.resolver_patched_at_lookup_site, 7),
    "frame-read-until-complete": (episodes_b.frame_read_until_complete, 7),
    "stale-keepalive-retried-once": (episodes_b.stale_keepalive_retried_once, 7),
    "read-timeout-set-after-connect": (episodes_b.read_timeout_set_after_connect, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout70", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
