# ruff: noqa: E501
"""Loop family on duplicate keys: configparser's strictness, its lower-cased option names and YAML's silent last-wins."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout65.churning import Tried, churn
from heldout65.text import Attempt, Ctx, Fail, py_edit, test_step


def duplicate_key_policy_flipflop(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Duplicates must be an error but legacy duplicate sections merge and YAML merge keys override: strict, lax, case, loaders, back again."""
    src, tf, fn = ctx.source, ctx.test_file, ctx.loader
    flag, count, name, many = (k.lower().replace(".", "_") for k in ctx.keys)
    mod = ctx.run.module
    section = rng.choice([f"tool:{mod}", mod, f"{mod}:settings"])
    body = "def _read_ini(path):\n    cp = configparser.ConfigParser()\n    with open(path) as fh:\n        cp.read_file(fh)\n    return {key: dict(cp[key]) for key in cp.sections()}\n"
    tmp = f"/tmp/pytest-of-root/pytest-{rng.randint(0, 9)}/test_{ctx.stem}_{{case}}0"
    err = "ConfigError" if not ctx.django else "ImproperlyConfigured"
    first_n, second_n = rng.randint(2, 9), rng.randint(10, 30)
    tried = Tried()
    err_path = f"{ctx.dotted}.ConfigError" if not ctx.django else "django.core.exceptions.ImproperlyConfigured"

    def where(case: str, file: str) -> str:
        return f"{tmp.replace('{case}', case)}/{file}"

    def fail(kind: str) -> Fail:
        line = rng.randint(3, 14)
        if kind == "dup_section":
            c = "legacy_sections_merged"
            return Fail(
                f"test_{ctx.stem}_{c}",
                f"configparser.DuplicateSectionError: While reading from '{where(c, 'setup.cfg')}' [line {line:2d}]: section '{section}' already exists",
                f"cfg = {fn}(path)",
                [("_read_ini", "cp.read_file(fh)")],
            )
        if kind == "no_raise":
            c = "duplicate_option_rejected"
            return Fail(
                f"test_{ctx.stem}_{c}",
                f"Failed: DID NOT RAISE <class '{err_path}'>",
                f"with pytest.raises({err}, match='{count}'):",
            )
        if kind == "cross_section":
            c = "duplicate_option_across_sections"
            return Fail(
                f"test_{ctx.stem}_{c}",
                f"AssertionError: assert '{first_n}' == '{second_n}'",
                f"assert cfg[{section!r}][{count!r}] == '{second_n}'",
            )
        if kind == "every_key":
            c = rng.choice(["defaults", "reads_sections", "file_overrides_default"])
            return Fail(
                f"test_{ctx.stem}_{c}",
                f"{err_path}: duplicate key {rng.choice([count, name, flag])!r} in section {section!r}",
                f"cfg = {fn}(path)",
                [("__setitem__", f"raise {err}('duplicate key %r in section %r' % (key, self.section))")],
            )
        if kind == "case":
            c = "option_names_keep_case"
            upper = many.upper()
            return Fail(f"test_{ctx.stem}_{c}", f"KeyError: '{upper}'", f"assert cfg[{section!r}][{upper!r}]")
        if kind == "case_dup":
            c = "mixed_case_duplicate_rejected"
            return Fail(
                f"test_{ctx.stem}_{c}",
                f"Failed: DID NOT RAISE <class '{err_path}'>",
                f"with pytest.raises({err}, match='{name}'):",
            )
        if kind == "yaml_silent":
            c = "yaml_duplicate_rejected"
            return Fail(
                f"test_{ctx.stem}_{c}",
                f"Failed: DID NOT RAISE <class '{err_path}'>",
                f"with pytest.raises({err}, match='{count}'):",
            )
        if kind == "yaml_merge":
            c = "yaml_merge_key_override"
            return Fail(
                f"test_{ctx.stem}_{c}",
                f"{err_path}: duplicate key {count!r} in {where(c, 'config.yaml')}, line {line}",
                f"cfg = {fn}(path)",
                [("construct_mapping", f"raise {err}(msg)")],
            )
        if kind == "missing":
            c = "missing_file_is_an_error"
            return Fail(
                f"test_{ctx.stem}_{c}",
                "Failed: DID NOT RAISE <class 'FileNotFoundError'>",
                "with pytest.raises(FileNotFoundError):",
            )
        c = "yaml_anchor_values"
        return Fail(
            f"test_{ctx.stem}_{c}",
            f"yaml.constructor.ConstructorError: while constructing a mapping\n  in \"{where(c, 'config.yaml')}\", line {line}, column 1\nfound duplicate key '<<'",
            f"cfg = {fn}(path)",
            [("construct_mapping", "raise ConstructorError(None, None, msg, key_node.start_mark)")],
        )

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = [fail(k) for k in kinds]
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -q", " -x", " -q -p no:cacheprovider"]),
        )

    def lax(k: int) -> list[Step]:
        return [
            Step(
                "Old setup.cfg files repeat the section, and strict mode refuses that. Let me read with strict=False so repeated sections merge.",
                py_edit(src, "configparser.ConfigParser()", "configparser.ConfigParser(strict=False)"),
                "patched",
            ),
            outcome(
                "Rerun the config tests.", ["no_raise", *rng.sample(["case_dup", "cross_section"], rng.randint(0, 1))]
            ),
        ]

    def retry_lax(k: int) -> list[Step]:
        return [
            Step(
                "Keep strict parsing, and only when a section is repeated fall back to a non-strict read so legacy files still merge.",
                py_edit(
                    src,
                    "    with open(path) as fh:\n        cp.read_file(fh)",
                    "    try:\n        with open(path) as fh:\n            cp.read_file(fh)\n    except configparser.DuplicateSectionError:\n        cp = configparser.ConfigParser(strict=False)\n        with open(path) as fh:\n            cp.read_file(fh)",
                ),
                "patched",
            ),
            outcome("Run the tests.", ["cross_section", rng.choice(["yaml_silent", "case_dup"])]),
        ]

    def no_dupes_dict(k: int) -> list[Step]:
        return [
            Step(
                "Let me detect duplicates myself: a dict_type whose __setitem__ raises when the key is already there.",
                f"cat >> {src} <<'EOF'\n\n\nclass _UniqueDict(dict):\n    section = None\n\n    def __setitem__(self, key, value):\n        if key in self:\n            raise {err}('duplicate key %r in section %r' % (key, self.section))\n        super().__setitem__(key, value)\nEOF\n"
                + py_edit(
                    src,
                    "configparser.ConfigParser(strict=False)",
                    "configparser.ConfigParser(strict=False, dict_type=_UniqueDict)",
                ),
                "patched",
            ),
            outcome("Rerun.", ["every_key", "every_key", rng.choice(["dup_section", "every_key"])]),
        ]

    def optionxform(k: int) -> list[Step]:
        return [
            Step(
                f"configparser lower-cases option names, so {many.upper()} can't be found. Set optionxform = str to keep them as written.",
                f"sed -i '0,/^\\(\\s*\\)with open(path) as fh:$/s//\\1cp.optionxform = str\\n&/' {src} && grep -n optionxform {src}",
                f"{rng.randint(20, 400)}:    cp.optionxform = str",
            ),
            outcome("Run the tests again.", ["case_dup", rng.choice(["no_raise", "dup_section"])]),
        ]

    def lower_keys(k: int) -> list[Step]:
        return [
            Step(
                "Instead of optionxform, lower-case when comparing and keep the written name in the result, so 'Name' and 'name' collide but the case survives.",
                py_edit(
                    src,
                    "    return {key: dict(cp[key]) for key in cp.sections()}",
                    f"    out = {{}}\n    for key in cp.sections():\n        seen = {{}}\n        for opt, val in cp.items(key, raw=True):\n            if opt.lower() in seen:\n                raise {err}('duplicate key %r in section %r' % (opt, key))\n            seen[opt.lower()] = val\n        out[key] = seen\n    return out",
                ),
                "patched",
            ),
            outcome("Rerun.", [rng.choice(["case", "case_dup"]), rng.choice(["no_raise", "cross_section"])]),
        ]

    def yaml_loader(k: int) -> list[Step]:
        return [
            Step(
                "PyYAML keeps the last of two equal keys silently. Add a SafeLoader subclass whose construct_mapping rejects duplicates.",
                f"cat >> {src} <<'EOF'\n\n\nclass _StrictLoader(yaml.SafeLoader):\n    def construct_mapping(self, node, deep=False):\n        seen = set()\n        for key_node, _ in node.value:\n            key = self.construct_object(key_node, deep=deep)\n            if key in seen:\n                msg = 'duplicate key %r in %s, line %d' % (key, key_node.start_mark.name, key_node.start_mark.line + 1)\n                raise {err}(msg)\n            seen.add(key)\n        return super().construct_mapping(node, deep=deep)\nEOF\n"
                + py_edit(src, "yaml.safe_load(fh)", "yaml.load(fh, Loader=_StrictLoader)"),
                "patched",
            ),
            outcome("Run the YAML tests.", ["yaml_merge", rng.choice(["anchor", "yaml_merge"])]),
        ]

    def flatten_first(k: int) -> list[Step]:
        return [
            Step(
                "The merge key `<<` brings the base's keys in, and the override then looks like a duplicate. Flatten the merge first and only check the keys written in the mapping itself.",
                py_edit(
                    src,
                    "        seen = set()\n        for key_node, _ in node.value:",
                    "        self.flatten_mapping(node)\n        seen = set()\n        for key_node, _ in node.value:",
                ),
                "patched",
            ),
            outcome(
                "Rerun.", [rng.choice(["yaml_merge", "anchor"]), rng.choice(["every_key", "cross_section", "no_raise"])]
            ),
        ]

    def read_list(k: int) -> list[Step]:
        return [
            Step(
                "cp.read() takes a list of files and merges them; maybe I should read the legacy and new files through it rather than read_file.",
                py_edit(src, "    with open(path) as fh:\n        cp.read_file(fh)", "    cp.read([path])"),
                "patched",
            ),
            outcome("Run the tests.", ["missing", rng.choice(["dup_section", "no_raise"])]),
        ]

    def restore(k: int) -> list[Step]:
        if k < 3:  # nothing tangled yet
            return retry_lax(k)
        tried.names.clear()
        return [
            Step(
                "This is getting tangled. Let me go back to the original reader and look at the failures afresh.",
                f"git checkout -- {src} && git status --short",
                f" M {tf}",
            ),
            outcome("Baseline.", ["dup_section", "yaml_silent"]),
        ]

    def probe(k: int) -> Step:
        strict = rng.random() < 0.5
        return Step(
            "Let me see what configparser does with the legacy file directly.",
            f"python - <<'EOF'\nimport configparser\ncp = configparser.ConfigParser(strict={strict})\ncp.read_string('''[{section}]\n{count} = {first_n}\n\n[{section}]\n{count} = {second_n}\n{name.upper()} = x\n''')\nprint(dict(cp[{section!r}]))\nEOF",
            f'Traceback (most recent call last):\n  File "<stdin>", line 4, in <module>\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/configparser.py", line {rng.choice([722, 723, 730])}, in read_string\n    self.read_file(sfile, source)\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/configparser.py", line {rng.choice([717, 718])}, in read_file\n    self._read(f, source)\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/configparser.py", line {rng.choice([1066, 1067, 1098])}, in _read\n    raise DuplicateSectionError(sectname, fpname,\nconfigparser.DuplicateSectionError: While reading from \'<string>\' [line  4]: section \'{section}\' already exists'
            if strict
            else f"{{'{count}': '{second_n}', '{name.lower()}': 'x'}}",
            rc=1 if strict else 0,
        )

    first = [
        outcome("Let me run the config file tests.", ["dup_section", rng.choice(["yaml_silent", "case"])]),
        Step("Let me look at the INI reader.", f"grep -n 'def _read_ini' -A6 {src}", f"{rng.randint(20, 400)}:" + body),
    ]
    attempts: list[Attempt] = [
        tried.mark(lax),
        retry_lax,
        tried.after(lax, no_dupes_dict),
        optionxform,
        lower_keys,
        tried.mark(yaml_loader),
        tried.after(yaml_loader, flatten_first),
        read_list,
        restore,
        lambda k: [probe(k)],
    ]
    return churn(ctx, rng, n, first, attempts, "the duplicate key handling of the config readers", "_read_ini", body)
