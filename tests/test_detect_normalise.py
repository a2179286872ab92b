from __future__ import annotations

from regulator.detect.normalise import command_key, normalise
from regulator.detect.steps import observation_digest


def test_volatile_text_is_made_equal() -> None:
    a = "2024-05-01T10:00:01Z pid=4242 object at 0x7f3a2b1c in /tmp/pytest-of-root/abc123 took 1.53s"
    b = "2025-01-09T23:59:59Z pid=17 object at 0x55aa01ff in /tmp/pytest-of-root/zz9 took 0.02s"
    assert normalise(a) == normalise(b)


def test_meaningful_text_is_kept() -> None:
    assert normalise("3 failed, 10 passed") != normalise("2 failed, 11 passed")
    assert normalise("src/a.py") != normalise("src/b.py")


def test_flag_order_quoting_and_spacing_do_not_matter() -> None:
    assert command_key("grep -rn 'foo'  src") == command_key('grep -nr "foo" src')
    assert command_key("pytest -x -q tests/a.py") == command_key("pytest  -q -x tests/a.py")
    assert command_key("pytest tests/a.py") != command_key("pytest tests/b.py")


def test_result_keys_ignore_shifting_line_numbers() -> None:
    a = 'File "x.py", line 1396, in evalf\nValueError: bad'
    b = 'File "x.py", line 1394, in evalf\nValueError: bad'
    assert observation_digest(a) == observation_digest(b)
