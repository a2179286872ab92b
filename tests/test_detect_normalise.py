from __future__ import annotations

from regulator.detect.normalise import command_key, normalise
from regulator.detect.steps import action_key, action_operands, observation_digest


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


def test_dot_slash_prefixes_and_trailing_slashes_do_not_matter() -> None:
    assert command_key("sed -i 's/a/b/' x.py") == command_key('sed -i "s/a/b/"  ./x.py')
    assert command_key("ls -la tests/") == command_key("ls -al ./tests")


def test_a_tool_calls_command_argument_is_normalised_like_a_text_command() -> None:
    as_tool = action_key("bash", '{"command": "sed -i \\"s/a/b/\\" ./x.py"}')
    as_text = action_key("bash", "sed -i 's/a/b/' x.py")
    assert as_tool == as_text
    assert action_key("bash", '{"command": "pytest a.py"}') != action_key("bash", '{"command": "pytest b.py"}')


def test_operands_name_the_parts_of_paths_not_numbers_or_flags() -> None:
    assert action_operands("bash", "cat /var/log/api/app.log") >= {"api", "app", "log"}
    assert action_operands("bash", "docker logs --tail 2000 api") == {"logs", "api"}
    assert action_operands("bash", "sed -n '10,40p' ./pkg/mod.py") == {"pkg", "mod", "py"}
