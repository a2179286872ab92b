"""What every set spliced with this package does besides its families (heldout20, 21, 22).

Where an episode may go in a real run, how a session is labelled, and the two files a set is written to.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

from heldout20.calls import SUBMIT, Step
from heldout20.runs import Run, answer_of

Built = list[tuple[dict[str, Any], list[dict[str, Any]]]]
_PLAIN = "<returncode>0</returncode>\n<output>\n"


def untouched(ctx: object, rng: random.Random) -> list[Step]:
    """The episode of a real resolved run left as it was."""
    return []


def plain_returns(run: Run) -> list[int]:
    """Calls whose prompt ends on a command that returned plainly, the run going on after them."""
    return [
        i
        for i, call in enumerate(run.calls[3:-2], 3)
        if str(call.messages[-1]["content"]).startswith(_PLAIN)
        and len(str(call.messages[-1]["content"])) < 3000
        and SUBMIT not in answer_of(call)
    ]


def label(session: str, family: str, onset: int | None) -> dict[str, Any]:
    kind = "loop" if onset is not None else "productive"
    return {"session": session, "label": kind, "loop_from_seq": onset, "family": family, "resolved": None}


def write_set(directory: Path, built: Built) -> Path:
    """Writes calls.jsonl.gz and labels.jsonl into `directory`; returns the calls' path."""
    calls = "".join(json.dumps(line, separators=(",", ":")) + "\n" for _, lines in built for line in lines)
    labels = "".join(json.dumps(label, separators=(",", ":")) + "\n" for label, _ in built)
    path = directory / "calls.jsonl.gz"
    path.write_bytes(gzip.compress(calls.encode(), mtime=0))
    (directory / "labels.jsonl").write_text(labels)
    return path
