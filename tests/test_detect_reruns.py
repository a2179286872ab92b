"""Reruns after an edit: a streak of the same failure whose only news is the edit quoted back, and
failures after edits that only bring back one an earlier edit had met (two fixes taking turns)."""

from __future__ import annotations

from regulator.detect.reruns import Reruns, same_check
from regulator.detect.steps import action_key

RUN = "bash:python reproduce.py"  # the action key of the rerun command
SIGNATURE = "ZeroDivisionError: division by zero"


def _traceback(source: str, debug: str = "") -> str:
    """`reproduce.py` failing in `mean`, the traceback quoting its (edited) `return` line."""
    return (
        f"<returncode>1</returncode>\n<output>\n{debug}Traceback (most recent call last):\n"
        '  File "/testbed/reproduce.py", line 3, in <module>\n    print(mean([]))\n'
        f'  File "/testbed/src/stats.py", line 4, in mean\n    {source}\n{SIGNATURE}\n</output>'
    )


def _edit(source: str) -> str:
    return f"sed -i 's|return .*|{source}|' src/stats.py"


SOURCES = [
    "return sum(items) / len(items)",
    "return sum(items) / max(len(items), 0)",
    "return float(sum(items)) / len(items)",
    "return sum(items) / len(list(items))",
]


def test_a_rerun_after_an_edit_whose_only_new_line_quotes_the_edit_continues_the_streak() -> None:
    reruns = Reruns()
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[0]), 1) == [1]
    for call, source in zip((3, 5, 7), SOURCES[1:], strict=True):
        reruns.edited(_edit(source))
        streak = reruns.rerun(RUN, SIGNATURE, _traceback(source), call)
    assert streak == [1, 3, 5, 7]


def test_a_rerun_printing_debug_values_the_edit_did_not_write_starts_the_streak_over() -> None:
    reruns = Reruns()
    reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[0]), 1)
    reruns.edited(_edit(SOURCES[1]))
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[1]), 3) == [1, 3]
    # A debug print added before the failing line: the value it prints is news about the failure.
    reruns.edited("sed -i '4i\\    print(f\"DEBUG {items=} {len(items)=}\")' src/stats.py")
    debug = "DEBUG items=[] len(items)=0\n"
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[1], debug), 5) == [5]


def test_a_rerun_failing_another_assertion_after_an_edit_starts_the_streak_over() -> None:
    reruns = Reruns()
    failing = "FAILED tests/test_stats.py::test_mean - AssertionError: assert {got} == 2.0\n1 failed, 4 passed in 0.31s"
    signature = "failing tests/test_stats.py::test_mean"
    reruns.rerun("bash:pytest tests/test_stats.py", signature, failing.format(got="nan"), 1)
    reruns.edited(_edit(SOURCES[1]))
    assert reruns.rerun("bash:pytest tests/test_stats.py", signature, failing.format(got="0.0"), 3) == [3]


def test_a_rerun_without_an_edit_between_neither_extends_nor_resets_the_streak() -> None:
    reruns = Reruns()
    reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[0]), 1)
    reruns.edited(_edit(SOURCES[1]))
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[1]), 3) == [1, 3]
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[1]), 4) == [1, 3]  # the very same output again
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[1], "DEBUG n=0\n"), 5) == [1, 3]  # new lines, no edit
    reruns.edited(_edit(SOURCES[2]))
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[2], "DEBUG n=0\n"), 7) == [1, 3, 7]


def test_a_success_clears_the_streak() -> None:
    reruns = Reruns()
    reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[0]), 1)
    reruns.edited(_edit(SOURCES[1]))
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[1]), 3) == [1, 3]
    reruns.edited(_edit("return sum(items) / len(items) if items else 0.0"))
    assert reruns.rerun(RUN, None, "<returncode>0</returncode>\n<output>\n0.0\n</output>", 5) == []
    reruns.edited(_edit(SOURCES[2]))
    assert reruns.rerun(RUN, SIGNATURE, _traceback(SOURCES[2]), 7) == [7]


FAIL_X = "failing test_order_by_nulls_first (ordering.tests.OrderingTests.test_order_by_nulls_first)"
FAIL_Y = "failing test_order_by_f_expression (ordering.tests.OrderingTests.test_order_by_f_expression)"


def _after_edits(reruns: Reruns, failures: list[str]) -> list[list[int]]:
    """Each failure met after an edit of its own, at calls 2, 4, 6 …: what `failed_after_edit` says of each."""
    said = []
    for call, failure in enumerate(failures, start=1):
        reruns.edited("sed -i 's/if self.nulls_first:/if self.nulls_first is True:/' django/db/models/expressions.py")
        said.append(list(reruns.failed_after_edit(failure, 2 * call)))  # the list it keeps: copied
    return said


def test_failures_after_edits_that_only_bring_back_earlier_ones_are_returns() -> None:
    said = _after_edits(Reruns(), [FAIL_X, FAIL_Y, FAIL_X, FAIL_Y, FAIL_X])
    assert said == [[], [], [6], [6, 8], [6, 8, 10]]


def test_the_same_failure_persisting_after_an_edit_is_no_return() -> None:
    said = _after_edits(Reruns(), [FAIL_X, FAIL_X, FAIL_X, FAIL_Y, FAIL_Y])
    assert said == [[], [], [], [], []]


def test_a_new_failure_after_an_edit_starts_the_returns_over() -> None:
    other = "ValueError: nulls_first and nulls_last are mutually exclusive"
    said = _after_edits(Reruns(), [FAIL_X, FAIL_Y, FAIL_X, other, FAIL_Y])
    assert said == [[], [], [6], [], [10]]


def test_a_failure_without_an_edit_before_it_is_neither_a_return_nor_remembered() -> None:
    reruns = Reruns()
    assert _after_edits(reruns, [FAIL_X, FAIL_Y]) == [[], []]
    # `git bisect` moves between commits, no edit: the failures taking turns are the commits'.
    assert reruns.failed_after_edit(FAIL_X, 5) == []
    assert reruns.failed_after_edit(FAIL_Y, 7) == []
    assert reruns.recent_failures(3) == [FAIL_X, FAIL_Y]


def _cycle(name: str, module: str) -> str:
    """An import cycle's failure: which name and module it names moves with each edit."""
    return (
        "<returncode>1</returncode>\n<output>\nTraceback (most recent call last):\n"
        '  File "/testbed/repro.py", line 2, in <module>\n    import app.widgets\n'
        f"ImportError: cannot import name '{name}' from partially initialized module 'app.{module}' "
        f"(most likely due to a circular import) (/testbed/app/{module}.py)\n</output>"
    )


def _cycle_signature(name: str, module: str) -> str:
    return f"ImportError: cannot import name '{name}' from partially initialized module 'app.{module}' (most"


CYCLE = [("Options", "widgets"), ("lookup", "helpers"), ("Options", "helpers"), ("lookup", "widgets")]


def test_the_same_failure_naming_only_names_already_seen_continues_the_streak_however_the_check_is_spelled() -> None:
    reruns = Reruns()
    spellings = ["bash:python repro.py", "bash:cd /testbed | python repro.py", "bash:python repro.py 2>&1 | tail 12 -n"]
    moves = ["sed -i '1i from app.helpers import lookup' app/widgets.py", "sed -i '3d' app/helpers.py"]
    streaks = []
    for call, ((name, module), spelling) in enumerate(zip(CYCLE, [*spellings, spellings[0]], strict=True)):
        if call:
            reruns.edited(moves[call % 2])
        streaks.append(reruns.rerun(spelling, _cycle_signature(name, module), _cycle(name, module), 2 * call))
    # `lookup` and `helpers` are new at the second run (not yet printed, though `helpers` was edited): news.
    assert streaks[1] == [2]
    assert streaks[-1] == [2, 4, 6] and reruns.renamed


def test_the_same_failure_naming_a_name_never_seen_or_written_is_news() -> None:
    reruns = Reruns()
    reruns.rerun("bash:python repro.py", _cycle_signature("Options", "widgets"), _cycle("Options", "widgets"), 1)
    reruns.edited("sed -i '1i from app.helpers import Options' app/widgets.py")
    streak = reruns.rerun(
        "bash:python repro.py", _cycle_signature("Registry", "widgets"), _cycle("Registry", "widgets"), 3
    )
    assert streak == [3] and not reruns.renamed


def test_where_a_check_runs_and_how_much_of_it_is_shown_do_not_make_it_another_check() -> None:
    assert same_check("bash:cd /testbed | python repro.py") == "bash:python repro.py"
    assert same_check("bash:python repro.py 2>&1 | tail 12 -n") == "bash:python repro.py"
    assert same_check("bash:pytest tests | grep FAILED") == "bash:pytest tests | grep FAILED"
    one = same_check(action_key("bash", "pytest tests/test_x.py"))
    assert same_check(action_key("bash", "python -m pytest -q tests/test_x.py")) == one
    assert same_check(action_key("bash", "python3 -m pytest -p no:cacheprovider -x tests/test_x.py")) == one
    assert same_check(action_key("bash", "pytest tests/test_y.py")) != one
    script = same_check(action_key("bash", "cd /testbed && python3 repro.py 2>&1 | tail -n 5"))
    assert script == same_check(action_key("bash", "python repro.py")) != same_check(action_key("bash", "python x.py"))
