from __future__ import annotations

import pytest

from regulator.detect.normalise import command_key, normalise, normalise_lines
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


def test_an_acknowledgement_that_repeats_the_actions_words_says_nothing() -> None:
    from regulator.detect.steps import says_something

    patch = "*** Begin Patch\n*** Update File: src/Services/OrderService.cs\n@@\n"
    patch += "-    return total;\n+    return total + tax;\n*** End Patch"
    answer = "Success. Updated the following files:\nM src/Services/OrderService.cs"
    assert says_something(answer)  # eight words and more, alone
    assert not says_something(answer, patch)  # all but `Success Updated the following files M` named by the patch
    assert says_something("error CS0103: The name 'tax' does not exist in the current context", patch)


@pytest.mark.parametrize(
    ("tool", "text", "edits"),
    [
        ("Edit", '{"file_path": "a.py", "old_string": "x", "new_string": "y"}', True),
        ("Write", '{"file_path": "a.py", "content": "x = 1"}', True),
        ("MultiEdit", '{"file_path": "a.py", "edits": []}', True),
        ("apply_patch", "*** Begin Patch\n*** Update File: a.py\n*** End Patch", True),
        ("str_replace_editor", '{"command": "str_replace", "path": "/a.py", "old_str": "x", "new_str": "y"}', True),
        ("str_replace_editor", '{"command": "create", "path": "/b.py", "file_text": "x"}', True),
        ("str_replace_editor", '{"command": "insert", "path": "/a.py", "insert_line": 3, "new_str": "y"}', True),
        ("str_replace_editor", '{"command": "view", "path": "/a.py"}', False),
        ("bash", "sed -i 's/a/b/' src/a.py", True),
        ("bash", "perl -pi -e 's/a/b/' src/a.py", True),
        ("bash", "cat > config.yml <<'EOF'\nport: 1\nEOF", True),
        ("bash", "echo 'x = 1' | tee src/settings.py", True),
        ("bash", "git apply fix.patch", True),
        ("bash", "pytest -q 2>&1", False),
        ("bash", "make build > /dev/null", False),
        # Scripts that rewrite a file, and ones that only read or print it.
        (
            "bash",
            "python -c \"from pathlib import Path; p = Path('src/calc.py'); "
            "p.write_text(p.read_text().replace('a - b', 'a + b'))\"",
            True,
        ),
        (
            "bash",
            "python - <<'EOF'\np = 'django/db/models/query.py'\ns = open(p).read().replace('if not q', 'if q')\n"
            "with open(p, 'w') as f:\n    f.write(s)\nEOF",
            True,
        ),
        ("bash", "python3 -c \"open('CHANGELOG.md', mode='a').write('- fix totals\\n')\"", True),
        (
            "execute_bash",
            '{"command": "python -c \\"import pathlib; pathlib.Path(\'a.py\').write_text(\'x = 1\')\\""}',
            True,
        ),
        ("bash", "cat <<'EOF' >> tests/conftest.py\n@pytest.fixture\ndef db():\n    yield {}\nEOF", True),
        ("bash", "python -m pytest -q 2>&1 | tail -n 5", False),
        # A redirection's target is on its line: pasted output ("<class 'X'>" ending a line) is no write.
        ("bash", "DEBUG: called with <class 'django.utils.functional.SimpleLazyObject'>\nDEBUG: unwrapped", False),
        ("bash", "python -c \"print(open('setup.cfg').read())\"", False),
        ("bash", "python -c \"import sys; sys.stdout.write(open('src/calc.py').read())\"", False),
        ("TodoWrite", '{"todos": [{"content": "write the tests", "status": "pending"}]}', False),
        ("Read", '{"file_path": "a.py"}', False),
        ("Grep", '{"pattern": "def write", "path": "src"}', False),
    ],
)
def test_edit_tools_and_shell_writes_are_edits_and_reads_are_not(tool: str, text: str, edits: bool) -> None:
    from regulator.detect.steps import is_edit

    assert is_edit(tool, text) is edits


def test_seven_digit_git_ids_are_volatile() -> None:
    assert normalise("HEAD is now at 3f2a91c Fix the total") == normalise("HEAD is now at e07b4d2 Fix the total")
    assert normalise("HEAD is now at 3f2a91c Fix the total") != normalise("HEAD is now at 3f2a91c Fix the taxes")


def test_any_source_files_line_numbers_are_left_out_but_an_address_keeps_its_port() -> None:
    from regulator.detect.normalise import without_line_numbers

    assert without_line_numbers("app/models/order.rb:12:in `total'") == without_line_numbers(
        "app/models/order.rb:14:in `total'"
    )
    assert without_line_numbers("at FooTest.kt:27") == without_line_numbers("at FooTest.kt:29")
    assert without_line_numbers("connect to 127.0.0.1:5432 failed") != without_line_numbers(
        "connect to 127.0.0.1:5433 failed"
    )


def test_a_compilers_line_and_column_in_parentheses_are_left_out_but_a_call_keeps_its_arguments() -> None:
    from regulator.detect.normalise import without_line_numbers

    # tsc's and MSBuild's plain format: the column moves as the agent rewrites the line.
    assert without_line_numbers("src/cdn.ts(18,11): error TS2304: Cannot find name 'dutyTopic'.") == (
        without_line_numbers("src/cdn.ts(18,34): error TS2304: Cannot find name 'dutyTopic'.")
    )
    assert without_line_numbers("Program.cs(12,5): error CS0246") == without_line_numbers(
        "Program.cs(14,9): error CS0246"
    )
    assert without_line_numbers("total(1,2) is 3") != without_line_numbers("total(1,3) is 4")


def test_request_ids_are_volatile_but_a_request_timeout_is_not() -> None:
    assert normalise("fatal: Authentication failed (request B28E:ACF711)") == normalise(
        "fatal: Authentication failed (request 9C0A:41D2E7)"
    )
    assert normalise("x-request-id: req_8f3a21") == normalise("x-request-id: req_77b0c9")
    assert normalise("408 Request Timeout") == "408 Request Timeout"


def test_a_tool_calls_path_field_names_that_file_whole() -> None:
    # Two READMEs in other folders are two files, not one `README` asked for again.
    assert action_operands("Read", '{"file_path": "docs/adr/README.md"}') == {"docs/adr/README.md"}
    assert action_operands("Read", '{"file_path": "./scripts/README.md"}') == {"scripts/README.md"}
    assert action_operands("shell", '{"command": ["bash", "-lc", "cat src/x.py"]}') == {"src", "x", "py"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("test tax::rounds_half_even ... ok (775ms)", "test tax::rounds_half_even ... ok (81ms)"),
        ("✓ computes the total [12 ms]", "✓ computes the total [9 ms]"),
        ("PASS src/total.test.ts (3s)", "PASS src/total.test.ts (4s)"),
    ],
)
def test_a_whole_number_duration_in_brackets_is_volatile(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_a_bare_whole_number_is_kept() -> None:
    assert normalise("took 775") != normalise("took 81")
    assert normalise("rows read (775)") != normalise("rows read (81)")
    assert normalise("retrying in 3s") != normalise("retrying in 4s")  # not a timing in brackets


def test_grep_gutters_of_indented_code_are_presentation_like_nl_and_cat_n() -> None:
    # `grep -n` puts `N:` before a matching line and `N-` before a context line, then the line as it
    # is, indented with spaces or tabs: the same lines as `cat` shows them.
    source = "    def total(self):\n\treturn sum(self.items)\n"
    assert normalise_lines("12:    def total(self):\n13-\treturn sum(self.items)\n") == normalise_lines(source)
    assert normalise_lines("    12\t    def total(self):\n    13\t\treturn sum(self.items)\n") == normalise_lines(
        source
    )
    # A date or a time at a line's start is no gutter.
    assert normalise_lines("2025-01-07 build ok")[0].endswith("-01-07 build ok")
    assert normalise_lines("3-4 retries") == ["3-4 retries"]


def test_a_printed_value_stays_while_durations_go() -> None:
    # A debug print's value changing is news; how long the run took is not.
    assert normalise("DEBUG ttl 373.516") != normalise("DEBUG ttl 184.717")
    assert normalise("Time:        54.59 s") == normalise("Time:        85.82 s")
    assert normalise("Ran 12 tests in 0.041s") == normalise("Ran 12 tests in 1.3s")
    assert normalise("finished after 3.25 retries") != normalise("finished after 3.25")
    assert normalise("elapsed 12.5") == normalise("elapsed 3.2")
