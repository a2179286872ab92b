"""The environment detector: varied attempts that fail for one cause, named from varied error text."""

from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.detect.causes import Cause, cause_of, same_cause
from regulator.detect.environment import EnvironmentDetector


@pytest.mark.parametrize(
    ("text", "family", "name"),
    [
        (
            "Error: Cannot find module '@acme/schema'\nRequire stack:\n- /app/src/index.js",
            "missing module",
            "@acme/schema",
        ),
        (
            "src/db.ts:3:20 - error TS2307: Cannot find module 'pg-native' or its type declarations.",
            "missing module",
            "pg-native",
        ),
        ("ModuleNotFoundError: No module named 'fastparse'", "missing module", "fastparse"),
        ("/opt/miniconda3/envs/testbed/bin/python3.9: No module named pip", "missing module", "pip"),
        (
            "main.go:7:2: no required module provides package github.com/acme/log; to add it:",
            "missing module",
            "github.com/acme/log",
        ),
        ("error[E0432]: unresolved import `tokio_acme`\n --> src/lib.rs:3:5", "missing module", "tokio_acme"),
        ("ERROR: No matching distribution found for acme-sdk==1.2", "missing module", "acme-sdk"),
        ("sh: 1: protoc: not found", "missing binary", "protoc"),
        ('exec: "buf": executable file not found in $PATH', "missing binary", "buf"),
        ("Error: spawn ffmpeg ENOENT", "missing binary", "ffmpeg"),
        (
            "ImportError: libpq.so.5: cannot open shared object file: No such file or directory",
            "missing library",
            "libpq.so.5",
        ),
        ("curl: (6) Could not resolve host: registry.internal", "unreachable", "registry.internal"),
        ("dial tcp 127.0.0.1:5432: connect: connection refused", "unreachable", "port 5432"),
        ("Error 111 connecting to localhost:6379. Connection refused.", "unreachable", "port 6379"),
        ("PermissionError: [Errno 13] Permission denied: '/var/lib/app'", "permission denied", "/var/lib/app"),
        ("Error: listen EADDRINUSE: address already in use :::3000", "port in use", "port 3000"),
        ("bash: line 1:  3740 Killed                  python stress_check.py", "out of memory", ""),
        ("OSError: [Errno 12] Cannot allocate memory", "out of memory", ""),
        ("<returncode>137</returncode>\n<output>\n..........\n</output>", "out of memory", ""),
        ("CONFLICT (content): Merge conflict in sympy/core/basic.py", "unresolved merge", ""),
        ("fatal: cannot switch branch while merging", "unresolved merge", ""),
        ("error: Your local changes to the following files would be overwritten by checkout:", "unresolved merge", ""),
        (
            "npm ERR! 401 Unauthorized - GET https://npm.pkg.github.com/@acme%2fcore",
            "access denied",
            "npm.pkg.github.com",
        ),
    ],
)
def test_a_cause_is_read_from_each_toolchains_wording(text: str, family: str, name: str) -> None:
    assert cause_of(text) == Cause(family, name)


def test_a_test_that_does_not_exist_is_no_missing_binary() -> None:
    assert cause_of("ERROR: not found: /testbed/tests/test_util.py::test_all\n(no name in any of [...])") is None


def test_a_test_failure_or_a_compile_error_is_no_environment_cause() -> None:
    assert cause_of("FAILED tests/test_a.py::test_total - AssertionError: assert 3 == 4") is None
    assert cause_of("src/app.ts:12:3 - error TS2339: Property 'total' does not exist on type 'Order'.") is None


def test_one_cause_named_differently_by_two_tools_is_the_same_cause() -> None:
    assert same_cause(
        cause_of("Cannot find module '@acme/schema-utils'"),
        cause_of("npm ERR! 404 Not Found - GET https://registry.npmjs.org/schema-utils - Not found"),
    )  # type: ignore[arg-type]
    assert same_cause(Cause("unreachable", "db.internal"), Cause("unreachable", "port 5432"))
    assert not same_cause(Cause("missing module", "left-pad"), Cause("missing module", "right-pad"))
    assert not same_cause(Cause("missing binary", "protoc"), Cause("missing module", "protoc"))


def _attempts(detector: EnvironmentDetector, session: ScriptedSession, attempts: list[tuple[str, str]]) -> list[str]:
    evidence = []
    for command, output in attempts:
        evidence += [f.evidence for f in detector.observe(session.call(command, output, is_error=True))]
    return evidence


def test_varied_commands_failing_on_one_cause_are_found_and_the_cause_is_named() -> None:
    errors = [
        ("npm ci", "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@corp%2ftelemetry - Not found"),
        (
            "npx jest",
            "Cannot find module '@corp/telemetry' from 'src/index.ts'\n    at Resolver.resolveModule (x.js:1:2)",
        ),
        ("cat package.json", '{"name": "app"}'),
        ("yarn build", "Error: Cannot find module '@corp/telemetry'\nRequire stack:\n- /app/src/a.js"),
        ("rm -rf node_modules && npm install", "npm ERR! 404 '@corp/telemetry@^2.1.0' is not in this registry."),
        ("npm test", "Error: Cannot find module '@corp/telemetry'\nRequire stack:\n- /app/src/b.js"),
        ("ls", ""),
    ]
    detector = EnvironmentDetector()
    session = ScriptedSession(style="anthropic")
    found = []
    for command, output in errors:
        found.append(detector.observe(session.call(command, f"Exit code 1\n{output}", is_error=command != "ls")))
    assert not any(found[:3])  # a result arrives a call later; two failures are not yet a pattern
    last = [f for fs in found for f in fs][-1]
    assert "missing module `@corp/telemetry`" in last.evidence and "different commands" in last.evidence
    assert last.key == "missing module `@corp/telemetry`"
    assert last.severity >= 0.6  # four failures on one cause: nudge strength


def test_one_command_failing_again_and_again_is_left_to_the_repetition_detector() -> None:
    detector = EnvironmentDetector()
    session = ScriptedSession()
    failure = "<returncode>1</returncode>\nModuleNotFoundError: No module named 'fastparse'"
    assert _attempts(detector, session, [("pytest -q", failure)] * 6) == []


def test_checks_while_waiting_do_not_count_as_attempts() -> None:
    detector = EnvironmentDetector()
    session = ScriptedSession(style="openai")
    refused = "exit code 7\ncurl: (7) Failed to connect to localhost port 3000 after 0 ms: Couldn't connect to server"
    polls = [(f"sleep {5 * i}; curl -s localhost:3000/health", refused) for i in range(1, 8)]
    assert _attempts(detector, session, polls) == []


def test_one_command_retried_with_a_new_description_and_timeout_each_time_is_one_attempt() -> None:
    # Claude Code's Bash tool carries a per-call `description` and `timeout`: the command is the same.
    missing = "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@corp%2ftelemetry - Not found"
    descriptions = ["Install dependencies", "Retry the install", "Install again with a longer timeout"]
    detector = EnvironmentDetector()
    session = ScriptedSession(style="anthropic")
    found = []
    for i, description in enumerate([*descriptions, "Check the lock file"]):
        fields = {"command": "npm ci", "description": description, "timeout": 60_000 * (i + 1)}
        found += detector.observe(session.call("npm ci", missing, is_error=True, tool="Bash", arguments=fields))
    assert found == []  # one command failing again and again is the repetition detector's
    # Three different commands failing on that cause are an environment finding.
    session = ScriptedSession(style="anthropic")
    detector = EnvironmentDetector()
    found = []
    for i, command in enumerate(["npm ci", "npm install", "yarn install", "npm test"]):
        fields = {"command": command, "description": descriptions[i % 3]}
        found += detector.observe(session.call(command, missing, is_error=True, tool="Bash", arguments=fields))
    assert found and "3 different commands" in found[-1].evidence


def test_config_edits_and_uninformative_results_between_attempts_stay_out_of_the_window() -> None:
    # Three attempts on one cause, four steps apart: with the edits counted, the first has left
    # the ten-result window by the third.
    refused = (
        "exit code 1\npsycopg.OperationalError: "
        'connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused'
    )
    between = [
        ("cat > config.yml <<'EOF'\ndatabase:\n  host: db\n  port: 5432\nEOF", ""),
        ("sed -i 's/db:5432/localhost:5432/' .env", ""),
        ("export DATABASE_URL=postgres://localhost:5432/app", ""),
        ("sed -i 's/localhost/127.0.0.1/' config.yml", "(exit 0)"),
    ]
    script = [("python manage.py migrate", refused), *between, ("pytest -q tests/test_db.py", refused), *between]
    script += [("python -c 'import app.db; app.db.connect()'", refused), ("ls", "")]
    detector = EnvironmentDetector()
    session = ScriptedSession(style="openai")
    found = [f for command, output in script for f in detector.observe(session.call(command, output))]
    assert found, "three attempts failing on one cause, with only edits between, are a finding"
    assert "3 of the last 3 failures" in found[-1].evidence


def test_one_mirror_after_another_failing_to_resolve_is_one_cause() -> None:
    # No network from here: every registry the agent tries names another host, and none can work.
    script = [
        (
            "npm install",
            "exit code 1\nnpm ERR! code ENOTFOUND\nnpm ERR! network getaddrinfo ENOTFOUND registry.npmjs.org",
        ),
        (
            "npm install --registry https://registry.npmmirror.com",
            "exit code 1\nnpm ERR! code ENOTFOUND\nnpm ERR! network getaddrinfo ENOTFOUND registry.npmmirror.com",
        ),
        ("yarn install", "exit code 1\nerror Error: getaddrinfo ENOTFOUND registry.yarnpkg.com"),
        (
            "curl -fsSL https://mirrors.cloud.tencent.com/npm/ -o /dev/null",
            "exit code 6\ncurl: (6) Could not resolve host: mirrors.cloud.tencent.com",
        ),
        ("ls", ""),
    ]
    found = _attempts(EnvironmentDetector(), ScriptedSession(style="openai"), script)
    assert found and "4 of the last 4 failures" in found[-1] and "4 different commands" in found[-1]


def test_two_different_missing_modules_are_still_two_causes() -> None:
    script = [
        ("pytest -q", "exit code 2\nModuleNotFoundError: No module named 'fastparse'"),
        ("python -m rowkit", "exit code 1\nModuleNotFoundError: No module named 'yaml'"),
        ("pytest -q tests/test_rows.py", "exit code 2\nModuleNotFoundError: No module named 'fastparse'"),
        ("python scripts/load.py", "exit code 1\nModuleNotFoundError: No module named 'yaml'"),
        ("ls", ""),
    ]
    assert _attempts(EnvironmentDetector(), ScriptedSession(style="openai"), script) == []


# Looks between attempts at a C build: each succeeds and says something, none is an attempt.
LOOKS = [
    ("which gcc cc clang; echo $?", "1"),
    ("python -c \"import sysconfig; print(sysconfig.get_config_var('CC'))\"", "gcc -pthread"),
    (
        "cat setup.py",
        "from setuptools import Extension, setup\nsetup(ext_modules=[Extension('fastrow', ['fastrow.c'])])",
    ),
    ("ls /usr/bin | grep -i -e gcc -e clang", "(no output)"),
    ("cat /etc/os-release", 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"'),
    ("echo $PATH", "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"),
]


def test_looks_between_failures_do_not_push_them_out_and_a_compiler_by_any_name_is_one_cause() -> None:
    # gcc, then clang, then the package that brings one, then `cc`: one missing C compiler.
    script = [
        ("pip install -e .", "exit code 1\nerror: command 'gcc' failed: No such file or directory"),
        *LOOKS[:3],
        ("CC=clang pip install -e .", "exit code 1\nerror: command 'clang' failed: No such file or directory"),
        *LOOKS[3:],
        ("apt-get install -y build-essential", "exit code 100\nE: Unable to locate package build-essential"),
        *LOOKS[:2],
        ("CC=cc python setup.py build_ext --inplace", "exit code 1\nsh: 1: cc: not found"),
        ("git status", "nothing to commit, working tree clean"),
    ]
    detector = EnvironmentDetector()
    session = ScriptedSession(style="anthropic")
    found = [f for command, output in script for f in detector.observe(session.call(command, output))]
    finding = found[-1]
    assert finding.key == "missing binary `C compiler`"
    assert "4 of the last 4 failures were on it after 4 different commands" in finding.evidence
    assert finding.calls == [1, 5, 9, 12] and finding.severity == pytest.approx(0.65)


def test_a_failure_more_than_24_calls_back_no_longer_counts() -> None:
    script = [("pip install -e .", "exit code 1\nerror: command 'gcc' failed: No such file or directory")]
    script += [LOOKS[i % len(LOOKS)] for i in range(24)]  # a long stretch of other work
    script += [
        ("CC=clang pip install -e .", "exit code 1\nerror: command 'clang' failed: No such file or directory"),
        ("apt-get install -y build-essential", "exit code 100\nE: Unable to locate package build-essential"),
        ("CC=cc python setup.py build_ext --inplace", "exit code 1\nsh: 1: cc: not found"),
        ("git status", "nothing to commit, working tree clean"),
    ]
    detector = EnvironmentDetector()
    session = ScriptedSession(style="anthropic")
    found = [f for command, output in script for f in detector.observe(session.call(command, output))]
    assert found[-1].calls == [26, 27, 28] and found[-1].severity == pytest.approx(0.5)


def test_a_suite_with_several_known_failures_one_a_missing_module_is_no_environment_block() -> None:
    # The agent reruns a module whose pre-existing failures include an unrelated missing module,
    # while its own test goes from failing to passing: a suite's state, not a blocked environment.
    def suite(own: str) -> str:
        return (
            "exit code 1\n"
            "FAILED tests/test_x.py::test_tz - AssertionError: assert 'UTC' == 'Europe/Berlin'\n"
            "FAILED tests/test_x.py::test_graycode - ModuleNotFoundError: No module named 'pygments_lexers_extra'\n"
            f"{own}"
            "==== 3 failed, 44 passed in 1.84s ===="
        )

    detector, session = EnvironmentDetector(), ScriptedSession(style="openai")
    own = "FAILED tests/test_x.py::test_value - AssertionError: assert {} == False\n"
    script = [
        ("python -m pytest tests/test_x.py", suite(own)),
        ("git stash && python -m pytest tests/test_x.py; git stash pop", suite(own)),
        ("sed -i 's/value(None)/value(v)/' src/x.py", ""),
        ("pytest tests/test_x.py", suite(own)),
        ("pytest -q tests/test_x.py", suite(own)),
        ("sed -i 's/value(v)/value(v or {})/' src/x.py", ""),
        ("cd /testbed && pytest tests/test_x.py", suite("")),
    ]
    found = [f for command, result in script for f in detector.observe(session.call(command, result))]
    assert found == []


_STUCK_MERGE = [
    (
        "git stash pop",
        "CONFLICT (content): Merge conflict in src/core.py\nThe stash entry is kept in case you need it again.",
    ),
    ("git status", 'On branch main\nYou have unmerged paths.\n  (fix conflicts and run "git commit")'),
    ("git switch -c fix", 'fatal: cannot switch branch while merging\nConsider "git merge --quit".'),
    (
        "git checkout -",
        "error: Your local changes to the following files would be overwritten by checkout:\n\tsrc/core.py",
    ),
    ("git rebase --continue", "src/util.py: needs merge\nYou must edit all merge conflicts and then mark them"),
]


def test_git_commands_refused_by_one_unresolved_merge_are_one_blocking_cause() -> None:
    detector = EnvironmentDetector()
    session = ScriptedSession()
    evidence = []
    for command, output in _STUCK_MERGE:
        ok = command == "git status"
        result = f"<returncode>{0 if ok else 1}</returncode>\n<output>\n{output}\n</output>"
        evidence += [f.evidence for f in detector.observe(session.call(command, result, is_error=not ok))]
    evidence += [
        f.evidence for f in detector.observe(session.call("git log --oneline -3", "<returncode>0</returncode>"))
    ]
    assert evidence and evidence[-1].startswith("the work tree blocks the task: unresolved merge — 4 of the last 4")


def test_one_conflict_resolved_is_no_blocking_cause() -> None:
    detector = EnvironmentDetector()
    session = ScriptedSession()
    steps = [
        *_STUCK_MERGE[:2],
        ("sed -i '/^<<<<<<<\\|^=======\\|^>>>>>>>/d' src/core.py", ""),
        ("git add src/core.py && git stash drop", "Dropped refs/stash@{0}"),
        ("python -m pytest -q", "12 passed in 0.41s"),
        ("git diff --stat", " src/core.py | 4 ++--"),
    ]
    found = []
    for command, output in steps:
        failed = "CONFLICT" in output
        result = f"<returncode>{int(failed)}</returncode>\n<output>\n{output}\n</output>"
        found += detector.observe(session.call(command, result, is_error=failed))
    assert found == []


def test_a_database_another_process_keeps_locked_is_one_cause_whatever_the_agent_tries() -> None:
    locked = "django.db.utils.OperationalError: database is locked"
    attempts = [
        ("cd tests && python runtests.py lookup --parallel 2", f"ERROR: test_in (lookup.tests.LookupTests)\n{locked}"),
        ("./tests/runtests.py lookup --keepdb --parallel 1", f"ERROR: test_gt (lookup.tests.LookupTests)\n{locked}"),
        ("sed -i \"s/'OPTIONS': {}/'OPTIONS': {'timeout': 60}/\" tests/test_sqlite.py", ""),
        ("python tests/runtests.py lookup -k test_exact", f"ERROR: test_exact (lookup.tests.LookupTests)\n{locked}"),
        ('python -c \'import sqlite3; sqlite3.connect("db.sqlite3").execute("begin immediate")\'', locked),
    ]
    detector, session = EnvironmentDetector(), ScriptedSession()
    found = []
    for command, output in attempts:
        failed = bool(output)
        result = f"<returncode>{int(failed)}</returncode>\n<output>\n{output}\n</output>"
        found += detector.observe(session.call(command, result, is_error=failed))
    found += detector.observe(session.call("ls -la *.sqlite3*", "<returncode>0</returncode>"))
    assert found and found[-1].key.startswith("locked") and "locked `database`" in found[-1].evidence
