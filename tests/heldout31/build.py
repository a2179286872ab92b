"""The thirty-first held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout31 import episodes, loops_access, loops_sandbox
from heldout31.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 31_031

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "private-index-unauthorized": (loops_access.private_index_unauthorized, 7),
    "cert-chain-untrusted": (loops_access.cert_chain_untrusted, 7),
    "gh-token-expired": (loops_access.gh_token_expired, 7),
    "bucket-access-denied": (loops_access.bucket_access_denied, 7),
    "ptrace-forbidden": (loops_sandbox.ptrace_forbidden, 8),
    "lfs-quota-exhausted": (loops_sandbox.lfs_quota_exhausted, 7),
    "inode-quota-exceeded": (loops_sandbox.inode_quota_exceeded, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "index-credentials-fixed": (episodes.index_credentials_fixed, 7),
    "ca-bundle-pointed": (episodes.ca_bundle_pointed, 7),
    "lfs-fetch-retried": (episodes.lfs_fetch_retried, 7),
    "cache-redirected": (episodes.cache_redirected, 7),
    "trace-without-ptrace": (episodes.trace_without_ptrace, 7),
    "unsigned-download-worked": (episodes.unsigned_download_worked, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout31", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
