# ruff: noqa: E501
"""Loop family on migration state: the autodetector's operations against what its tests expect."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout71.shell import Fail, churn, suite
from heldout71.text import Attempt, Ctx, py_edit

_AD = "django/db/migrations/autodetector.py"
_TESTS = "tests/migrations/test_autodetector.py"
_CASES = (
    "test_rename_field",
    "test_rename_field_preserved_db_column",
    "test_rename_field_foreign_key_to_field",
    "test_rename_field_with_renamed_model",
    "test_rename_model_with_renamed_rel_field",
    "test_rename_referenced_primary_key",
    "test_rename_field_and_foo_together",
    "test_rename_foreign_object_fields",
)
_AD_BODY = "    def generate_renamed_fields(self):\n        for app_label, model_name, field_name in sorted(self.new_field_keys - self.old_field_keys):\n            old_model_name = self.renamed_models.get((app_label, model_name), model_name)\n            old_model_state = self.from_state.models[app_label, old_model_name]\n            new_model_state = self.to_state.models[app_label, old_model_name]\n            field = new_model_state.get_field(field_name)\n            field_dec = self.deep_deconstruct(field)\n            for rem_app_label, rem_model_name, rem_field_name in sorted(self.old_field_keys - self.new_field_keys):\n                if rem_app_label == app_label and rem_model_name == model_name:\n                    old_field = old_model_state.get_field(rem_field_name)\n                    old_field_dec = self.deep_deconstruct(old_field)\n                    if field.remote_field and field.remote_field.model and 'to' in old_field_dec[2]:\n                        old_rel_to = old_field_dec[2]['to']\n                        if old_rel_to in self.renamed_models_rel:\n                            old_field_dec[2]['to'] = self.renamed_models_rel[old_rel_to]\n                    if old_field_dec == field_dec:\n"
_EDITS = (
    (
        "if old_field_dec == field_dec:",
        "if old_field_dec[1:] == field_dec[1:]:",
        "compare the deconstructions without the path, which my change now spells differently",
    ),
    (
        "if old_field_dec[1:] == field_dec[1:]:",
        "if old_field_dec[2] == field_dec[2]:",
        "compare only the keyword arguments",
    ),
    (
        "field_dec = self.deep_deconstruct(field)",
        "field_dec = self.deep_deconstruct(field)\n            field_dec[2].pop('db_column', None)",
        "ignore db_column when matching renamed fields",
    ),
    (
        "old_field_dec = self.deep_deconstruct(old_field)",
        "old_field_dec = self.deep_deconstruct(old_field)\n                    old_field_dec[2].pop('db_column', None)",
        "drop db_column from the old deconstruction too",
    ),
    (
        "old_model_state = self.from_state.models[app_label, old_model_name]",
        "old_model_state = self.from_state.models.get((app_label, old_model_name))",
        "look the old model state up with .get",
    ),
    (
        "if old_rel_to in self.renamed_models_rel:",
        "if old_rel_to.lower() in self.renamed_models_rel:",
        "normalise the case of the related model key",
    ),
    (
        "self.generate_renamed_fields()",
        "self.generate_removed_fields()\n        self.generate_renamed_fields()",
        "detect removals before renames so the removed field is known",
    ),
    (
        "return (path, [self.deep_deconstruct(value) for value in args], {",
        "return (path.lower(), [self.deep_deconstruct(value) for value in args], {",
        "normalise the deconstructed path",
    ),
)


def _ops(kinds: list[str], old: str, new: str) -> str:
    reprs = {
        "RemoveField": f"<RemoveField  model_name='author', name='{old}'>",
        "AddField": f"<AddField  model_name='author', name='{new}', field=<django.db.models.fields.CharField>, preserve_default=True>",
        "AlterField": f"<AlterField  model_name='author', name='{new}', field=<django.db.models.fields.CharField>, preserve_default=True>",
        "RenameField": f"<RenameField  model_name='author', old_name='{old}', new_name='{new}'>",
    }
    return "  testapp:\n    auto_1\n" + "\n".join(f"      {reprs[k]}" for k in kinds)


def autodetector_ops_drift(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The autodetector's tests after a change to how fields deconstruct: renames seen as remove+add, then no change, then errors."""
    module = "migrations.test_autodetector"
    cls = "AutodetectorTests"

    def fail(kind: str) -> Fail:
        case = rng.choice(_CASES)
        old, new = rng.choice([("name", "names"), ("name", "full_name"), ("field", "renamed_field"), ("name", "title")])
        helper = ("/testbed/tests/migrations/test_autodetector.py",)
        if kind == "types":
            got = rng.choice([["RemoveField", "AddField"], ["AlterField"], ["AddField", "RemoveField"], []])
            want = rng.choice(["RenameField", "AlterField"])
            return Fail(
                module,
                cls,
                case,
                f'self.assertOperationTypes(changes, "testapp", 0, ["{want}"])',
                f"AssertionError: Operation type mismatch for testapp.auto_1 (expected ['{want}']):\n"
                + _ops(got or ["AlterField"], old, new),
                [(helper[0], "assertOperationTypes", "self.repr_changes(changes),")],
            )
        if kind == "count":
            got = rng.choice([0, 2])
            body = _ops(["RemoveField", "AddField"], old, new) if got else ""
            return Fail(
                module,
                cls,
                case,
                'self.assertNumberMigrations(changes, "testapp", 1)',
                f"AssertionError: Incorrect number of migrations ({got}) for testapp (expected 1)\n{body}",
                [(helper[0], "assertNumberMigrations", "self.repr_changes(changes),")],
            )
        if kind == "attr":
            return Fail(
                module,
                cls,
                case,
                f'self.assertOperationAttributes(changes, "testapp", 0, 0, old_name="{old}", new_name="{new}")',
                f"AssertionError: Attribute mismatch for testapp.auto_1 op #0, old_name (expected '{old}', got '{rng.choice(['field', 'names', 'renamed'])}'):\n"
                + _ops(["RenameField"], old, new),
                [(helper[0], "assertOperationAttributes", "self.repr_changes(changes),")],
            )
        frames = [("/testbed/tests/migrations/test_autodetector.py", "get_changes", "return MigrationAutodetector(")]
        frames += [
            (
                "/testbed/django/db/migrations/autodetector.py",
                rng.choice(["changes", "_detect_changes"]),
                "self.generate_renamed_fields()",
            ),
            (
                "/testbed/django/db/migrations/autodetector.py",
                "generate_renamed_fields",
                rng.choice(
                    [
                        "old_model_state = self.from_state.models[app_label, old_model_name]",
                        "if old_field_dec[2] == field_dec[2]:",
                        "old_rel_to = old_field_dec[2]['to']",
                    ]
                ),
            ),
        ]
        error = rng.choice(
            [
                f"KeyError: ('testapp', '{rng.choice(['author', 'writer', 'book'])}')",
                "AttributeError: 'NoneType' object has no attribute 'get_field'",
                "TypeError: 'NoneType' object is not subscriptable",
                "KeyError: 'to'",
            ]
        )
        return Fail(
            module,
            cls,
            case,
            "changes = self.get_changes([self.author_name], [self.author_name_renamed], MigrationQuestioner({'ask_rename': True}))",
            error,
            frames,
        )

    def run(thought: str, kinds: list[str], label: str = "") -> Step:
        fails = list({f.name: f for f in (fail(k) for k in kinds)}.values())
        target = label or rng.choice(
            [module, module, f"{module}.{cls}", f"{module}.{cls}.{fails[0].name}" if fails else module]
        )
        return suite(ctx, rng, thought, target, fails, rng.choice(["", " --parallel 1", " -v 1", " --failfast"]))

    def edit(k: int) -> list[Step]:
        old, new, why = rng.choice(_EDITS)
        kinds = rng.sample(["types", "count", "attr", "error"], rng.randint(1, 3))
        return [
            Step(f"Let me {why}.", py_edit(_AD, old, new), "patched"),
            run(
                rng.choice(
                    ["Rerun the autodetector tests.", "Run them again.", "Let's see what that does to the tests."]
                ),
                kinds,
            ),
        ]

    def baseline(k: int) -> list[Step]:
        return [
            Step(
                "Are these failures even mine? Let me run the module on a clean tree.",
                f"git stash && ./tests/runtests.py {module} 2>&1 | tail -3; git stash pop",
                f'Saved working directory and index state WIP on main: {rng.randrange(16**7):07x} {rng.choice(["Fixed #3", "Refs #3", "Fixed #2"])}{rng.randint(1000, 9999)} -- {rng.choice(["Made makemigrations respect db_column.", "Fixed crash in autodetector.", "Corrected field deconstruction."])}\n----------------------------------------------------------------------\nRan {rng.randint(150, 320)} tests in {rng.uniform(0.6, 3.0):.3f}s\n\nOK\nOn branch main\nChanges not staged for commit:\n  (use "git add <file>..." to update what will be committed)\n  (use "git restore <file>..." to discard changes in working directory)\n\tmodified:   {ctx.source}\n\tmodified:   {_AD}\n\nno changes added to commit (use "git add" and/or "git commit -a")\nDropped refs/stash@{{0}} ({rng.randrange(16**40):040x})',
                seconds=rng.uniform(5, 20),
            ),
            run("So it's my change. Rerun with it to compare.", rng.sample(["types", "count", "attr"], 2)),
        ]

    def probe(k: int) -> list[Step]:
        old, new = rng.choice([("name", "names"), ("name", "full_name")])
        got = rng.choice([["RemoveField", "AddField"], ["AlterField"], ["RenameField", "AlterField"]])
        return [
            Step(
                "Let me call the autodetector directly on two states to see the operations it produces.",
                f"cd tests && python - <<'EOF'\nimport django\nfrom django.conf import settings\nsettings.configure(INSTALLED_APPS=[])\ndjango.setup()\nfrom django.db import models\nfrom django.db.migrations.autodetector import MigrationAutodetector\nfrom django.db.migrations.questioner import MigrationQuestioner\nfrom django.db.migrations.state import ModelState, ProjectState\nbefore, after = ProjectState(), ProjectState()\nbefore.add_model(ModelState('testapp', 'Author', [('id', models.AutoField(primary_key=True)), ('{old}', models.CharField(max_length=200))]))\nafter.add_model(ModelState('testapp', 'Author', [('id', models.AutoField(primary_key=True)), ('{new}', models.CharField(max_length=200))]))\nchanges = MigrationAutodetector(before, after, MigrationQuestioner(defaults=dict(ask_rename=True)))._detect_changes()\nprint(changes['testapp'][0].operations)\nEOF",
                "[" + ", ".join(_ops([g], old, new).rsplit("\n", 1)[-1].strip() for g in got) + "]",
            ),
        ]

    def revert(k: int) -> list[Step]:
        return [
            Step(
                "I've piled up too many tweaks in the autodetector. Let me put it back as it was and keep only the change for the issue.",
                f"git checkout {_AD} && git diff --stat",
                f"Updated 1 path from the index\n {ctx.source} | {rng.randint(3, 18)} {'+' * rng.randint(2, 8)}{'-' * rng.randint(1, 4)}\n 1 file changed, {rng.randint(3, 12)} insertions(+), {rng.randint(1, 5)} deletions(-)",
            ),
            run(
                "And the autodetector tests with only the issue's change.",
                rng.sample(["types", "count", "attr"], rng.randint(1, 2)),
            ),
        ]

    def read(k: int) -> Step:
        line = 820 + ctx.key % 190
        return Step("Let me re-read generate_renamed_fields.", f"sed -n '{line},{line + 16}p' {_AD}", _AD_BODY)

    def expectation(k: int) -> list[Step]:
        case = rng.choice(_CASES)
        line = rng.randint(900, 2900)
        return [
            Step(
                f"Let me look at what {case} expects exactly.",
                f"grep -n -A12 'def {case}' {_TESTS}",
                f"{line}:    def {case}(self):\n{line + 1}-        \"\"\"Tests autodetection of renamed fields.\"\"\"\n{line + 2}-        changes = self.get_changes(\n{line + 3}-            [self.author_name], [self.author_name_renamed], MigrationQuestioner({{'ask_rename': True}})\n{line + 4}-        )\n{line + 5}-        # Right number/type of migrations?\n{line + 6}-        self.assertNumberMigrations(changes, 'testapp', 1)\n{line + 7}-        self.assertOperationTypes(changes, 'testapp', 0, ['RenameField'])\n{line + 8}-        self.assertOperationAttributes(changes, 'testapp', 0, 0, old_name='name', new_name='names')\n",
            ),
            run("Run just that one.", [rng.choice(["types", "attr", "count"])], f"{module}.{cls}.{case}"),
        ]

    first = [
        run(
            "My change touches how fields deconstruct, so let me run the autodetector tests.",
            ["types", rng.choice(["count", "attr"])],
        ),
        read(0),
    ]
    attempts: list[Attempt] = [edit, edit, edit, baseline, probe, revert, expectation]

    def looker() -> Step:
        at = 820 + ctx.key % 190
        roll = rng.random()
        if roll < 0.35:
            return read(0)
        if roll < 0.65:
            return Step(
                "Let me see where deep_deconstruct handles field kwargs.",
                f"grep -n -A22 'def deep_deconstruct' {_AD} | grep 'deconstruct\\|path\\|kwargs'",
                f"{at - 90}:    def deep_deconstruct(self, obj):\n{at - 68}-        elif hasattr(obj, 'deconstruct'):\n{at - 67}-            deconstructed = obj.deconstruct()\n{at - 64}-            path, args, kwargs = deconstructed\n",
            )
        changed = rng.choice(
            [
                "if old_field_dec[1:] == field_dec[1:]:",
                "if old_field_dec[2] == field_dec[2]:",
                "if old_field_dec == field_dec or old_field_dec[2] == field_dec[2]:",
            ]
        )
        return Step(
            "Let me look at my diff of the autodetector.",
            f"git diff {_AD}",
            f"diff --git a/{_AD} b/{_AD}\n--- a/{_AD}\n+++ b/{_AD}\n@@ -{at + 12},7 +{at + 12},7 @@ class MigrationAutodetector:\n                     old_field = old_model_state.get_field(rem_field_name)\n                     old_field_dec = self.deep_deconstruct(old_field)\n-                    if old_field_dec == field_dec:\n+                    {changed}\n",
        )

    return churn(ctx, rng, n, first, attempts, "the autodetector tests that keep failing differently", looker)
