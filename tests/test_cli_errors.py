"""The CLI on bad input or a missing dependency: one `regulator: …` line on stderr, a non-zero exit.

Never a traceback, never a usage box for a value the command itself checks, and a read command
never creates an empty store where it was pointed by mistake.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from click.testing import Result
from typer.testing import CliRunner

from processes import free_port
from regulator.cli.main import _register, app
from regulator.store import open_store


def run(*args: str) -> Result:
    _register()
    return CliRunner().invoke(app, list(args), env={"REGULATOR_DATA_DIR": None, "COLUMNS": "200"})


def assert_one_line_error(result: Result, status: int, *fragments: str) -> None:
    assert result.exit_code == status, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not an uncaught error
    assert result.stdout == ""
    line = result.stderr.rstrip("\n")
    assert "\n" not in line and line.startswith("regulator: "), result.stderr
    for fragment in fragments:
        assert fragment in line


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    open_store(tmp_path).close()
    return tmp_path


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--since", "yesterday"], "--since: 'yesterday' is neither a duration"),
        (["--since", "99999999999d"], "before the year 1"),
        (["--until", "soon"], "--until:"),
        (["--by", "color"], "--by: expected one of agent"),
        (["--json", "--csv"], "choose one of --json and --csv"),
    ],
)
def test_report_rejects_a_bad_option_in_one_line(data_dir: Path, args: list[str], fragment: str) -> None:
    assert_one_line_error(run("report", *args, "--data-dir", str(data_dir)), 2, fragment)


@pytest.mark.parametrize(
    "command",
    [["report"], ["keys", "list"], ["keys", "revoke", "key_x"], ["budgets", "list"], ["budgets", "rm", "org:o"]],
)
def test_read_commands_on_a_missing_data_dir_fail_and_create_nothing(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "typo"
    assert_one_line_error(run(*command, "--data-dir", str(missing)), 2, f"no store at {missing / 'regulator.db'}")
    assert not missing.exists()


def test_keys_create_makes_a_new_data_dir_but_reports_an_unusable_one(tmp_path: Path) -> None:
    assert run("keys", "create", "--agent", "a", "--data-dir", str(tmp_path / "new")).exit_code == 0
    (tmp_path / "file").write_text("not a directory")
    result = run("keys", "create", "--agent", "a", "--data-dir", str(tmp_path / "file" / "sub"))
    assert_one_line_error(result, 1, "cannot open the store at", "Not a directory")


def test_a_file_that_is_not_a_database_is_reported(tmp_path: Path) -> None:
    (tmp_path / "regulator.db").write_bytes(b"not sqlite" * 100)
    assert_one_line_error(run("keys", "list", "--data-dir", str(tmp_path)), 1, "cannot open the store", "database")


def test_data_dir_accepts_a_sqlite_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/other.db"
    assert run("keys", "create", "--agent", "a", "--data-dir", url).exit_code == 0
    listed = run("keys", "list", "--json", "--data-dir", url)
    assert [k["agent"] for k in json.loads(listed.stdout)] == ["a"]
    assert_one_line_error(run("keys", "list", "--data-dir", "mysql://x"), 2, "unsupported store URL")


@pytest.mark.postgres
def test_data_dir_accepts_a_postgresql_url_and_hides_its_password(pg_url: str, pg_schema: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {pg_schema}")
    url = f"{pg_url}?options=-csearch_path%3D{pg_schema}"
    assert run("keys", "create", "--agent", "pg-agent", "--data-dir", url).exit_code == 0
    listed = run("keys", "list", "--json", "--data-dir", url)
    assert [k["agent"] for k in json.loads(listed.stdout)] == ["pg-agent"]

    down = f"postgresql://someone:hunter2@127.0.0.1:{free_port()}/db"
    result = run("keys", "list", "--data-dir", down)
    assert_one_line_error(result, 1, "cannot open the store at postgresql://someone:***@127.0.0.1")
    assert "hunter2" not in result.output


def test_budgets_set_rejects_a_scope_the_store_would_refuse(data_dir: Path) -> None:
    for scope in ("agent:*", "team:x", "agent:"):
        assert_one_line_error(run("budgets", "set", scope, "--day", "1", "--data-dir", str(data_dir)), 2, "SCOPE:")
    assert_one_line_error(run("budgets", "set", "org:o", "--data-dir", str(data_dir)), 2, "at least one of")


def test_unknown_key_and_budget_are_one_line_errors(data_dir: Path) -> None:
    assert_one_line_error(run("keys", "revoke", "key_nope", "--data-dir", str(data_dir)), 2, "no key key_nope")
    assert_one_line_error(run("budgets", "rm", "org:o", "--data-dir", str(data_dir)), 1, "no budget for org:o")


@pytest.mark.parametrize("command", [["status"], ["agents"], ["incidents"], ["pause", "a1"]])
def test_an_unreachable_gateway_is_one_line_and_exit_1(command: list[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert_one_line_error(run(*command, "--url", url, "--token", "t"), 1, f"cannot reach the gateway at {url}")


def test_a_bad_gateway_url_is_one_line() -> None:
    assert_one_line_error(run("status", "--url", "not-a-url", "--token", "t"), 1, "cannot reach the gateway")


@pytest.fixture
def html_server() -> Iterator[str]:
    """A web server that is not a regulator gateway: HTML for every path."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html><body>It works!</body></html>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test reads the CLI's output, not the server's."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_server_that_is_not_a_gateway_is_one_line(html_server: str) -> None:
    assert_one_line_error(run("status", "--url", html_server, "--token", "t"), 1, "is it a regulator gateway?")


def test_bad_options_of_gateway_commands_fail_before_any_request() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: a request would fail with exit 1
    assert_one_line_error(run("agents", "--sort", "price", "--url", url, "--token", "t"), 2, "--sort:")
    assert_one_line_error(run("incidents", "--since", "later", "--url", url, "--token", "t"), 2, "--since:")


def test_a_missing_admin_token_names_where_it_was_looked_for(tmp_path: Path) -> None:
    _register()
    result = CliRunner().invoke(
        app,
        ["status"],
        env={"REGULATOR_DATA_DIR": str(tmp_path), "REGULATOR_ADMIN_TOKEN": None, "REGULATOR_URL": None},
    )
    assert_one_line_error(result, 2, "no admin token", str(tmp_path / "admin_token"))


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--day", "inf"], "--day: input should be a finite number"),
        (["--day", "nan"], "--day: input should be a finite number"),
        (["--day", "1e400"], "--day: input should be a finite number"),
        (["--session", "-inf"], "--session: input should be a finite number"),
        (["--hour", "0"], "--hour: input should be greater than 0"),
        (["--total", "1e13"], "--total: input should be less than or equal to"),
    ],
)
def test_budgets_set_refuses_amounts_that_are_not_finite_and_positive(
    data_dir: Path, args: list[str], fragment: str
) -> None:
    assert_one_line_error(run("budgets", "set", "agent:x", *args, "--data-dir", str(data_dir)), 2, fragment)
    store = open_store(data_dir)
    assert store.list_budgets() == []
    store.close()
