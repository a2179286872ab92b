from __future__ import annotations

from typing import Any

import pytest
from genai_prices import Usage as CatalogUsage
from genai_prices import calc_price

from regulator.config import Config
from regulator.errors import UnknownModelPrice
from regulator.events import Usage
from regulator.pricing import PriceBook, usage_from_anthropic, usage_from_openai


def _config(**raw: Any) -> Config:
    return Config.model_validate(raw)


def _catalog_cost(model: str, usage: Usage) -> float:
    reference = calc_price(
        CatalogUsage(
            input_tokens=usage.input_tokens,
            cache_read_tokens=usage.cached_input_tokens,
            cache_write_tokens=usage.cache_write_tokens,
            output_tokens=usage.output_tokens,
        ),
        model,
    )
    return float(reference.total_price)


@pytest.mark.parametrize(
    ("model", "usage"),
    [
        ("gpt-4o", Usage(input_tokens=12_000, cached_input_tokens=8_000, output_tokens=700)),
        (
            "claude-sonnet-4-5",
            Usage(150_000, cached_input_tokens=90_000, cache_write_tokens=20_000, output_tokens=3_000),
        ),
        # Above 200k input tokens every token, cached or not, pays the long-context rates.
        (
            "claude-sonnet-4-5",
            Usage(250_000, cached_input_tokens=90_000, cache_write_tokens=20_000, output_tokens=3_000),
        ),
        ("gemini-3-pro-preview", Usage(199_999, cached_input_tokens=50_000, output_tokens=2_000)),
        ("gemini-3-pro-preview", Usage(200_001, cached_input_tokens=50_000, output_tokens=2_000)),
        ("gpt-5", Usage(30_000, cached_input_tokens=10_000, output_tokens=9_000, reasoning_tokens=8_000)),
        ("o3", Usage(5_000, output_tokens=4_000, reasoning_tokens=3_500)),
    ],
)
def test_cost_matches_the_catalog_exactly(model: str, usage: Usage) -> None:
    price = PriceBook(Config()).price(model)
    assert price.cost(usage) == pytest.approx(_catalog_cost(model, usage), rel=1e-12, abs=1e-15)
    assert price.worst_case(usage.input_tokens, usage.output_tokens) >= price.cost(usage)


def test_gemini_long_context_tier_is_chosen_by_total_input() -> None:
    price = PriceBook(Config()).price("gemini-3-pro-preview")
    below = price.cost(Usage(200_000, output_tokens=1_000))
    above = price.cost(Usage(200_001, output_tokens=1_000))
    assert below == pytest.approx((200_000 * 2 + 1_000 * 12) / 1e6)
    assert above == pytest.approx((200_001 * 4 + 1_000 * 18) / 1e6)


def test_worst_case_counts_input_at_the_dearest_input_rate() -> None:
    # Anthropic cache writes cost more than plain input: an input token may be one.
    price = PriceBook(Config()).price("claude-sonnet-4-5")
    all_written = Usage(100_000, cache_write_tokens=100_000, output_tokens=1_000)
    assert price.worst_case(100_000, 1_000) >= price.cost(all_written)
    assert price.worst_case(100_000, 1_000) == pytest.approx(price.cost(all_written))


def test_affordable_output_tokens_is_the_largest_that_fits() -> None:
    price = PriceBook(Config()).price("gpt-4o")
    for budget in (0.01, 0.123456, 1.0, 7.77):
        n = price.affordable_output_tokens(budget, 1_000)
        assert price.worst_case(1_000, n) <= budget < price.worst_case(1_000, n + 1)
    assert price.affordable_output_tokens(0.0001, 1_000_000) == 0


def test_config_override_and_catalog_ref() -> None:
    config = _config(
        upstreams=[{"name": "p", "base_url": "https://p.example"}],
        models=[
            {"name": "mine", "upstream": "p", "price": {"input": 1, "output": 2}, "max_output_tokens": 4096},
            {"name": "alias", "upstream": "p", "catalog_ref": "gpt-4o"},
            {"name": "gpt-4o", "upstream": "p", "price": {"input": 3, "output": 4, "cached_input": 0.5}},
        ],
    )
    book = PriceBook(config)
    mine = book.price("mine")
    # No catalog entry: cached reads and cache writes are billed as plain input.
    assert mine.cost(Usage(1_000_000, cached_input_tokens=500_000, output_tokens=1_000_000)) == pytest.approx(3.0)
    assert (mine.max_output_tokens, mine.source) == (4096, "config")
    alias = book.price("alias")
    assert alias.cost(Usage(1_000_000, output_tokens=1_000_000)) == pytest.approx(12.5)
    assert alias.context_window == 128_000
    overridden = book.price("gpt-4o")
    assert overridden.cost(Usage(2_000_000, cached_input_tokens=1_000_000)) == pytest.approx(3.5)


def test_local_upstream_is_free_unless_priced() -> None:
    config = _config(
        upstreams=[{"name": "ollama", "base_url": "http://127.0.0.1:11434", "local": True}],
        models=[
            {"name": "llama3", "upstream": "ollama"},
            {"name": "gpt-4o", "upstream": "ollama"},
            {"name": "priced", "upstream": "ollama", "price": {"input": 1, "output": 1}},
        ],
    )
    book = PriceBook(config)
    assert book.price("llama3").cost(Usage(10_000, output_tokens=10_000)) == 0
    assert book.price("gpt-4o").worst_case(10_000, 10_000) == 0
    assert book.price("llama3").affordable_output_tokens(0.0, 100) > 1_000_000
    assert book.price("priced").cost(Usage(1_000_000, cached_input_tokens=1_000_000)) == 0
    assert book.price("priced").cost(Usage(1_000_000)) == pytest.approx(1.0)


def test_unknown_model_is_refused_with_the_key_to_set() -> None:
    book = PriceBook(Config())
    for _ in range(2):  # the refusal is cached, and still raised
        with pytest.raises(UnknownModelPrice, match=r"models\[\]\.price") as info:
            book.price("no-such-model-xyz")
        assert "no-such-model-xyz" in info.value.message and "regulator.yaml" in info.value.message


def test_unknown_model_allowed_at_zero_is_flagged() -> None:
    price = PriceBook(_config(pricing={"unknown_model": "allow_zero"})).price("no-such-model-xyz")
    assert price.unknown and price.cost(Usage(1000, output_tokens=1000)) == 0


def test_openrouter_style_names_find_the_catalog_model() -> None:
    assert PriceBook(Config()).price("google/gemini-3-pro-preview").source.endswith("gemini-3-pro-preview")


def test_usage_from_openai_counts_cached_and_reasoning_inside() -> None:
    usage = usage_from_openai(
        {
            "prompt_tokens": 1000,
            "completion_tokens": 300,
            "prompt_tokens_details": {"cached_tokens": 600},
            "completion_tokens_details": {"reasoning_tokens": 200},
        }
    )
    assert usage == Usage(1000, 600, 0, 300, 200)
    assert usage_from_openai(None) == Usage()
    assert usage_from_openai({"prompt_tokens": 5, "prompt_tokens_details": None}) == Usage(5)


def test_usage_from_openai_adds_reasoning_reported_beside_completion() -> None:
    # Portkey in front of Gemini: 42 visible tokens, 126 thinking tokens, both billed as output.
    usage = usage_from_openai(
        {
            "prompt_tokens": 1860,
            "completion_tokens": 42,
            "completion_tokens_details": {"reasoning_tokens": 126},
        }
    )
    assert (usage.output_tokens, usage.reasoning_tokens) == (168, 126)


def test_usage_from_anthropic_adds_cache_tokens_to_input() -> None:
    usage = usage_from_anthropic(
        {
            "input_tokens": 10,
            "cache_read_input_tokens": 3000,
            "cache_creation_input_tokens": 500,
            "output_tokens": 80,
        }
    )
    assert usage == Usage(3510, 3000, 500, 80, 0)
    price = PriceBook(Config()).price("claude-sonnet-4-5")
    assert price.cost(usage) == pytest.approx(_catalog_cost("claude-sonnet-4-5", usage), rel=1e-12)


def test_price_is_cached_per_model() -> None:
    book = PriceBook(Config())
    assert book.price("gpt-4o") is book.price("gpt-4o")
