"""The forty-fifth held-out set: which run each session is spliced into, and the files it is written to.

Every choice comes from one seeded generator, in one order, so the set is the same bytes on every build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from heldout20.calls import Step
from heldout20.sets import Built, build_set, untouched, write_set
from heldout45 import (
    episodes,
    loops_csv,
    loops_ini,
    loops_schema,
    loops_toml,
    loops_xml,
    loops_yaml_tags,
    loops_yaml_types,
)
from heldout45.text import Ctx

LoopBuilder = Callable[[Ctx, random.Random, int], list[Step]]
EpisodeBuilder = Callable[[Ctx, random.Random], list[Step]]

OPENING = (3, 18)
TAIL = (12, 40)
SEED = 45_045

LOOPS: dict[str, tuple[LoopBuilder, int]] = {
    "yaml-implicit-typing-chase": (loops_yaml_types.yaml_implicit_typing_chase, 8),
    "yaml-tag-constructor-wall": (loops_yaml_tags.yaml_tag_constructor_wall, 7),
    "xml-namespace-prefix-drift": (loops_xml.xml_namespace_prefix_drift, 7),
    "csv-dialect-quoting-churn": (loops_csv.csv_dialect_quoting_churn, 7),
    "toml-datetime-roundtrip": (loops_toml.toml_datetime_roundtrip, 7),
    "ini-interpolation-maze": (loops_ini.ini_interpolation_maze, 7),
    "schema-message-mismatch": (loops_schema.schema_message_mismatch, 7),
}

PRODUCTIVE: dict[str, tuple[EpisodeBuilder, int]] = {
    "yaml-scalars-quoted": (episodes.yaml_scalars_quoted, 7),
    "xml-namespace-registered": (episodes.xml_namespace_registered, 7),
    "csv-dialect-pinned": (episodes.csv_dialect_pinned, 7),
    "toml-datetime-normalized": (episodes.toml_datetime_normalized, 7),
    "schema-error-path-used": (episodes.schema_error_path_used, 7),
    "ini-interpolation-disabled": (episodes.ini_interpolation_disabled, 7),
    "real-resolved": (untouched, 38),
}


def build() -> Built:
    return build_set("heldout45", SEED, LOOPS, PRODUCTIVE, Ctx, OPENING, TAIL)


def write(directory: Path) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    return write_set(directory, build())
