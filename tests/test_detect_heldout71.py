"""The seventy-first held-out set (tests/heldout71): frozen and shaped as it claims.

Its checksum was frozen before anything was measured on it; it is measured once, at the end of the
round that integrates it, with that round's final detection code.
"""

from __future__ import annotations

import pytest

from heldout20.runs import DEV
from heldout71 import build
from heldout_checks import TextAgentSetChecks

pytestmark = pytest.mark.skipif(not (DEV / "calls.jsonl.gz").exists(), reason="the dev traces are not here")

FROZEN_HELDOUT71_MD5 = "c60a4e2b45accaf339fe40f6c155de20"


class TestHeldout71(TextAgentSetChecks):
    name = "heldout71"
    frozen_md5 = FROZEN_HELDOUT71_MD5
    real_resolved = 38
    build = build
    # Names the families' templates fill in; one reaching a call is a hole the build missed. The few they
    # share with the real runs' own text ({field}, {name}, {value}, {data}, ...) are left to the check
    # that no spliced message shows a brace at all.
    holes = (
        "{_hand_migration",
        "{add_menu}",
        "{addr",
        "{alter_menu}",
        "{app}",
        "{at}",
        "{backfill}",
        "{base}",
        "{body",
        "{branches}",
        "{case}",
        "{changed}",
        "{child}",
        "{choices}",
        "{clash}",
        "{cls}",
        "{code}",
        "{command}",
        "{ctx",
        "{decl}",
        "{default}",
        "{enter}",
        "{execute}",
        "{fail",
        "{family}",
        "{fields}",
        "{fill}",
        "{first",
        "{fixed}",
        "{flags}",
        "{fn}",
        "{generated}",
        "{got}",
        "{hand}",
        "{header}",
        "{here}",
        "{key}",
        "{kind",
        "{kwarg}",
        "{last",
        "{later",
        "{line_in",
        "{line}",
        "{listing}",
        "{manage}",
        "{merge}",
        "{message}",
        "{migration}",
        "{model}",
        "{module}",
        "{names",
        "{new}",
        "{nullable}",
        "{number",
        "{olds",
        "{old}",
        "{one}",
        "{ops}",
        "{passed",
        "{pattern}",
        "{per_row}",
        "{pointer}",
        "{proj}",
        "{python}",
        "{reprs",
        "{right}",
        "{rng",
        "{run",
        "{scope}",
        "{script}",
        "{settings}",
        "{shown}",
        "{squashed}",
        "{syntax}",
        "{table}",
        "{target}",
        "{third",
        "{upto}",
        "{want}",
        "{when}",
        "{where}",
        "{which",
        "{why}",
        "{without}",
        "{wrappers}",
    )
