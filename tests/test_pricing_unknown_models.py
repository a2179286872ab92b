"""Models the catalogue does not know: refused with the config key that prices them, or served at a fallback price."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from conftest import RunningGateway
from regulator.cli.main import _register, app
from regulator.config import Config, ConfigError, load_config
from regulator.errors import UnknownModelPrice
from regulator.events import Usage
from regulator.pricing import PriceBook

CONFIGURED = {"models": [{"name": "gpt-4o-mini", "upstream": "default"}, {"name": "house-llm", "upstream": "default"}]}


def test_a_configured_model_without_a_price_is_refused_naming_its_own_key() -> None:
    book = PriceBook(Config.model_validate({"upstreams": [{"name": "default", "base_url": "http://x"}], **CONFIGURED}))
    with pytest.raises(UnknownModelPrice) as info:
        book.price("house-llm")
    assert "models[1].price" in info.value.message and "pricing.fallback_price" in info.value.message


def test_an_unconfigured_model_is_refused_naming_the_key_to_add() -> None:
    with pytest.raises(UnknownModelPrice) as info:
        PriceBook(Config()).price("house-llm")
    assert "models[].price" in info.value.message and "'house-llm'" in info.value.message


def test_the_fallback_price_needs_a_price(tmp_path: Path) -> None:
    path = tmp_path / "regulator.yaml"
    path.write_text(yaml.safe_dump({"pricing": {"unknown_model": "fallback"}}))
    with pytest.raises(ConfigError, match=r"pricing.*fallback_price"):
        load_config(path, environ={})


def test_a_fallback_price_prices_unknown_models_and_says_so() -> None:
    pricing = {"unknown_model": "fallback", "fallback_price": {"input": 2.0, "output": 8.0}}
    book = PriceBook(Config.model_validate({"pricing": pricing}))
    price = book.price("house-llm")
    assert price.source == "fallback" and price.unknown
    assert price.cost(Usage(1_000_000, output_tokens=1_000_000)) == pytest.approx(10.0)
    assert book.price("gpt-4o-mini").source.startswith("catalog:")  # known models keep their own price


@pytest.mark.parametrize("dialect", ["openai", "anthropic"])
def test_the_gateway_refuses_an_unknown_model_in_the_callers_dialect(
    start_gateway: Callable[..., RunningGateway], dialect: str
) -> None:
    gw = start_gateway(**CONFIGURED)
    if dialect == "openai":
        body = {"model": "house-llm", "messages": [{"role": "user", "content": "hi"}]}
        r = httpx.post(gw.url + "/v1/chat/completions", json=body, headers={"authorization": f"Bearer {gw.key}"})
        message = r.json()["error"]["message"]
    else:
        body = {"model": "house-llm", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
        r = httpx.post(
            gw.url + "/v1/messages", json=body, headers={"x-api-key": gw.key, "anthropic-version": "2023-06-01"}
        )
        message = r.json()["error"]["message"]
    assert r.status_code == 400 and r.headers["x-regulator-error"] == "model_price_unknown"
    assert "models[1].price" in message


def test_the_gateway_serves_an_unknown_model_at_the_fallback_price(
    start_gateway: Callable[..., RunningGateway],
) -> None:
    gw = start_gateway(pricing={"unknown_model": "fallback", "fallback_price": {"input": 2.0, "output": 8.0}})
    body = {"model": "house-llm", "messages": [{"role": "user", "content": "hi"}]}
    r = httpx.post(gw.url + "/v1/chat/completions", json=body, headers={"authorization": f"Bearer {gw.key}"})
    assert r.status_code == 200
    usage = r.json()["usage"]
    expected = (usage["prompt_tokens"] * 2.0 + usage["completion_tokens"] * 8.0) / 1e6
    assert float(r.headers["x-regulator-cost-usd"]) == pytest.approx(expected, abs=1e-6)


def test_regulator_prices_shows_the_catalogue_and_each_override(tmp_path: Path) -> None:
    config = {
        "upstreams": [{"name": "default", "base_url": "http://127.0.0.1:9/v1"}],
        "models": [
            {"name": "gpt-4o-mini", "upstream": "default", "price": {"input": 0.2, "output": 0.6}},
            {"name": "house-llm", "upstream": "default"},
        ],
    }
    path = tmp_path / "regulator.yaml"
    path.write_text(yaml.safe_dump(config))
    _register()
    out = CliRunner().invoke(app, ["prices", "-c", str(path), "--json", "--model", "claude-haiku-4-5"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["catalog"]["version"] == version("genai-prices") and data["catalog"]["prices_as_of"]
    rows = {r["model"]: r for r in data["models"]}
    override = rows["gpt-4o-mini"]
    assert (override["source"], override["input"], override["catalog_input"]) == ("config", 0.2, 0.15)
    assert "differs from the catalogue" in override["note"]
    assert rows["house-llm"]["source"] == "refused" and "models[1].price" in rows["house-llm"]["note"]
    assert rows["claude-haiku-4-5"]["source"].startswith("catalog:")
    table = CliRunner().invoke(app, ["prices", "-c", str(path)], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and f"genai-prices {version('genai-prices')}" in table.stdout
