"""The thirteenth held-out set: avalanche-forecasting projects on six toolchains, frozen unmeasured.

Dockerized Python (docker compose, pytest in containers), a kubebuilder operator in Go (envtest),
embedded Rust (probe-rs, defmt), Godot GDScript (GUT, headless), Pulumi in TypeScript (jest) and
Nomad job specs (bats, conftest, `nomad job plan/run`).
"""
