"""Which upstream serves a model, and under what name."""

from __future__ import annotations

from dataclasses import dataclass

from regulator.config import Config, ModelConfig, UpstreamConfig
from regulator.errors import BadRequest, NotFound
from regulator.types import Dialect

# The upstream `serve --upstream URL` adds: it serves every model in every dialect.
DEFAULT_UPSTREAM = "default"


@dataclass(frozen=True, slots=True)
class ModelRoute:
    model: str  # the name the caller used (and prices are looked up by)
    upstream: UpstreamConfig
    upstream_model: str
    config: ModelConfig | None


class Router:
    def __init__(self, config: Config):
        self.config = config
        self._models = {m.name: m for m in config.models}
        self._upstreams = {u.name: u for u in config.upstreams}
        self.fallback = self._upstreams.get(DEFAULT_UPSTREAM)

    def route(self, model: str, dialect: Dialect) -> ModelRoute:
        entry = self._models.get(model)
        if entry is not None:
            upstream = self._upstreams[entry.upstream]
            route = ModelRoute(model, upstream, entry.upstream_model or model, entry)
        elif self.fallback is not None:
            route = ModelRoute(model, self.fallback, model, None)
        else:
            known = ", ".join(sorted(self._models)) or "none"
            raise NotFound(
                f"The model '{model}' is not routed by this gateway (routed: {known}). "
                "Add it under 'models:' in regulator.yaml.",
                param="model",
            )
        if dialect not in route.upstream.dialects:
            spoken = " and ".join(route.upstream.dialects)
            raise BadRequest(
                f"The model '{model}' is served by upstream '{route.upstream.name}', which speaks {spoken}, "
                f"not {dialect}; call it through an API of that dialect (regulator does not translate).",
                param="model",
            )
        return route

    def upstream_for(self, dialect: Dialect) -> UpstreamConfig:
        """Where a call that names no model goes (a stored response): the catch-all upstream, else the
        first that serves the dialect."""
        if self.fallback is not None and dialect in self.fallback.dialects:
            return self.fallback
        for upstream in self._upstreams.values():
            if dialect in upstream.dialects:
                return upstream
        raise NotFound(f"No upstream of this gateway serves the {dialect} dialect.", param=None)

    def downgrade_target(self, model: str) -> str | None:
        entry = self._models.get(model)
        return entry.downgrade_to if entry is not None else None

    def listed_models(self) -> list[str]:
        return sorted(self._models)
