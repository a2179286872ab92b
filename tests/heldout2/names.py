"""The names sessions of the second held-out set are written with (a logistics domain no other set uses)."""

from __future__ import annotations

import random

# Names of the held-out-2 domain (logistics), used by no other set.
POOL = (
    "shipment",
    "warehouse",
    "pallet",
    "carrier",
    "manifest",
    "parcel",
    "courier",
    "depot",
    "customs",
    "tariff",
    "berth",
    "vessel",
    "container",
    "dock",
    "freight",
    "lane",
)


def ident(rng: random.Random, parts: int = 2, sep: str = "_") -> str:
    return sep.join(rng.sample(POOL, parts))


def camel(name: str) -> str:
    return "".join(p.capitalize() for p in name.split("_"))


def lower_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.capitalize() for p in rest)
