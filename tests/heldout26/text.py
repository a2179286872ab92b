"""Names the families' steps use, read from the run they are spliced into, and the output they print."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text

_REPROS = ("reproduce_issue.py", "repro.py", "reproduce.py", "check_issue.py", "test_repro.py")
_FUNCS = ("_{}_items", "normalize_{}", "_resolve_{}", "get_{}_values", "_collect_{}", "format_{}")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the reproduction script and function its agent works on."""

    @property
    def repro(self) -> str:
        return _REPROS[len(self.run.session) % len(_REPROS)]

    @property
    def func(self) -> str:
        return _FUNCS[sum(map(ord, self.run.session)) % len(_FUNCS)].format(self.stem)

    @property
    def test_name(self) -> str:
        return f"test_{self.func.strip('_')}_issue"


def traceback(ctx: Ctx, rng: random.Random, error: str, depth: int = 2) -> str:
    """A traceback through the repro script into the source file, its line numbers where the edits left them."""
    lines = [
        "Traceback (most recent call last):",
        f'  File "/testbed/{ctx.repro}", line {rng.randint(8, 30)}, in <module>',
    ]
    lines.append(f"    result = {ctx.func}(data)")
    for _ in range(depth - 1):
        lines.append(f'  File "/testbed/{ctx.source}", line {rng.randint(120, 900)}, in {ctx.func}')
        lines.append(f"    return _{ctx.stem}_impl(values, **options)")
    lines.append(f'  File "/testbed/{ctx.source}", line {rng.randint(120, 900)}, in _{ctx.stem}_impl')
    lines.append("    raise " + error.split(":")[0] + "(msg)")
    lines.append(error)
    return "\n".join(lines)


def edit(ctx: Ctx, old: str, new: str) -> str:
    """The agent's usual way of changing one snippet of the source file."""
    return (
        f"python - <<'EOF'\nimport re\np = '{ctx.source}'\ns = open(p).read()\n"
        f"s = s.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF"
    )
