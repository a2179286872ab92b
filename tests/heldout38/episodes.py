# ruff: noqa: E501
"""Hard negatives: the loops' errors met once or twice, then fixed at their cause, the tests passing."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout38.text import Ctx, assert_status, look, py_edit, runtests_output


def _ok(ctx: Ctx, rng: random.Random, label: str) -> Step:
    count = rng.randint(3, 60)
    out = f"Testing against Django installed in '/testbed/django' with up to {rng.choice([4, 8, 16])} processes\nFound {count} test(s).\nSystem check identified no issues (0 silenced).\n{'.' * min(count, 60)}\n{'-' * 70}\nRan {count} tests in {rng.uniform(0.02, 1.8):.3f}s\n\nOK\n"
    return Step(
        rng.choice(["Now the test should pass.", "Rerunning the tests.", "Let me confirm with the tests."]),
        ctx.runtests(label),
        out,
        0,
        rng.uniform(2, 8),
    )


def reverse_name_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """NoReverseMatch once or twice, the URL name found misspelt in the URLconf, fixed there, passing."""
    label = f"{ctx.app}.tests.{ctx.test_cls}"
    wrong = rng.choice([ctx.url_name.replace("-", "_"), ctx.url_name + "s", ctx.view])

    def fail() -> str:
        return runtests_output(
            ctx,
            rng,
            f"{label}.test_{ctx.stem}_url",
            [
                (
                    f"/testbed/tests/{ctx.app}/tests.py",
                    rng.randint(30, 400),
                    f"test_{ctx.stem}_url",
                    f"url = reverse('{ctx.url_name}', args=(1,))",
                ),
                (
                    "/testbed/django/urls/resolvers.py",
                    rng.randint(760, 840),
                    "_reverse_with_prefix",
                    "raise NoReverseMatch(msg)",
                ),
            ],
            f"django.urls.exceptions.NoReverseMatch: Reverse for '{ctx.url_name}' not found. '{ctx.url_name}' is not a valid view function or pattern name.",
        )

    steps = [Step("Let me run the new URL test.", ctx.runtests(label), fail(), 1, 3.1)]
    if rng.random() < 0.6:
        steps += [
            Step(
                "Maybe it needs kwargs; trying that.",
                py_edit(f"tests/{ctx.app}/tests.py", "args=(1,)", "kwargs={'pk': 1}"),
                "patched\n",
            ),
            Step("Rerun.", ctx.runtests(label, " -v 2"), fail(), 1, 3.3),
        ]
    steps += [
        Step(
            "Same error either way, so the name itself is not registered. Let me grep the URLconf.",
            f"grep -n 'name=' tests/{ctx.app}/urls.py",
            f"{rng.randint(5, 9)}:    path('{ctx.stem}/<int:pk>/', views.{ctx.view}, name='{wrong}'),\n{rng.randint(10, 14)}:    path('plain/', views.empty_view, name='plain'),\n",
        ),
        Step(
            f"The pattern is registered as '{wrong}'. Fixing the name at the URLconf.",
            f"sed -i \"s/name='{wrong}'/name='{ctx.url_name}'/\" tests/{ctx.app}/urls.py && grep -n '{ctx.url_name}' tests/{ctx.app}/urls.py",
            f"{rng.randint(5, 9)}:    path('{ctx.stem}/<int:pk>/', views.{ctx.view}, name='{ctx.url_name}'),\n",
        ),
        _ok(ctx, rng, label),
    ]
    return steps


def methods_declared(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A 405 on the POST once or twice, the view's http_method_names read and extended, passing."""
    label = f"{ctx.app}.tests.{ctx.test_cls}.test_post_{ctx.stem}"
    steps = [
        Step(
            "Running the POST test.",
            ctx.runtests(label),
            f"Method Not Allowed (POST): /{ctx.stem}/{rng.randint(1, 30)}/\n"
            + assert_status(ctx, rng, label, 405, 302, rng.randint(40, 400)),
            1,
            2.9,
        )
    ]
    if rng.random() < 0.5:
        steps += [
            Step(
                "Maybe the trailing slash; posting to the canonical URL.",
                py_edit(f"tests/{ctx.app}/tests.py", f"post('/{ctx.stem}/1'", f"post('/{ctx.stem}/1/'"),
                "patched\n",
            ),
            Step(
                "Rerun.",
                ctx.runtests(label, " -v 2"),
                f"Method Not Allowed (POST): /{ctx.stem}/1/\n"
                + assert_status(ctx, rng, label, 405, 302, rng.randint(40, 400)),
                1,
                3.0,
            ),
        ]
    steps += [
        Step(
            "Still 405 at the right URL, so the view refuses POST. Let me read the view class.",
            f"grep -n 'class \\|http_method_names\\|def ' tests/{ctx.app}/views.py | head -12",
            f"{rng.randint(5, 20)}:class {ctx.cls}View(View):\n{rng.randint(21, 25)}:    http_method_names = ['get', 'head', 'options']\n{rng.randint(26, 30)}:    def get(self, request, *args, **kwargs):\n{rng.randint(31, 40)}:    def post(self, request, *args, **kwargs):\n",
        ),
        Step(
            "post() exists but http_method_names excludes it. Adding 'post' there.",
            py_edit(
                f"tests/{ctx.app}/views.py",
                "http_method_names = ['get', 'head', 'options']",
                "http_method_names = ['get', 'post', 'head', 'options']",
            ),
            "patched\n",
        ),
        _ok(ctx, rng, label),
    ]
    return steps


def template_found(ctx: Ctx, rng: random.Random) -> list[Step]:
    """TemplateDoesNotExist once, the file found one directory off the app's namespace, moved, passing."""
    label = f"{ctx.app}.tests.{ctx.test_cls}"
    name = f"{ctx.app}/{ctx.stem}.html"
    fail = runtests_output(
        ctx,
        rng,
        f"{label}.test_{ctx.stem}_renders",
        [
            (
                f"/testbed/tests/{ctx.app}/views.py",
                rng.randint(8, 90),
                ctx.view,
                f"return render(request, '{name}', context)",
            ),
            (
                "/testbed/django/template/loader.py",
                19,
                "get_template",
                "raise TemplateDoesNotExist(template_name, chain=chain)",
            ),
        ],
        f"django.template.exceptions.TemplateDoesNotExist: {name}",
    )
    steps = [Step("Let me run the rendering test.", ctx.runtests(label), fail, 1, 3.2)]
    steps += [
        Step(
            "Where did I put the template?",
            f"find tests/{ctx.app} -name '*.html'",
            f"tests/{ctx.app}/templates/{ctx.stem}.html\n",
        ),
        Step(
            f"It sits directly in templates/, but the view asks for '{name}'. Moving it under the app's namespace directory.",
            f"mkdir -p tests/{ctx.app}/templates/{ctx.app} && git mv -f tests/{ctx.app}/templates/{ctx.stem}.html tests/{ctx.app}/templates/{name} 2>/dev/null || mv tests/{ctx.app}/templates/{ctx.stem}.html tests/{ctx.app}/templates/{name}; ls tests/{ctx.app}/templates/{ctx.app}",
            f"{ctx.stem}.html\n",
        ),
        _ok(ctx, rng, label),
    ]
    if rng.random() < 0.5:
        steps.insert(1, look(ctx, rng))
    return steps


def csrf_token_sent(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A CSRF 403 once or twice, the form template found without the token tag, added, passing."""
    label = f"{ctx.app}.tests.{ctx.test_cls}.test_{ctx.stem}_form_post"
    steps = [
        Step(
            "Running the form POST test with CSRF checks enforced.",
            ctx.runtests(label),
            f"Forbidden (CSRF token missing.): /{ctx.stem}/new/\n"
            + assert_status(ctx, rng, label, 403, 302, rng.randint(40, 400)),
            1,
            3.0,
        )
    ]
    if rng.random() < 0.6:
        steps += [
            Step(
                "Let me see whether a cookie was set by the GET.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "        response = self.client.post(",
                    "        print(self.client.cookies.keys())\n        response = self.client.post(",
                ),
                "patched\n",
            ),
            Step(
                "Rerun with the print.",
                ctx.runtests(label),
                f"dict_keys(['csrftoken'])\nForbidden (CSRF token missing.): /{ctx.stem}/new/\n"
                + assert_status(ctx, rng, label, 403, 302, rng.randint(40, 400)),
                1,
                3.1,
            ),
        ]
    steps += [
        Step(
            "The cookie is there but the token never reaches the form. Let me look at the form template.",
            f"cat tests/{ctx.app}/templates/{ctx.app}/{ctx.stem}_form.html",
            '<form method="post">\n  {{ form.as_p }}\n  <input type="submit">\n</form>\n',
        ),
        Step(
            "The form lacks the csrf_token tag, so the test's scraped token is empty. Adding it.",
            f'sed -i \'s|<form method="post">|<form method="post">{{% csrf_token %}}|\' tests/{ctx.app}/templates/{ctx.app}/{ctx.stem}_form.html && head -2 tests/{ctx.app}/templates/{ctx.app}/{ctx.stem}_form.html',
            '<form method="post">{% csrf_token %}\n  {{ form.as_p }}\n',
        ),
        Step(
            "And remove the debug print.",
            f"sed -i '/print(self.client.cookies/d' tests/{ctx.app}/tests.py && git diff --stat",
            f" tests/{ctx.app}/templates/{ctx.app}/{ctx.stem}_form.html | 2 +-\n tests/{ctx.app}/tests.py | {rng.randint(10, 30)} ++++++\n 2 files changed, {rng.randint(11, 31)} insertions(+), 1 deletion(-)\n",
        ),
        _ok(ctx, rng, label),
    ]
    return steps


def middleware_reordered(ctx: Ctx, rng: random.Random) -> list[Step]:
    """request.user missing once, the override's MIDDLEWARE read, the middleware placed after auth, passing."""
    label = f"{ctx.app}.tests.{ctx.test_cls}"
    fail = runtests_output(
        ctx,
        rng,
        f"{label}.test_user_available",
        [
            (
                f"/testbed/tests/{ctx.app}/middleware.py",
                rng.randint(8, 40),
                "__call__",
                "if request.user.is_authenticated:",
            )
        ],
        "AttributeError: 'WSGIRequest' object has no attribute 'user'",
    )
    return [
        Step("Let me run the middleware tests.", ctx.runtests(label), fail, 1, 2.8),
        Step(
            "The request has no user when my middleware runs. Let me see the order in the test's override.",
            f"grep -n -A8 'MIDDLEWARE=' tests/{ctx.app}/tests.py",
            f"{rng.randint(20, 60)}:@override_settings(MIDDLEWARE=[\n    'django.contrib.sessions.middleware.SessionMiddleware',\n    '{ctx.app}.middleware.{ctx.cls}Middleware',\n    'django.contrib.auth.middleware.AuthenticationMiddleware',\n])\n",
        ),
        Step(
            "Mine runs before AuthenticationMiddleware sets request.user. Moving it after.",
            py_edit(
                f"tests/{ctx.app}/tests.py",
                f"    '{ctx.app}.middleware.{ctx.cls}Middleware',\n    'django.contrib.auth.middleware.AuthenticationMiddleware',\n",
                f"    'django.contrib.auth.middleware.AuthenticationMiddleware',\n    '{ctx.app}.middleware.{ctx.cls}Middleware',\n",
            ),
            "patched\n",
        ),
        _ok(ctx, rng, label),
    ]


def local_server_404_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A local HTTP server for test data answering 404 once or twice, served from the right directory, 200."""
    port = rng.choice([8000, 8001, 8080, 8765, 9000])
    name = rng.choice(["data.json", "sample.csv", "index.html", "fixture.txt"])
    pid, pid2 = rng.randint(1200, 48000), rng.randint(1200, 48000)
    url = f"http://127.0.0.1:{port}/files/{name}"
    stamp = f"{rng.randint(10, 28)}/Nov/2024 {rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}"
    steps = [
        Step(
            "To check the fetch path end to end, let me serve a small file over HTTP locally.",
            f"mkdir -p /tmp/srv/files && echo ok > /tmp/srv/files/{name} && cd /tmp && nohup python -m http.server {port} > /tmp/srv.log 2>&1 & sleep 1; echo $!",
            f"{pid}\n",
        ),
        Step(
            "Fetching the file's headers.",
            f"curl -sI {url} | head -3",
            f"HTTP/1.0 404 File not found\nServer: SimpleHTTP/0.6 Python/{ctx.python_full}\nDate: Mon, {stamp[:2]} Nov 2024 {stamp[-8:]} GMT\n",
        ),
    ]
    if rng.random() < 0.6:
        steps.append(
            Step(
                "Let me see the server log.",
                "tail -2 /tmp/srv.log",
                f'127.0.0.1 - - [{stamp}] code 404, message File not found\n127.0.0.1 - - [{stamp}] "HEAD /files/{name} HTTP/1.1" 404 -\n',
            )
        )
    steps += [
        Step(
            "The server was started in /tmp rather than /tmp/srv, so /files/ maps to the wrong directory. Restarting it with --directory.",
            f"kill {pid}; nohup python -m http.server {port} --directory /tmp/srv > /tmp/srv.log 2>&1 & sleep 1; echo $!",
            f"{pid2}\n",
        ),
        Step("Fetching again.", f"curl -s {url} && curl -sI {url} | head -1", "ok\nHTTP/1.0 200 OK\n"),
        Step("Served correctly now; stopping the server.", f"kill {pid2} && echo stopped", "stopped\n"),
    ]
    return steps
