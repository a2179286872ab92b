"""Every toolchain of the fourth set, by name."""

from __future__ import annotations

from .eco import Eco
from .ecos_a import GOSVC, PYDATA, RUSTCLI, SPRING
from .ecos_b import FIRMWARE, MOBILE, NODEAPI

ECOS: dict[str, Eco] = {e.name: e for e in (PYDATA, SPRING, GOSVC, RUSTCLI, NODEAPI, MOBILE, FIRMWARE)}
