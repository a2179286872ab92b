"""The sixth set's toolchains, by name."""

from __future__ import annotations

from .eco import Eco
from .ecos_a import BUN, DENO, GLEAM
from .ecos_b import COBOL, FORTRAN, FOUNDRY

ECOS: dict[str, Eco] = {eco.name: eco for eco in (DENO, BUN, GLEAM, COBOL, FOUNDRY, FORTRAN)}
