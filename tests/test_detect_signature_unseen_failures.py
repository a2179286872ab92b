"""Failures the exit status hides, and run-to-run noise that made one failure look like many."""

from __future__ import annotations

from regulator.detect.error_signature import error_signature

_SPHINX = """<returncode>0</returncode>
<output>
reading sources... [100%] api/utils

Warning, treated as error:
/testbed/sphinx/utils.py:docstring of sphinx.utils.get:{line}: WARNING: Inline emphasis start-string without end-string.
</output>"""

_PIP = """<returncode>0</returncode>
<output>
  × Getting requirements to build editable did not run successfully.
  │ exit code: 1
  ╰─> [{n} lines of output]
      configuration error: `project.version` must be pep440
      [end of output]

  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error
</output>"""

_RAISED = """<returncode>0</returncode>
<output>
Traceback (most recent call last):
  File "/opt/env/lib/python3.9/site-packages/setuptools/_distutils/version.py", line {line}, in <module>
    warnings.warn(
DeprecationWarning: distutils Version classes are deprecated. Use packaging.version instead.
</output>"""


def test_a_sphinx_warning_treated_as_error_fails_the_build_though_tail_exited_0() -> None:
    first, second = error_signature(_SPHINX.format(line=17)), error_signature(_SPHINX.format(line=21))
    assert first == "warning treated as error: Inline emphasis start-string without end-string."
    assert first == second  # where in which docstring is no part of it


def test_a_pip_build_step_failing_behind_tail_is_named_by_the_cause_pip_quotes() -> None:
    assert error_signature(_PIP.format(n=32)) == error_signature(_PIP.format(n=37))
    assert error_signature(_PIP.format(n=32)) == (
        "subprocess-exited-with-error: configuration error: `project.version` must be pep440"
    )


def test_a_warning_raised_as_an_exception_is_a_failure_but_a_printed_warning_is_not() -> None:
    signature = error_signature(_RAISED.format(line=297))
    assert signature == "DeprecationWarning: distutils Version classes are deprecated. Use packaging.version instead."
    assert error_signature(_RAISED.format(line=24)) == signature
    printed = "<returncode>0</returncode>\n<output>\nx.py:3: DeprecationWarning: old API\n  old()\n42\n</output>"
    assert error_signature(printed) is None


def test_a_failure_the_exit_status_reports_keeps_its_own_signature() -> None:
    # These forms are a fallback for results nothing else calls failed: a non-zero status still
    # names the failure by its last line, as it did, so detectors keyed on it see what they saw.
    failed = _PIP.format(n=32).replace("<returncode>0</returncode>", "<returncode>1</returncode>")
    assert error_signature(failed) == "exit code: error: subprocess-exited-with-error"


def test_the_timing_of_a_failed_test_is_no_part_of_its_signature() -> None:
    bats = "1..4\nok 1 ingest job parses\nnot ok 2 ingest job has a health check in {ms}ms\n# (in tests/jobs.bats)\n"
    assert error_signature(bats.format(ms=2984)) == error_signature(bats.format(ms=616))


def test_the_column_after_a_line_number_is_no_part_of_a_signature() -> None:
    hcl = "<returncode>1</returncode>\njobs/ingest.nomad.hcl:{line},{col}: Invalid expression; Expected an expression."
    assert error_signature(hcl.format(line=12, col="54-38")) == error_signature(hcl.format(line=14, col="20-31"))
    assert "54" not in (error_signature(hcl.format(line=12, col="54-38")) or "")


def test_a_byte_offset_is_no_part_of_a_signature() -> None:
    decode = "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position {n}: invalid continuation byte"
    assert error_signature(decode.format(n=941)) == error_signature(decode.format(n=372))


def test_a_status_the_agent_echoed_itself_is_the_commands_status() -> None:
    # `cmd; echo rc=$?`: the harness reports the echo's 0; the echoed status says the command failed.
    hung = "<returncode>0</returncode>\n<output>\n[{pid}] started {n} workers\nrc=124\n</output>"
    assert error_signature(hung.format(pid=2029, n=4)) == error_signature(hung.format(pid=9955, n=11)) == "timed out"
    failed = "<returncode>0</returncode>\n<output>\nsetup: no such target 'wheel'\nexit code: 2\n</output>"
    assert error_signature(failed) == "exit code: setup: no such target 'wheel'"
    assert error_signature("<returncode>0</returncode>\n<output>\nbuilt 3 files\nrc=0\n</output>") is None
    # A status printed higher up, with output after it, is the program's own text, not the agent's echo.
    assert error_signature("<returncode>0</returncode>\n<output>\nrc=1\nretrying... ok\n</output>") is None


def test_a_command_gnu_timeout_killed_timed_out_whatever_it_printed_first() -> None:
    killed = "<returncode>124</returncode>\n<output>\ncollected {n} items\ntests/test_pool.py ..\n</output>"
    assert error_signature(killed.format(n=12)) == error_signature(killed.format(n=40)) == "timed out"
