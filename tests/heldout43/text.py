# ruff: noqa: E501
"""Names the database families' steps use, the Django test runner's output, and the looks between attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step

Attempt = text.Attempt

_APPS = ("queries", "model_fields", "lookup", "aggregation", "expressions", "ordering", "model_forms", "basic")
_MODELS = ("Author", "Book", "Article", "Tag", "Publisher", "Reporter", "Item", "Note")


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the test app and model its database trouble is in."""

    @property
    def app(self) -> str:
        return _APPS[sum(map(ord, self.run.session)) % len(_APPS)]

    @property
    def model(self) -> str:
        return _MODELS[sum(map(ord, self.run.session[::-1])) % len(_MODELS)]

    @property
    def table(self) -> str:
        return f"{self.app}_{self.model.lower()}"

    @property
    def settings(self) -> str:
        return "tests/test_sqlite.py" if self.django else "tests/settings.py"


def pid(rng: random.Random) -> int:
    return rng.randint(180, 32000)


def runner(
    ctx: Ctx, rng: random.Random, labels: str, body: str, failed: int = 1, ran: int = 0, processes: int = 1
) -> str:
    """What `./tests/runtests.py` prints for a run that ends with `failed` failures or errors."""
    ran = ran or rng.randint(failed + 2, 60)
    clones = "".join(
        "Cloning test database for alias 'default'...\n" for _ in range(min(processes, 4) if processes > 1 else 0)
    )
    head = f"Testing against Django installed in '/testbed/django' with up to {processes} processes\nFound {ran} test(s).\nCreating test database for alias 'default'...\n{clones}System check identified no issues (0 silenced).\n"
    dots = "".join(rng.choice("..........sE") for _ in range(ran - failed))
    tail = f"\n----------------------------------------------------------------------\nRan {ran} tests in {rng.uniform(0.08, 9.5):.3f}s\n\nFAILED (errors={failed})\nDestroying test database for alias 'default'...\n"
    return head + dots[: ran // 2] + "E" * failed + dots[ran // 2 :] + "\n" + body + tail


def passed(ctx: Ctx, rng: random.Random, ran: int = 0) -> str:
    ran = ran or rng.randint(3, 80)
    skipped = rng.randint(0, 3)
    return (
        f"Testing against Django installed in '/testbed/django' with up to 1 processes\nFound {ran} test(s).\n"
        "Creating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n"
        + "." * (ran - skipped)
        + "s" * skipped
        + f"\n----------------------------------------------------------------------\nRan {ran} tests in {rng.uniform(0.05, 4.0):.3f}s\n\n"
        + (f"OK (skipped={skipped})\n" if skipped else "OK\n")
        + "Destroying test database for alias 'default'...\n"
    )


def traceback(rng: random.Random, test: str, frames: list[tuple[str, str]], error: str) -> str:
    """A unittest ERROR block: the test, its frames (file, code) with drifting line numbers, the exception."""
    lines = ["=" * 70, f"ERROR: {test}", "-" * 70, "Traceback (most recent call last):"]
    for path, code in frames:
        lines += [
            f'  File "/testbed/{path}", line {rng.randint(20, 2400)}, in {code.split("(")[0].split()[-1].split(".")[-1] if "(" in code else "<module>"}',
            f"    {code}",
        ]
    lines.append(error)
    return "\n".join(lines) + "\n"


def edit(path: str, old: str, new: str) -> str:
    """The agent's usual way of changing one snippet of a file."""
    return f"python - <<'EOF'\np = '{path}'\ns = open(p).read()\ns = s.replace({old!r}, {new!r}, 1)\nopen(p, 'w').write(s)\nprint('patched')\nEOF"


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the settings, the source, the processes."""
    line = rng.randint(1, 400)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n M {rng.choice([ctx.settings, f'tests/{ctx.app}/tests.py', f'tests/{ctx.app}/models.py'])}\n?? {rng.choice(['db.sqlite3', 'reproduce.py', 'test_db.sqlite3', 'repro_settings.py'])}\n",
        ),
        Step(
            "Let me look at the diff so far.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(2, 16)} +++{'-' * rng.randint(1, 4)}\n tests/{ctx.app}/tests.py | {rng.randint(3, 30)} +++++\n 2 files changed, {rng.randint(5, 40)} insertions(+), {rng.randint(1, 6)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the test settings.",
            f"cat {ctx.settings}",
            "DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.sqlite3',\n    },\n    'other': {\n        'ENGINE': 'django.db.backends.sqlite3',\n    }\n}\n\nSECRET_KEY = 'django_tests_secret_key'\n\nPASSWORD_HASHERS = [\n    'django.contrib.auth.hashers.MD5PasswordHasher',\n]\n\nDEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\nUSE_TZ = False\n",
        ),
        Step(
            "Let me look at the code around my change again.",
            f"sed -n '{line},{line + 12}p' {ctx.source}",
            "        if self.query.is_sliced:\n            raise TypeError('Cannot filter a query once a slice has been taken.')\n        clone = self._chain()\n        if negate:\n            clone._query.add_q(~Q(*args, **kwargs))\n        else:\n            clone._query.add_q(Q(*args, **kwargs))\n        return clone\n",
        ),
        Step(
            "Which test models are there?",
            f"grep -n 'class .*models.Model' tests/{ctx.app}/models.py | head -12",
            "\n".join(
                f"{rng.randint(5, 30) + 12 * i}:class {m}(models.Model):" for i, m in enumerate(rng.sample(_MODELS, 5))
            )
            + "\n",
        ),
        Step(
            "Are any Python processes still running?",
            "ps aux | grep -i python | grep -v grep | head",
            f"root      {pid(rng)}  0.0  0.1  {rng.randint(20000, 90000)} {rng.randint(9000, 40000)} ?        S    {rng.randint(10, 23)}:{rng.randint(10, 59)}   0:00 /opt/miniconda3/envs/testbed/bin/python -c from multiprocessing.resource_tracker import main;main(5)\n",
        ),
        Step(
            "Which sqlite files are lying around?",
            "find / -name '*.sqlite3*' -newer setup.py -not -path '/proc/*' 2>/dev/null | head",
            rng.choice(
                [
                    "/testbed/db.sqlite3\n",
                    "/testbed/tests/db.sqlite3\n/tmp/test_db.sqlite3\n",
                    "/testbed/test_db.sqlite3-journal\n/testbed/test_db.sqlite3\n",
                    "",
                ]
            ),
        ),
        Step(
            "Which Python and SQLite is this environment using?",
            'python -c "import sys, sqlite3, django; print(sys.version.split()[0], sqlite3.sqlite_version, django.get_version())"',
            f"{ctx.python_full} 3.{rng.choice([31, 35, 38, 39, 40, 41])}.{rng.randint(0, 6)} {rng.randint(3, 5)}.{rng.randint(0, 2)}.dev{rng.randint(20200101, 20231231)}{rng.randint(100000, 999999)}\n",
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: Step, attempts: list[Attempt], what: str) -> list[Step]:
    """A first failing run, then attempts drawn at random with looks between some, until the agent gives up."""
    return text.churn(rng, n, [first], attempts, lambda: look(ctx, rng), lambda: text.give_up(rng, what), 0.4)
