"""The harness detector: an agent whose actions the harness keeps refusing (wrong format, output too long)."""

from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.config import Config
from regulator.detect.base import Finding
from regulator.detect.harness import HarnessRefusalDetector
from regulator.detect.registry import build_detectors

FORMAT_ERROR = (
    "Please always provide EXACTLY ONE action in triple backticks, found 2 actions.\n\n"
    "Please format your action in triple backticks as shown in <response_example>."
)
TOO_LONG = (
    "<returncode>0</returncode>\n<warning>\nThe output of your last command was too long.\n"
    "Please try a different command that produces less output.\n</warning><output_head>\n" + "x = 1\n" * 40
)
LISTING = "<returncode>0</returncode>\n<output>\nsetup.py\nsrc\ntests\n</output>"


def _run(results: list[str]) -> list[list[Finding]]:
    detector = HarnessRefusalDetector()
    session = ScriptedSession()
    commands = [f"grep -rn 'def parse' src --include='*.py' -A {i}" for i in range(len(results))]
    found = [detector.observe(session.call(command, result)) for command, result in zip(commands, results, strict=True)]
    return [*found, detector.observe(session.call("ls", ""))]  # the last result arrives a call later


def test_an_agent_whose_actions_the_harness_keeps_refusing_is_found_with_what_it_said() -> None:
    found = _run([LISTING, TOO_LONG, FORMAT_ERROR, TOO_LONG, TOO_LONG, FORMAT_ERROR, TOO_LONG, TOO_LONG])
    assert not any(found[:7])  # five refusals in the first seven steps are not yet a pattern
    finding = found[-1][0]
    assert finding.severity == pytest.approx(0.75)
    assert finding.evidence.startswith("the harness refused 7 of the agent's last 8 actions (calls 2–8)")
    assert "`The output of your last command was too long`" in finding.evidence
    assert "`Please always provide EXACTLY ONE action`" in finding.evidence


def test_an_agent_that_corrects_itself_after_a_few_refusals_is_left_alone() -> None:
    # Real runs that finished their task had at most four refusals in any eight steps.
    found = _run([TOO_LONG, LISTING, FORMAT_ERROR, LISTING, TOO_LONG, TOO_LONG, LISTING, LISTING, LISTING])
    assert not any(found)


def test_a_file_that_merely_mentions_a_complaint_is_no_refusal() -> None:
    quoted = "<returncode>0</returncode>\n<output>\n" + "log line\n" * 80 + "Output too large\n</output>"
    assert not any(_run([quoted] * 8))


def test_the_detector_is_configured_by_default_and_can_be_switched_off() -> None:
    assert any(d.name == "harness" for d in build_detectors(Config().detect))
    off = Config.model_validate({"detect": {"harness": {"enabled": False}}})
    assert not any(d.name == "harness" for d in build_detectors(off.detect))
