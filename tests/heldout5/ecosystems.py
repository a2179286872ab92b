"""Every toolchain of the fifth held-out set, by name."""

from __future__ import annotations

from . import ecos_a, ecos_b, ecos_c
from .eco import Eco

ECOS: dict[str, Eco] = {**ecos_a.ECOS, **ecos_b.ECOS, **ecos_c.ECOS}
