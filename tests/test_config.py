"""regulator.yaml and its environment overrides: a number that is not finite fails at start, by path."""

from __future__ import annotations

from pathlib import Path

import pytest

from regulator.config import ConfigError, load_config


@pytest.mark.parametrize(
    ("yaml_text", "where"),
    [
        ("budgets:\n  - scope: agent:x\n    day: .inf\n", "budgets.0.day"),
        ("budgets:\n  - scope: agent:x\n    day: .nan\n", "budgets.0.day"),
        ("rate_limits:\n  - scope: agent:*\n    requests_per_minute: 1e999\n", "rate_limits.0.requests_per_minute"),
        ("server:\n  upstream_timeout_s: inf\n", "server.upstream_timeout_s"),
        ("alerts:\n  backoff_s: .inf\n", "alerts.backoff_s"),
        ("policy:\n  throttle_s: Infinity\n", "policy.throttle_s"),
    ],
)
def test_a_number_that_is_not_finite_is_refused_with_its_path(tmp_path: Path, yaml_text: str, where: str) -> None:
    path = tmp_path / "regulator.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError, match=rf"{where}: (expected|Input should be) a finite number"):
        load_config(path, environ={})


def test_an_environment_override_that_is_not_finite_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"counters\.clock_skew_s: expected a finite number"):
        load_config(None, environ={"REGULATOR_COUNTERS__CLOCK_SKEW_S": ".inf"})
    assert load_config(None, environ={"REGULATOR_COUNTERS__CLOCK_SKEW_S": "0.5"}).counters.clock_skew_s == 0.5
