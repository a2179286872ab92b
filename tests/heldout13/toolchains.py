"""The thirteenth set's toolchains, by name."""

from __future__ import annotations

from .chain import Chain
from .chains_ops import GODOT, NOMAD, PULUMI
from .chains_svc import DOCKER_PY, KUBEBUILDER, PROBE_RS

CHAINS: dict[str, Chain] = {chain.name: chain for chain in (DOCKER_PY, KUBEBUILDER, PROBE_RS, GODOT, PULUMI, NOMAD)}
