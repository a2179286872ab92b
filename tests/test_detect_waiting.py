"""Polling is waiting: recognised, left out of the loop detectors, bounded by a budget instead of stopped."""

from __future__ import annotations

import pytest

from detect_support import ScriptedSession
from regulator.detect.waiting import WaitingDetector, is_waiting
from regulator.policy.supervisor import load_supervisor


@pytest.mark.parametrize(
    ("tool", "text"),
    [
        ("bash", "sleep 30 && tail -n 3 build.log"),
        ("bash", "until curl -sf localhost:8080/health; do sleep 2; done"),
        ("bash", "kubectl rollout status deploy/api --timeout=60s"),
        ("bash", "kubectl -n dev rollout status deploy/api --timeout=5s"),
        ("bash", "gh run watch --exit-status"),
        ("bash", "retry -t 10 -d 5 -- curl -sf localhost:8080/health"),
        ("shell", '{"command": ["bash", "-lc", "sleep 20; curl -s localhost:3000/health"]}'),
        ("BashOutput", '{"bash_id": "bash_3"}'),
        ("wait_for_job", '{"job": "build-42"}'),
    ],
)
def test_sleeps_blocking_checks_and_wait_tools_are_waiting(tool: str, text: str) -> None:
    assert is_waiting(tool, text)


@pytest.mark.parametrize(
    ("tool", "text"), [("bash", "npm test"), ("bash", "tail -n 3 build.log"), ("Read", '{"file_path": "a.py"}')]
)
def test_ordinary_commands_are_not_waiting(tool: str, text: str) -> None:
    assert not is_waiting(tool, text)


def test_a_long_wait_past_its_budget_is_a_finding_that_names_the_cost() -> None:
    detector = WaitingDetector(max_calls=5, max_usd=100.0)
    session = ScriptedSession(style="openai", cost_usd=0.02)
    found = [
        detector.observe(session.call("sleep 30; gh run list --limit 1", "in_progress\tci\tmain")) for _ in range(8)
    ]
    assert not any(found[:5]) and all(found[6:])
    assert "5 checks in a row" in found[5][0].evidence and "$0.10" in found[5][0].evidence


def test_a_build_polled_for_a_long_time_is_slowed_down_never_stopped() -> None:
    supervisor = load_supervisor("default")
    session = ScriptedSession(style="anthropic", cost_usd=0.05)
    actions: list[str] = []
    for _ in range(60):
        # The same answer every time: without recognising the wait, this is an exact repetition.
        event = session.call("sleep 60 && curl -s localhost:8080/health", "curl: (7) Failed to connect", is_error=True)
        assert not supervisor.verdict(session.agent, session.session).refused
        actions += [incident.action for incident in supervisor.observe(event)]
    assert actions == ["throttle"]


def test_a_status_check_answering_a_state_in_transition_is_waiting_not_repetition() -> None:
    from regulator.detect.repetition import RepetitionDetector

    repetition, waiting = RepetitionDetector(), WaitingDetector(max_calls=5, max_usd=100.0)
    session = ScriptedSession(style="openai")
    status = "NAME       IMAGE         STATUS\napp-db-1   postgres:16   Up 3 seconds (health: starting)"
    found = []
    for _ in range(20):
        event = session.call("docker compose ps", status)
        assert repetition.observe(event) == []
        found += waiting.observe(event)
    assert found and "checks in a row" in found[0].evidence  # bounded by the waiting budget instead


@pytest.mark.parametrize(
    "command",
    [
        "cd tests && python runtests.py auth_tests -v 2",
        "python manage.py test auth",
        "python -m pytest tests/test_auth.py",
    ],
)
def test_a_test_run_saying_it_is_creating_its_database_is_a_result_not_waiting(command: str) -> None:
    from regulator.detect.repetition import RepetitionDetector

    repetition, waiting = RepetitionDetector(), WaitingDetector(max_calls=3, max_usd=100.0)
    session = ScriptedSession(style="openai")
    ran = "Creating test database for alias 'default'...\n...\nRan 3 tests in 0.021s\n\nOK\nDestroying test database..."
    found_waiting, found_repeating = [], []
    for _ in range(8):
        event = session.call(command, ran)
        found_waiting += waiting.observe(event)
        found_repeating += repetition.observe(event)
    # The same suite run again and again with nothing changed: repetition's, not a wait for a database.
    assert found_waiting == [] and found_repeating


def test_a_progress_line_short_of_its_end_is_waiting() -> None:
    from regulator.detect.progress import NoProgressDetector

    no_progress, waiting = NoProgressDetector(), WaitingDetector(max_calls=40, max_usd=100.0)
    session = ScriptedSession(style="openai")
    found = []
    for percent in range(2, 60, 4):
        line = f"[{percent}% of 318 built, 2{percent}8.4 MiB copied] building linux-6.6.63: CC drivers/net/x.o"
        event = session.call("tail -2 /tmp/vm.log", line)
        found += no_progress.observe(event) + waiting.observe(event)
    assert found == []  # checks of a build under way: neither no progress nor past the waiting budget


def test_a_failing_result_that_says_pending_is_not_waiting() -> None:
    waiting = WaitingDetector(max_calls=3, max_usd=100.0)
    session = ScriptedSession(style="anthropic")
    failed = "Error from server (NotFound): deployments.apps api not found; 2 pods pending"
    found = [waiting.observe(session.call("kubectl get deploy api", failed, is_error=True)) for _ in range(8)]
    assert not any(found)
    # The same check answering `Pending` without failing is a stretch of waiting past its budget.
    pending = "NAME                   READY   STATUS    RESTARTS   AGE\n"
    pending += "api-7d9c8b6f4-x2x9q   0/1     Pending   0          40s"
    found = [waiting.observe(session.call("kubectl get pods -l app=api", pending)) for _ in range(8)]
    assert any(found)


def test_the_waiting_budget_is_forty_checks_by_default() -> None:
    from regulator.detect.config import WaitingConfig

    assert WaitingConfig().max_calls == 40
    detector = WaitingDetector(max_usd=100.0)
    session = ScriptedSession(style="openai", cost_usd=0.01)
    found = [
        detector.observe(session.call("sleep 30; gh run list --limit 1", "in_progress\tci\tmain")) for _ in range(42)
    ]
    assert not any(found[:40]) and found[40]


@pytest.mark.parametrize(
    "probe",
    [
        "curl -s localhost:8080/actuator/health",
        "curl -fsS http://api:3000/healthz",
        "wget -qO- web:8080/ready",
        "pg_isready -h db -p 5432",
        "redis-cli -h cache ping",
        "nc -z localhost 5432",
        "adb shell getprop sys.boot_completed",
    ],
)
def test_a_readiness_probe_asked_again_is_waiting_whatever_it_answers(probe: str) -> None:
    from regulator.detect.repetition import RepetitionDetector

    repetition = RepetitionDetector()
    session = ScriptedSession(style="openai")
    for _ in range(8):
        assert repetition.observe(session.call(probe, '{"status":"DOWN"}')) == []


def test_reading_a_file_named_like_a_probe_is_not_waiting() -> None:
    from regulator.detect.repetition import RepetitionDetector

    repetition = RepetitionDetector()
    session = ScriptedSession(style="openai")
    found = [repetition.observe(session.call("cat src/health.py", "Traceback: boom\nValueError: x")) for _ in range(6)]
    assert any(found)


def test_a_sleep_before_a_check_that_fails_for_good_is_a_retry_not_a_wait() -> None:
    supervisor = load_supervisor("default")
    session = ScriptedSession()
    locked = 'Traceback (most recent call last):\n  File "check.py", line 14, in <module>\n'
    locked += "sqlite3.OperationalError: database is locked"
    found = []
    # A lock nobody holds any more: sleeping before each retry and removing files in between clear nothing.
    for pause, attempt in [(30, "rm -f /tmp/*.db-journal"), (5, "ps -ef | head"), (10, "rm -f state.db-journal")] * 3:
        found += supervisor.findings(session.call(f"sleep {pause} && python check.py", f"exit code 1\n{locked}"))
        found += supervisor.findings(session.call(attempt, ""))
    assert any(f.detector == "same_error" and "database is locked" in f.evidence for f in found)


@pytest.mark.parametrize(
    "answer",
    [
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused",
        "ssh: connect to host proof01 port 22: No route to host",
        "Waiting for deployment 'api' rollout to finish: 0 of 3 updated replicas are available...",
        "Error: 503 Service Unavailable",
        "cat: /srv/out/report.json: No such file or directory",
    ],
)
def test_a_sleep_before_a_check_that_is_not_up_yet_is_still_waiting(answer: str) -> None:
    from regulator.detect.same_error import ErrorSignatureDetector

    same_error = ErrorSignatureDetector()
    session = ScriptedSession()
    for pause in [5, 10, 30, 60, 5, 10, 30, 60]:
        assert same_error.observe(session.call(f"sleep {pause} && probe-it", f"exit code 1\n{answer}")) == []
        assert same_error.observe(session.call("tail -n 2 server.log", "starting worker 3")) == []


def test_a_pause_before_a_command_does_not_make_it_another_action() -> None:
    from regulator.detect.steps import action_key
    from regulator.detect.waiting import without_pauses

    check = action_key("bash", "python check.py")
    assert without_pauses(action_key("bash", "sleep 5 && python check.py")) == check
    assert without_pauses(action_key("bash", "sleep 30; python check.py")) == check
    assert without_pauses(action_key("bash", "sleep 5")) == action_key("bash", "sleep 5")
