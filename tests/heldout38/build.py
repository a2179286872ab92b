"""The thirty-eighth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
Web-framework loops and their hard negatives go into Django runs; the local-server episode into any run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout38 import episodes, loops_routing, loops_views
from heldout38.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 38_038

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "noreversematch-chase": (loops_routing.noreversematch_chase, 7),
    "method-not-allowed-juggling": (loops_routing.method_not_allowed_juggling, 7),
    "urlconf-override-ignored": (loops_routing.urlconf_override_ignored, 7),
    "settings-never-configured": (loops_routing.settings_never_configured, 8),
    "template-loader-miss": (loops_views.template_loader_miss, 7),
    "csrf-forbidden-churn": (loops_views.csrf_forbidden_churn, 7),
    "middleware-order-shuffle": (loops_views.middleware_order_shuffle, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "reverse-name-fixed": (episodes.reverse_name_fixed, 7),
    "methods-declared": (episodes.methods_declared, 7),
    "template-found": (episodes.template_found, 7),
    "csrf-token-sent": (episodes.csrf_token_sent, 7),
    "middleware-reordered": (episodes.middleware_reordered, 7),
    "local-server-404-fixed": (episodes.local_server_404_fixed, 7),
    "real-resolved": (untouched, 38),
}


def _django(run: Run) -> bool:
    return run.owner == "django"


FITS: dict[str, Callable[[Run], bool]] = {family: _django for family in [*LOOPS, *list(PRODUCTIVE)[:5]]}


def build() -> Built:
    return build_set("heldout38", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
