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


# -- the other direction: what the docs show must exist ----------------------------------------

DOC_FILES = [*sorted(DOCS.glob("*.md")), DOCS.parent / "README.md"]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


def code_blocks(language: str | None = None) -> list[tuple[str, str]]:
    """(file name, block text) of every fenced block, or of those fenced as `language`."""
    return [
        (path.name, body)
        for path in DOC_FILES
        for lang, body in FENCE.findall(path.read_text())
        if language is None or lang == language
    ]


def shown_commands() -> list[tuple[str, list[str]]]:
    """Each `regulator …` command line in the docs' code blocks, as (file, argv after `regulator`)."""
    found = []
    for name, body in code_blocks():
        for line in body.replace("\\\n", " ").splitlines():
            words = line.strip().removeprefix("$ ").split()
            # Skip leading VAR=value assignments: `REGULATOR_CONFIG=x regulator serve`.
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                words = words[1:]
            if len(words) >= 2 and words[0] == "regulator" and re.fullmatch(r"[a-z][a-z-]*", words[1]):
                found.append((name, words[1:]))
    return found


def test_every_command_the_docs_show_exists_with_its_options() -> None:
    _register()
    root = typer.main.get_command(app)
    wrong = []
    for doc, argv in shown_commands():
        command: Any = root
        for word in argv:
            if not hasattr(command, "commands") or word.startswith("-"):
                break
            if word not in command.commands:
                wrong.append(f"{doc}: regulator {' '.join(argv)} (no command {word!r})")
                break
            command = command.commands[word]
        else:
            continue
        options = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        for word in argv:
            if word == "--":  # what follows is another program's command line (regulator run)
                break
            flag = word.strip("[]|").split("=", 1)[0]
            if flag.startswith("--") and flag not in options:
                wrong.append(f"{doc}: regulator {' '.join(argv)} (no option {flag})")
    assert not wrong, "\n".join(wrong)


def test_every_regulator_yaml_the_docs_show_is_a_valid_config() -> None:
    import yaml

    checked = 0
    for doc, body in code_blocks("yaml"):
        data = yaml.safe_load(body)
        if not isinstance(data, dict) or not set(data) <= set(Config.model_fields):
            continue  # another file's YAML (a policy ladder, a scenario), checked where it is loaded
        try:
            Config.model_validate(data)
        except Exception as exc:
            raise AssertionError(f"{doc}: a regulator.yaml example does not load:\n{body}\n{exc}") from exc
        checked += 1
    assert checked, "no regulator.yaml example found in the docs: is the fence still ```yaml?"
