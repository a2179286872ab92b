"""The eleventh set's toolchains, by name."""

from __future__ import annotations

from .dart_haxe import DART, HAXE
from .lisp_pwsh import LISP, PWSH
from .nim_racket import NIM, RACKET
from .toolchain import Toolchain

TOOLCHAINS: dict[str, Toolchain] = {tc.name: tc for tc in (NIM, RACKET, LISP, PWSH, DART, HAXE)}
