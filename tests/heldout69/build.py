"""The sixty-ninth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.runs import Run
from heldout20.sets import Built, build_set, untouched, write_set
from heldout69 import (
    episodes_build,
    episodes_link,
    loops_cmake,
    loops_cython,
    loops_header,
    loops_import,
    loops_link,
    loops_static,
)
from heldout69.projects import natives
from heldout69.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 69_069

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "undefined-symbol-relink-churn": (loops_link.undefined_symbol_relink_churn, 8),
    "fpic-static-lib-relink-loop": (loops_static.fpic_static_lib_relink_loop, 7),
    "missing-header-include-chase": (loops_header.missing_header_include_chase, 7),
    "numpy-abi-rebuild-churn": (loops_header.numpy_abi_rebuild_churn, 7),
    "cython-pxd-signature-churn": (loops_cython.cython_pxd_signature_churn, 7),
    "inplace-build-not-imported": (loops_import.inplace_build_not_imported, 7),
    "cmake-reconfigure-cache-churn": (loops_cmake.cmake_reconfigure_cache_churn, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "missing-lib-linked": (episodes_link.missing_lib_linked, 7),
    "include-dir-added": (episodes_build.include_dir_added, 7),
    "pxd-declaration-aligned": (episodes_build.pxd_declaration_aligned, 7),
    "import-path-checked-rebuilt": (episodes_build.import_path_checked_rebuilt, 7),
    "fpic-added-clean-rebuild": (episodes_link.fpic_added_clean_rebuild, 7),
    "cmake-fresh-build-dir": (episodes_link.cmake_fresh_build_dir, 7),
    "real-resolved": (untouched, 38),
}


def _having(feature: str) -> Callable[[Run], bool]:
    """Runs whose project has a compiled piece with `feature` (a .pyx, numpy, a static library, a CMake dependency)."""
    return lambda run: bool(natives(run.owner, "x", feature))


FITS: dict[str, Callable[[Run], bool]] = {
    "numpy-abi-rebuild-churn": _having("numpy"),
    "cython-pxd-signature-churn": _having("pyx"),
    "pxd-declaration-aligned": _having("pyx"),
}


def build() -> Built:
    return build_set("heldout69", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL, FITS)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
