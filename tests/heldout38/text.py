# ruff: noqa: E501
"""Names the families' steps use, read from the run they are spliced into, and Django's test runner output."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout20 import text
from heldout20.calls import Step
from heldout20.text import py_edit as py_edit  # the families import it from here

_VIEWS = ("{}_detail", "{}_list", "update_{}", "{}_export", "{}_preview")
_APPS = ("urlpatterns_reverse", "view_tests", "generic_views", "test_client_regress", "handlers", "middleware")

Attempt = text.Attempt


@dataclass
class Ctx(text.Ctx):
    """The run a family is spliced into, with the view, URL name and test app its agent works with."""

    @property
    def view(self) -> str:
        return _VIEWS[sum(map(ord, self.run.session)) % len(_VIEWS)].format(self.stem)

    @property
    def url_name(self) -> str:
        return self.view.replace("_", "-")

    @property
    def app(self) -> str:
        return _APPS[len(self.run.session) % len(_APPS)]

    @property
    def test_cls(self) -> str:
        return f"{self.cls}ViewTests"

    def runtests(self, label: str, extra: str = "") -> str:
        """Django's own test runner, as agents in the Django repository call it."""
        return f"cd tests && python runtests.py {label}{extra}"


def give_up(rng: random.Random, what: str) -> Step:
    return text.give_up(rng, what)


def runtests_output(
    ctx: Ctx, rng: random.Random, test: str, frames: list[tuple[str, int, str, str]], error: str, kind: str = "ERROR"
) -> str:
    """Django's runner printing one failing test: its header, the traceback and the summary."""
    processes = rng.choice([1, 4, 8, 16])
    lines = [
        f"Testing against Django installed in '/testbed/django' with up to {processes} processes",
        "Found 1 test(s).",
        "System check identified no issues (0 silenced).",
        kind[0],
        "=" * 70,
        f"{kind}: {test.rsplit('.', 1)[-1]} ({test})",
        "-" * 70,
        "Traceback (most recent call last):",
    ]
    for path, line, func, code in frames:
        lines += [f'  File "{path}", line {line}, in {func}', f"    {code}"]
    lines += [error, "", "-" * 70, f"Ran 1 test in {rng.uniform(0.004, 0.9):.3f}s", ""]
    lines.append(f"FAILED ({'errors' if kind == 'ERROR' else 'failures'}=1)")
    return "\n".join(lines)


def assert_status(ctx: Ctx, rng: random.Random, test: str, got: int, want: int, line: int) -> str:
    """A test client check failing on its status code."""
    return runtests_output(
        ctx,
        rng,
        test,
        [
            (
                f"/testbed/tests/{ctx.app}/tests.py",
                line,
                test.rsplit(".", 1)[-1],
                f"self.assertEqual(response.status_code, {want})",
            )
        ],
        f"AssertionError: {got} != {want}",
        "FAIL",
    )


def look(ctx: Ctx, rng: random.Random) -> Step:
    """A look between attempts: the tree, the diff, the settings, the URLconf, the source."""
    line = rng.randint(20, 400)
    choices = [
        Step(
            "Let me check what I have changed so far.",
            "git status --short",
            f" M {ctx.source}\n M tests/{ctx.app}/{rng.choice(['urls.py', 'tests.py', 'views.py'])}\n?? tests/{ctx.app}/templates/\n",
        ),
        Step(
            "Let me look at the diff so far.",
            "git diff --stat",
            f" {ctx.source} | {rng.randint(2, 16)} +++++{'-' * rng.randint(1, 3)}\n tests/{ctx.app}/tests.py | {rng.randint(8, 40)} ++++++++\n 2 files changed, {rng.randint(10, 50)} insertions(+), {rng.randint(1, 4)} deletions(-)\n",
        ),
        Step(
            "Let me re-read the test app's URLconf.",
            f"cat tests/{ctx.app}/urls.py",
            f"from django.urls import path, re_path\n\nfrom . import views\n\nurlpatterns = [\n    path('{ctx.stem}/<int:pk>/', views.{ctx.view}, name='{ctx.url_name}'),\n    re_path(r'^{ctx.stem}/(?P<slug>[-\\w]+)/$', views.{ctx.view}, name='{ctx.url_name}-slug'),\n    path('plain/', views.empty_view, name='plain'),\n]\n",
        ),
        Step(
            "Let me check what the test settings configure.",
            "grep -n 'ROOT_URLCONF\\|MIDDLEWARE\\|TEMPLATES\\|INSTALLED_APPS\\|CSRF' tests/runtests.py | head -20",
            f"{line}:ALWAYS_INSTALLED_APPS = [\n{line + 22}:ALWAYS_MIDDLEWARE = [\n{line + 94}:    settings.ROOT_URLCONF = 'urls'\n{line + 98}:    settings.TEMPLATES = [{{\n{line + 110}:    settings.MIDDLEWARE = ALWAYS_MIDDLEWARE\n",
        ),
        Step(
            "Let me re-read the code around my change.",
            f"sed -n '{line},{line + 12}p' {ctx.source}",
            f"    def {ctx.view}(self, request, *args, **kwargs):\n        if request.method not in self.allowed:\n            return self.http_method_not_allowed(request)\n        response = self.dispatch(request, *args, **kwargs)\n        response.setdefault('Vary', 'Cookie')\n        return response\n",
        ),
        Step(
            "Let me see the test app's files.",
            f"ls tests/{ctx.app}",
            "__init__.py\nmodels.py\ntemplates\ntests.py\nurls.py\nviews.py\n",
        ),
        Step(
            "Which Django is being imported?",
            "python -c 'import django; print(django.__file__, django.get_version())'",
            f"/testbed/django/__init__.py {rng.choice(['4.2', '5.0', '4.1', '3.2', '5.1'])}.dev{rng.randint(20220101, 20241231)}{rng.randint(100000, 235959)}\n",
        ),
    ]
    return rng.choice(choices)


def churn(ctx: Ctx, rng: random.Random, n: int, first: Step, attempts: list[Attempt], what: str) -> list[Step]:
    """A first failing check, then attempts drawn at random, looks between some, until the agent gives up."""
    return text.churn(rng, n, [first], attempts, lambda: look(ctx, rng), lambda: give_up(rng, what), 0.4)
