"""A JSON file edited by hand: json-fixture-broken (a loop) and json-fixed (productive).

Django runs load a fixture with loaddata; other runs load a file of test cases with json.load. The
agent adds and edits records by hand; each error is what Python's json module reports for the text
as written (message, line, column, char), so it moves with every edit. In the loop each fix brings
another slip (a comma, a quote, a comment, a Python literal); in the episode the file loads.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from heldout19.calls import SUBMIT, Step, say
from heldout19.replies import heredoc, ran, script, suite_again, traceback
from heldout19.runs import Context

SLIPS = [
    "missing_comma",
    "trailing_comma",
    "single_quotes",
    "unterminated",
    "comment",
    "literal",
    "colon",
    "extra",
    "array_comma",
    "escape",
]
FIXES = {
    "missing_comma": "add the comma missing between two records",
    "trailing_comma": "drop the trailing comma inside the record",
    "single_quotes": "use double quotes for the key",
    "unterminated": "close the string",
    "comment": "remove the comment line, JSON has no comments",
    "literal": "use JSON's `true`/`null` instead of Python's",
    "colon": "put back the colon after the key",
    "extra": "remove the stray closing bracket at the end",
    "array_comma": "remove the comma after the last record",
    "escape": "escape the backslash in the path",
}
NAMES = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]


class JsonScene:
    def __init__(self, ctx: Context, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.django = ctx.repo == "django"
        if self.django:
            self.file = rng.choice(
                ["fixtures/pages.json", "scratch_fixtures/flatpages.json", "tmp_fixtures/sample.json"]
            )
            self.loader = rng.choice(["load_fixture.py", "check_fixture.py"])
        else:
            self.file = rng.choice(["test_data/cases.json", "cases.json", "scratch/cases.json"])
            self.loader = rng.choice(["check_cases.py", "run_cases.py"])
        self.records: list[dict[str, Any]] = [self.record(i) for i in range(rng.randint(3, 5))]
        self.indent = rng.choice([2, 4])

    def record(self, i: int) -> dict[str, Any]:
        name = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i))
        if self.django:
            fields = {
                "url": f"/{name}/",
                "title": name.title(),
                "content": f"See docs/{name}.txt",
                "enable_comments": i % 2 == 0,
            }
            fields |= {"template_name": "", "registration_required": False, "sites": [1]}
            return {"model": "flatpages.flatpage", "pk": i + 1, "fields": fields}
        return {
            "input": f"{name}-{i}",
            "expected": name.upper(),
            "strict": i % 2 == 0,
            "note": None,
            "path": f"data/{name}.txt",
        }

    def text(self, slips: dict[str, int]) -> str:
        """The file as the agent wrote it: the records with `slips` (kind -> record index) in them."""
        pad = " " * self.indent
        parts = []
        for i, rec in enumerate(self.records):
            body = json.dumps(rec, indent=self.indent)
            body = "\n".join(pad + line for line in body.splitlines())
            if slips.get("trailing_comma") == i:
                cut = body.rfind("\n")
                body = body[:cut] + "," + body[cut:]
            if slips.get("single_quotes") == i:
                first = body.index('"')
                end = body.index('"', first + 1)
                body = body[:first] + "'" + body[first + 1 : end] + "'" + body[end + 1 :]
            if slips.get("unterminated") == i:
                at = body.index('": "') + 4
                close = body.index('"', at)
                body = body[:close] + body[close + 1 :]
            if slips.get("literal") == i:
                word = min(("null", "true", "false"), key=lambda w: body.find(w) % len(body))
                body = body.replace(word, {"null": "None", "true": "True", "false": "False"}[word], 1)
            if slips.get("colon") == i:
                at = body.rindex('": ')
                body = body[: at + 1] + body[at + 2 :]
            if slips.get("escape") == i:
                body = body.replace(".txt", "\\d.txt", 1)
            if slips.get("comment") == i:
                body = f"{pad}// added by hand for the new case\n{body}"
            parts.append(body)
        joined = parts[0]
        for i, part in enumerate(parts[1:]):
            joined += ("\n" if slips.get("missing_comma") == i else ",\n") + part
        closing = "\n]\n]\n" if "extra" in slips else "\n]\n"
        return "[\n" + joined + ("," if "array_comma" in slips else "") + closing

    def error(self, slips: dict[str, int]) -> str | None:
        try:
            json.loads(self.text(slips))
        except json.JSONDecodeError as exc:
            return str(exc)
        return None

    def loader_source(self) -> str:
        if self.django:
            return f'''import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sites",
        "django.contrib.flatpages",
    ],
    DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}},
    SITE_ID=1,
)
django.setup()

from django.core.management import call_command

call_command("migrate", run_syncdb=True, verbosity=0)
call_command("loaddata", "{self.file}")
'''
        return f'''import json

with open("{self.file}") as fh:
    cases = json.load(fh)

print(f"loaded {{len(cases)}} cases")
for case in cases:
    assert case["expected"] == case["input"].split("-")[0].upper(), case
print("all cases pass")
'''

    def run(self, slips: dict[str, int]) -> tuple[str, int]:
        error = self.error(slips)
        n = len(self.records)
        if error is None:
            if self.django:
                return f"Installed {n} object(s) from 1 fixture(s)\n", 0
            return f"loaded {n} cases\nall cases pass\n", 0
        site = self.ctx.site
        old = int(self.ctx.python.split(".")[1]) < 8
        decoding = f"{site}/json/decoder.py"
        if error.startswith("Extra data"):
            decoder = [(decoding, 342 if old else 340, "decode", 'raise JSONDecodeError("Extra data", s, end)')]
        else:
            decoder = [(decoding, 339 if old else 337, "decode", "obj, end = self.raw_decode(s, idx=_w(s, 0).end())")]
            decoder.append((decoding, 355 if old else 353, "raw_decode", "obj, end = self.scan_once(s, idx)"))
        loads = (f"{site}/json/__init__.py", 354 if old else 346, "loads", "return _default_decoder.decode(s)")
        source = self.loader_source().splitlines()
        file = script(self.ctx, self.loader)
        if not self.django:
            line = next(i for i, text in enumerate(source, 1) if "json.load(fh)" in text)
            stack = [
                (file, line, "<module>", "cases = json.load(fh)"),
                (f"{site}/json/__init__.py", 299 if old else 293, "load", "return loads(fp.read(),"),
                loads,
                *decoder,
            ]
            return traceback(stack, f"json.decoder.JSONDecodeError: {error}"), 1
        inner = [
            ("/testbed/django/core/serializers/json.py", 69, "Deserializer", "objects = json.loads(stream_or_string)"),
            loads,
            *decoder,
        ]
        text = traceback(inner, f"json.decoder.JSONDecodeError: {error}")
        text += "\nThe above exception was the direct cause of the following exception:\n\n"
        line = next(i for i, t in enumerate(source, 1) if "loaddata" in t)
        outer = [(file, line, "<module>", f'call_command("loaddata", "{self.file}")')]
        outer.append(
            (
                "/testbed/django/core/management/__init__.py",
                168,
                "call_command",
                "return command.execute(*args, **defaults)",
            )
        )
        outer.append(
            ("/testbed/django/core/management/commands/loaddata.py", 78, "handle", "self.loaddata(fixture_labels)")
        )
        outer.append(
            ("/testbed/django/core/management/commands/loaddata.py", 123, "loaddata", "self.load_label(fixture_label)")
        )
        outer.append(("/testbed/django/core/management/commands/loaddata.py", 181, "load_label", "for obj in objects:"))
        outer.append(
            ("/testbed/django/core/serializers/json.py", 73, "Deserializer", "raise DeserializationError() from exc")
        )
        return text + traceback(
            outer,
            f"django.core.serializers.base.DeserializationError: Problem installing fixture '/testbed/{self.file}': ",
        ), 1

    def look(self, slips: dict[str, int], error: str | None) -> Step:
        rng = self.rng
        text = self.text(slips)
        lines = text.splitlines()
        if error and rng.random() < 0.6:
            line = int(error.split("line ")[1].split()[0]) if "line " in error else 1
            lo, hi = max(line - 3, 1), min(line + 3, len(lines))
            command = rng.choice([f"sed -n '{lo},{hi}p' {self.file}", f"nl -ba {self.file} | sed -n '{lo},{hi}p'"])
            shown = lines[lo - 1 : hi]
            out = (
                "\n".join(shown)
                if command.startswith("sed")
                else "\n".join(f"{i:6d}\t{t}" for i, t in enumerate(shown, lo))
            )
            return Step(say(f"Let me look at the lines around line {line}.", command), ran(out + "\n"), 0.1)
        if rng.random() < 0.5:
            command = rng.choice(
                [
                    f"python -m json.tool {self.file} > /dev/null",
                    f"python -m json.tool {self.file} >/dev/null && echo valid",
                ]
            )
            if error is None:
                return Step(
                    say("Let me validate the JSON on its own first.", command),
                    ran("valid\n" if "echo" in command else ""),
                    0.2,
                )
            return Step(say("Let me validate the JSON on its own first.", command), ran(f"{error}\n", 1), 0.2)
        return Step(say("Let me see the whole file.", f"cat {self.file}"), ran(text), 0.1)


def _write(scene: JsonScene, slips: dict[str, int], thought: str) -> Step:
    return Step(say(thought, heredoc(scene.file, scene.text(slips))), ran(""), 0.1)


def _runs(scene: JsonScene) -> list[str]:
    return [f"python {scene.loader}", f"python3 {scene.loader}", f"cd /testbed && python {scene.loader}"]


def _open(scene: JsonScene, slips: dict[str, int], why: str) -> list[Step]:
    rng = scene.rng
    folder = scene.file.rsplit("/", 1)[0] if "/" in scene.file else "."
    steps = [Step(say(why, f"mkdir -p {folder} && {heredoc(scene.file, scene.text(slips))}"), ran(""), 0.1)]
    steps.append(
        Step(say("And a small script that loads it.", heredoc(scene.loader, scene.loader_source())), ran(""), 0.1)
    )
    output, code = scene.run(slips)
    steps.append(Step(say("Run it.", rng.choice(_runs(scene))), ran(output, code), rng.uniform(0.5, 2)))
    return steps


def _culprit(scene: JsonScene, slips: dict[str, int]) -> str:
    """The slip the error points at: the one whose repair changes the error."""
    error = scene.error(slips)
    return next(
        (k for k in slips if scene.error({j: v for j, v in slips.items() if j != k}) != error), next(iter(slips))
    )


def json_loop(ctx: Context, rng: random.Random) -> Iterator[Step]:
    scene = JsonScene(ctx, rng)
    slips = {rng.choice(SLIPS): rng.randrange(len(scene.records) - 1)}
    why = (
        "To exercise the change through loaddata (deserialisation and save), I'll load a small flatpages fixture."
        if scene.django
        else "I'll put the cases for the fix in a JSON file and run them from a script."
    )
    yield from _open(scene, slips, why)
    while True:
        error = scene.error(slips)
        if rng.random() < 0.35:
            yield scene.look(slips, error)
        # The agent repairs the spot the error points at and, adding another record by hand, slips again.
        fixed = _culprit(scene, slips)
        slips = {k: v for k, v in slips.items() if k != fixed}
        adding = len(scene.records) < 8
        if adding:
            scene.records.append(scene.record(len(scene.records)))
        new = rng.choice([s for s in SLIPS if s not in slips and s != fixed])
        slips[new] = rng.randrange(len(scene.records) - 1)
        where = error.split(": ", 1)[-1] if error else ""
        also = rng.choice(
            [
                ", and add one more case while I'm editing the file",
                " and add the next record",
                "; I'm also adding another case",
            ]
        )
        if not adding:
            also = rng.choice(
                [" and tidy the values of the last records", ", and adjust the expected values while I'm here"]
            )
        thought = rng.choice(
            [
                f"The loader fails with `{error}`. I need to {FIXES[fixed]}{also}.",
                f"JSON error at {where}. I'll {FIXES[fixed]}{also}.",
                f"Still not valid JSON (`{error}`). Let me {FIXES[fixed]}{also}.",
            ]
        )
        output, code = scene.run(slips)
        if rng.random() < 0.5:
            yield Step(
                say(thought, heredoc(scene.file, scene.text(slips), rng.choice(_runs(scene)))),
                ran(output, code),
                rng.uniform(0.5, 2),
            )
        else:
            yield _write(scene, slips, thought)
            yield Step(
                say(rng.choice(["Load it again.", "Rerun the loader.", "Try again."]), rng.choice(_runs(scene))),
                ran(output, code),
                rng.uniform(0.5, 2),
            )


def json_closing(ctx: Context, rng: random.Random) -> str:
    return say(
        rng.choice(
            [
                "Editing this JSON by hand keeps breaking it somewhere new. The data file was only for my own checks, so I'll submit the code change.",
                "I've spent too long on the hand-written JSON. The fix itself is done; submitting.",
            ]
        ),
        SUBMIT,
    )


def json_fixed(ctx: Context, rng: random.Random) -> list[Step]:
    scene = JsonScene(ctx, rng)
    kinds = rng.sample(SLIPS, rng.choice([1, 2]))
    slips = {kind: rng.randrange(len(scene.records) - 1) for kind in kinds}
    why = (
        "Let me also push some data through loaddata with a small flatpages fixture."
        if scene.django
        else "Let me keep a few cases for the fix in a JSON file and check them from a script."
    )
    steps = _open(scene, slips, why)
    while slips:
        error = scene.error(slips)
        line = int(error.split("line ")[1].split()[0]) if error and "line " in error else 1
        lo = max(line - 2, 1)
        lines = scene.text(slips).splitlines()[lo - 1 : line + 2]
        steps.append(
            Step(
                say(f"`{error}`. Let me look at line {line}.", f"sed -n '{lo},{line + 2}p' {scene.file}"),
                ran("\n".join(lines) + "\n"),
                0.1,
            )
        )
        fixed = _culprit(scene, slips)
        del slips[fixed]
        steps.append(_write(scene, slips, f"I need to {FIXES[fixed]}."))
        output, code = scene.run(slips)
        steps.append(Step(say("Load it again.", rng.choice(_runs(scene))), ran(output, code), 1.0))
    again = suite_again(ctx, rng)
    if again:
        steps.append(
            Step(
                say("The data loads now. Let me rerun the tests as well.", again[0]), ran(again[1]), rng.uniform(2, 20)
            )
        )
    folder = scene.file.split("/")[0] if "/" in scene.file else scene.file
    steps.append(Step(say("All good. Cleaning up the scratch files.", f"rm -rf {folder} {scene.loader}"), ran(""), 0.1))
    return steps
