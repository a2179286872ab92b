"""What the commands share: the `--data-dir` and `--since` options, opening the store, one-line errors.

A command that fails because of its input or its surroundings (a bad `--since`, a data directory
with no store, a database that does not answer) prints one line, `regulator: …`, on stderr and
exits non-zero: 2 when the command line is at fault, 1 when something it needs is unavailable.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import typer

from regulator.config import data_dir
from regulator.store import Store, open_store, sqlite_path

DataDir = Annotated[
    str | None,
    typer.Option("--data-dir", envvar="REGULATOR_DATA_DIR", help="Data directory or store URL (default ./.regulator)."),
]
Since = Annotated[str, typer.Option("--since", help="Duration back from now (15m, 24h, 7d) or ISO date.")]

USAGE = 2  # exit status: the command line is wrong
UNAVAILABLE = 1  # exit status: something the command needs is missing or does not answer

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def fail(message: str, status: int = UNAVAILABLE) -> NoReturn:
    typer.echo(f"regulator: {message}", err=True)
    raise typer.Exit(status)


def one_line(what: BaseException | str) -> str:
    """A message on one line (drivers' and servers' messages often span several)."""
    text = " ".join(str(what).split())
    if not text and isinstance(what, BaseException):
        return type(what).__name__
    return text


def store_target(data_dir_opt: str | None) -> str | Path:
    # A store URL is passed on whole: as a `Path` its `//` would fold to `/` and name a directory.
    if data_dir_opt is not None and "://" in data_dir_opt:
        return data_dir_opt
    return data_dir(data_dir_opt)


def _driver_error(target: str | Path) -> type[Exception]:
    if sqlite_path(target) is not None:
        return sqlite3.Error
    import psycopg  # only a PostgreSQL target pays for importing its driver

    return psycopg.Error


@contextmanager
def opened_store(data_dir_opt: str | None, *, create: bool = False) -> Iterator[Store]:
    """The store behind `--data-dir`, closed on exit.

    Without `create`, a SQLite store must already exist: reading a mistyped directory would
    otherwise create an empty store there and report nothing.
    """
    target = store_target(data_dir_opt)
    shown = _PASSWORD.sub(r"\1***@", str(target))
    try:
        path = sqlite_path(target)
    except ValueError as exc:
        fail(str(exc), USAGE)
    if path is not None and not create and not path.is_file():
        fail(f"no store at {path}: pass --data-dir (or set REGULATOR_DATA_DIR) to a gateway's data directory", USAGE)
    driver_error = _driver_error(target)
    try:
        store = open_store(target)
    except (OSError, driver_error) as exc:
        fail(f"cannot open the store at {shown}: {one_line(exc)}")
    try:
        yield store
    except driver_error as exc:
        fail(f"the store at {shown} failed: {one_line(exc)}")
    finally:
        store.close()


# -- commands that talk to a running gateway's admin API ------------------------------------------

Url = Annotated[str, typer.Option("--url", envvar="REGULATOR_URL", help="The gateway's base URL.")]
Token = Annotated[
    str | None,
    typer.Option("--token", help="Admin token (default $REGULATOR_ADMIN_TOKEN, else <data dir>/admin_token)."),
]
DEFAULT_URL = "http://127.0.0.1:8080"


def admin_token(explicit: str | None) -> str:
    token = explicit or os.environ.get("REGULATOR_ADMIN_TOKEN")
    if token:
        return token
    path = Path(data_dir()) / "admin_token"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        fail(f"no admin token: pass --token, set REGULATOR_ADMIN_TOKEN, or create {path}", USAGE)
    except OSError as exc:
        fail(f"cannot read the admin token at {path}: {one_line(exc)}")


def admin_request(url: str, token: str | None, method: str, path: str, **kwargs: Any) -> Any:
    """The admin API's JSON answer; any failure to get one is a one-line error and exit 1."""
    try:
        response = httpx.request(
            method,
            url.rstrip("/") + "/admin/v1" + path,
            headers={"authorization": f"Bearer {admin_token(token)}"},
            timeout=15,
            **kwargs,
        )
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        fail(f"cannot reach the gateway at {url}: {one_line(exc)}")
    try:
        body = response.json()
    except ValueError:  # not JSON: something other than a regulator gateway answered
        body = None
    if not isinstance(body, dict):
        status = f"{response.status_code} {response.reason_phrase}"
        fail(f"{url} answered {method} {path} with {status} and no JSON object: is it a regulator gateway?")
    if response.status_code >= 400:
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        fail(f"{response.status_code}: {one_line(message or response.reason_phrase)}")
    return body
