"""Docs are part of the product: every config key and every CLI command must be documented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args, get_origin

import typer.main
from pydantic import BaseModel

from regulator.cli.main import _register, app
from regulator.config import Config

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def config_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    keys = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        keys.append(path)
        nested = _model_of(field.annotation)
        if nested is not None:
            origin = get_origin(field.annotation)
            if origin is dict:
                keys += config_keys(nested, f"{path}.*.")
            elif origin is list:
                keys += config_keys(nested, f"{path}[].")
            else:
                keys += config_keys(nested, f"{path}.")
    return keys


def cli_commands() -> list[str]:
    _register()
    root = typer.main.get_command(app)
    names = []

    def walk(group: Any, prefix: str) -> None:
        for name, command in group.commands.items():
            names.append(f"{prefix}{name}")
            if hasattr(command, "commands"):
                walk(command, f"{prefix}{name} ")

    walk(root, "regulator ")
    return names


def test_every_config_key_is_in_the_configuration_reference() -> None:
    text = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"`([a-z_\[\].*]+)`", text))
    missing = [key for key in config_keys(Config) if key not in documented]
    assert not missing, f"undocumented config keys in docs/configuration.md: {missing}"


def test_every_cli_command_is_in_the_cli_reference() -> None:
    text = (DOCS / "cli.md").read_text()
    missing = [name for name in cli_commands() if f"`{name}" not in text]
    assert not missing, f"undocumented commands in docs/cli.md: {missing}"
