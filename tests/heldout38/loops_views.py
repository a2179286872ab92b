# ruff: noqa: E501
"""Loops of views: templates never found, CSRF 403s that stay, middleware shuffled without end."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout38.text import Ctx, assert_status, churn, py_edit, runtests_output

_DIRS = ("TEMPLATE_DIR", 'os.path.join(os.path.dirname(__file__), "templates")', 'Path(__file__).parent / "templates"')


def template_loader_miss(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """TemplateDoesNotExist for the view's template, moved, renamed and registered over and over."""
    test = f"test_{ctx.stem}_renders"
    label = f"{ctx.app}.tests.{ctx.test_cls}.{test}"
    names = [f"{ctx.app}/{ctx.stem}.html", f"{ctx.stem}.html", f"{ctx.app}/{ctx.view}.html", f"{ctx.stem}/detail.html"]

    def fail(k: int) -> str:
        name = rng.choice(names)
        tried = rng.choice(
            [
                "",
                f"\n(Source does not exist: /testbed/tests/{ctx.app}/templates/{name})",
                f"\nTemplate-loader postmortem:\n    django.template.loaders.filesystem.Loader: /testbed/tests/templates/{name} (Source does not exist)\n    django.template.loaders.app_directories.Loader: /testbed/django/contrib/{rng.choice(['admin', 'auth'])}/templates/{name} (Source does not exist)",
            ]
        )
        return runtests_output(
            ctx,
            rng,
            label,
            [
                (
                    f"/testbed/tests/{ctx.app}/tests.py",
                    rng.randint(30, 400),
                    test,
                    f"response = self.client.get('/{ctx.stem}/{rng.randint(1, 40)}/')",
                ),
                (
                    f"/testbed/tests/{ctx.app}/views.py",
                    rng.randint(8, 90),
                    ctx.view,
                    f"return render(request, '{name}', context)",
                ),
                (
                    "/testbed/django/template/loader.py",
                    rng.choice([19, 47, 61]),
                    rng.choice(["get_template", "select_template", "render_to_string"]),
                    "raise TemplateDoesNotExist(template_name, chain=chain)",
                ),
            ],
            f"django.template.exceptions.TemplateDoesNotExist: {name}{tried}",
        )

    def run(k: int) -> Step:
        return Step(
            rng.choice(["Running the test again.", "Let me rerun it.", "Does it find the template now?"]),
            ctx.runtests(
                rng.choice([label, f"{ctx.app}.tests.{ctx.test_cls}", ctx.app]),
                rng.choice(["", " -v 2", " --parallel 1"]),
            ),
            fail(k),
            1,
            rng.uniform(2, 8),
        )

    attempts = [
        lambda k: [
            Step(
                "Let me create the template where app_directories would look.",
                f"mkdir -p tests/{ctx.app}/templates/{ctx.app} && printf '%s\\n' '<p>{rng.choice(['ok', ctx.stem, 'rendered'])}</p>' > tests/{ctx.app}/templates/{rng.choice(names)}",
                "",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Maybe APP_DIRS is off in the test settings; let me override TEMPLATES.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    f"class {ctx.test_cls}(",
                    f"@override_settings(TEMPLATES=[dict(BACKEND='django.template.backends.django.DjangoTemplates', APP_DIRS={rng.choice(['True', 'False'])}, DIRS=[{rng.choice(_DIRS)}])])\nclass {ctx.test_cls}(",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me check whether the app is even in INSTALLED_APPS for this run.",
                f"cd tests && python runtests.py {ctx.app} -v 3 2>&1 | grep -i 'installed\\|Importing application' | head -{rng.randint(3, 8)}",
                f"Importing application {ctx.app}\nFound {rng.randint(20, 300)} test(s).\n",
            ),
        ],
        lambda k: [
            Step(
                "Let me find every template with that stem in the tree.",
                f"find tests/{ctx.app} tests/templates -name '*{rng.choice([ctx.stem, ctx.view, 'detail'])}*' 2>/dev/null",
                "\n".join(f"tests/{ctx.app}/templates/{x}" for x in rng.sample(names, rng.randint(1, 3))) + "\n",
            ),
        ],
        lambda k: [
            Step(
                "Let me change the view to the name the file actually has.",
                py_edit(
                    f"tests/{ctx.app}/views.py",
                    f"render(request, '{rng.choice(names)}'",
                    f"render(request, '{rng.choice(names)}'",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me ask the engine directly what it resolves.",
                f"cd tests && python -c \"import django; from django.conf import settings; settings.configure(INSTALLED_APPS=['{ctx.app}'], TEMPLATES=[dict(BACKEND='django.template.backends.django.DjangoTemplates', APP_DIRS=True)]); django.setup(); from django.template.loader import get_template; print(get_template('{rng.choice(names)}').origin)\"",
                f"django.template.exceptions.TemplateDoesNotExist: {rng.choice(names)}\n",
                1,
            ),
        ],
        lambda k: [
            Step(
                "Maybe a cached loader keeps the old miss; let me turn off the cached loader.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "APP_DIRS=True",
                    "OPTIONS={'loaders': ['django.template.loaders.filesystem.Loader', 'django.template.loaders.app_directories.Loader']}",
                ),
                "patched\n",
            ),
            run(k),
        ],
    ]
    return churn(ctx, rng, n, run(0), attempts, f"the TemplateDoesNotExist in {ctx.view}")


def csrf_forbidden_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A POST through the test client with CSRF enforced answering 403 however the token is fetched and sent."""
    test = f"test_{ctx.stem}_form_post"
    label = f"{ctx.app}.tests.{ctx.test_cls}.{test}"
    reasons = [
        "CSRF cookie not set.",
        "CSRF token missing.",
        "CSRF token incorrect.",
        "CSRF token from POST has incorrect length.",
        "Origin checking failed - http://testserver does not match any trusted origins.",
        "Referer checking failed - no Referer.",
    ]

    def run(k: int) -> Step:
        out = (
            "Forbidden ("
            + rng.choice(reasons)
            + f"): /{ctx.stem}/{rng.choice(['', 'edit/', 'new/', str(rng.randint(1, 60)) + '/'])}\n"
            + assert_status(ctx, rng, label, 403, rng.choice([200, 302]), rng.randint(40, 500))
        )
        return Step(
            rng.choice(["Running the test again.", "Let me rerun.", "Checking the status now."]),
            ctx.runtests(
                rng.choice([label, f"{ctx.app}.tests.{ctx.test_cls}", f"{ctx.app} csrf_tests"]),
                rng.choice(["", " -v 2", " --parallel 1"]),
            ),
            out,
            1,
            rng.uniform(2, 8),
        )

    attempts = [
        lambda k: [
            Step(
                "Let me fetch the form first and read the csrftoken cookie.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "        response = self.client.post(",
                    f"        self.client.get('/{ctx.stem}/{rng.choice(['', 'new/', 'edit/'])}')\n        token = self.client.cookies['csrftoken'].value\n        response = self.client.post(",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me send the token as a header rather than in the form.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "data)",
                    rng.choice(
                        [
                            "data, HTTP_X_CSRFTOKEN=token)",
                            "data, headers={'X-CSRFToken': token})",
                            "{**data, 'csrfmiddlewaretoken': token})",
                        ]
                    ),
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Maybe the Origin check needs trusted origins.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    f"class {ctx.test_cls}(",
                    f"@override_settings(CSRF_TRUSTED_ORIGINS=['{rng.choice(['http://testserver', 'https://testserver', 'http://localhost'])}'])\nclass {ctx.test_cls}(",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me check whether the template even renders the token.",
                f"grep -rn 'csrf' tests/{ctx.app}/templates/ | head",
                f"tests/{ctx.app}/templates/{ctx.app}/{ctx.stem}_form.html:{rng.randint(2, 9)}:  {{% csrf_token %}}\n",
            ),
        ],
        lambda k: [
            Step(
                "Let me print the cookies and the token I am posting.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "        response = self.client.post(",
                    "        print(dict(self.client.cookies), token)\n        response = self.client.post(",
                ),
                "patched\n",
            ),
            Step(
                "Rerun with the print.",
                ctx.runtests(label),
                f"{{'csrftoken': <Morsel: csrftoken={rng.randrange(16**16):016x}{rng.randrange(16**16):016x}>}} {rng.randrange(16**16):016x}{rng.randrange(16**16):016x}\nForbidden ({rng.choice(reasons)}): /{ctx.stem}/\n"
                + assert_status(ctx, rng, label, 403, 302, rng.randint(40, 500)),
                1,
                rng.uniform(2, 8),
            ),
        ],
        lambda k: [
            Step(
                "Let me look at how the middleware compares the tokens.",
                f"grep -n '_check_token\\|REASON_\\|def process_view' django/middleware/csrf.py | head -{rng.randint(8, 14)}",
                f'{rng.randint(40, 50)}:REASON_BAD_ORIGIN = "Origin checking failed - %s does not match any trusted origins."\n{rng.randint(51, 60)}:REASON_NO_CSRF_COOKIE = "CSRF cookie not set."\n{rng.randint(400, 420)}:    def _check_token(self, request):\n{rng.randint(430, 460)}:    def process_view(self, request, callback, callback_args, callback_kwargs):\n',
            ),
        ],
        lambda k: [
            Step(
                "Maybe the client should not enforce checks while I debug; toggling enforce_csrf_checks.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "Client(enforce_csrf_checks=True)",
                    rng.choice(
                        [
                            "Client(enforce_csrf_checks=True, HTTP_REFERER='http://testserver/')",
                            "Client(enforce_csrf_checks=True, HTTP_ORIGIN='http://testserver')",
                            "Client(enforce_csrf_checks=True, secure=True)",
                        ]
                    ),
                ),
                "patched\n",
            ),
            run(k),
        ],
    ]
    return churn(ctx, rng, n, run(0), attempts, "the CSRF 403 on the form POST")


def middleware_order_shuffle(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The new middleware reordered again and again in MIDDLEWARE, each order breaking something else."""
    mw = f"{ctx.app}.middleware.{ctx.cls}Middleware"
    label = f"{ctx.app}.tests.{ctx.test_cls}"
    stack = [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ]
    errors = [
        f"AttributeError: 'WSGIRequest' object has no attribute '{rng.choice(['user', 'session'])}'",
        "django.core.exceptions.ImproperlyConfigured: The Django authentication middleware requires session middleware to be installed. Edit your MIDDLEWARE setting to insert 'django.contrib.sessions.middleware.SessionMiddleware' before 'django.contrib.auth.middleware.AuthenticationMiddleware'.",
        "django.contrib.messages.api.MessageFailure: You cannot add messages without installing django.contrib.messages.middleware.MessageMiddleware",
        f"AssertionError: '{rng.choice(['X-' + ctx.cls, 'Vary', 'Cache-Control'])}' not found in <HttpResponse status_code=200, \"text/html; charset=utf-8\">",
        f"AssertionError: {rng.choice([301, 302, 304])} != 200",
    ]

    def run(k: int) -> Step:
        err = rng.choice(errors)
        out = runtests_output(
            ctx,
            rng,
            f"{label}.test_{rng.choice(['header_added', 'user_available', 'message_shown', 'order'])}",
            [
                (
                    f"/testbed/tests/{ctx.app}/tests.py",
                    rng.randint(30, 400),
                    rng.choice(["test_header_added", "test_user_available"]),
                    f"response = self.client.get('/{ctx.stem}/')",
                ),
                (
                    f"/testbed/tests/{ctx.app}/middleware.py",
                    rng.randint(8, 60),
                    "__call__",
                    rng.choice(
                        [
                            "if request.user.is_authenticated:",
                            "response = self.get_response(request)",
                            "request.session['seen'] = True",
                        ]
                    ),
                ),
            ],
            err,
            "ERROR" if "Error:" in err.split(" ", 1)[0] or "Improperly" in err or "Failure" in err else "FAIL",
        )
        return Step(
            rng.choice(["Running the tests again.", "Let me rerun with this order.", "Rerunning."]),
            ctx.runtests(
                rng.choice([label, ctx.app, f"{label}.test_header_added"]),
                rng.choice(["", " -v 2", " --parallel 1", " --reverse"]),
            ),
            out,
            1,
            rng.uniform(2, 8),
        )

    def order(k: int) -> str:
        items = [*stack]
        items.insert(rng.randint(0, len(items)), mw)
        return "MIDDLEWARE=[" + ", ".join(f"'{x.rsplit('.', 1)[-1] if x == mw else x}'" for x in items[:4]) + ", ...]"

    attempts = [
        lambda k: [
            Step(
                f"Let me move {ctx.cls}Middleware {rng.choice(['after AuthenticationMiddleware', 'to the top', 'before CommonMiddleware', 'to the end', 'after SessionMiddleware'])}.",
                py_edit(f"tests/{ctx.app}/tests.py", "MIDDLEWARE=[", order(k).split("...")[0]),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me print the order the handler actually loads.",
                'cd tests && python -c "import django; from django.conf import settings; settings.configure(MIDDLEWARE=[...]); django.setup(); from django.test.client import ClientHandler; h = ClientHandler(); h.load_middleware(); print(h._middleware_chain)"',
                f"<function convert_exception_to_response.<locals>.inner at 0x7f{rng.randrange(16**10):010x}>\n",
            )
        ],
        lambda k: [
            Step(
                "Let me convert the middleware to the new-style __call__ in case process_response is skipped.",
                py_edit(
                    f"tests/{ctx.app}/middleware.py",
                    "class ",
                    "from django.utils.deprecation import MiddlewareMixin\n\n\nclass ",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Maybe the session app is missing from INSTALLED_APPS in this test run.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "@override_settings(",
                    f"@modify_settings(INSTALLED_APPS={{'append': '{rng.choice(['django.contrib.sessions', 'django.contrib.messages', 'django.contrib.auth'])}'}})\n@override_settings(",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me read the middleware I wrote again.",
                f"sed -n '1,{rng.randint(25, 45)}p' tests/{ctx.app}/middleware.py",
                f"class {ctx.cls}Middleware:\n    def __init__(self, get_response):\n        self.get_response = get_response\n\n    def __call__(self, request):\n        if request.user.is_authenticated:\n            request.session['seen'] = True\n        response = self.get_response(request)\n        response['X-{ctx.cls}'] = '1'\n        return response\n",
            )
        ],
        lambda k: [
            Step(
                "Let me use modify_settings to insert it relative to the others instead.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "@override_settings(MIDDLEWARE=",
                    f"@modify_settings(MIDDLEWARE={{'{rng.choice(['append', 'prepend'])}': '{mw}'}})\n@override_settings(MIDDLEWARE=",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me check the middleware docs for the required ordering.",
                f"grep -n -i 'before\\|after' docs/ref/middleware.txt | sed -n '{rng.randint(1, 20)},+8p'",
                f"{rng.randint(500, 560)}:#. :class:`~django.contrib.sessions.middleware.SessionMiddleware`\n{rng.randint(561, 600)}:   Before any middleware that may raise an exception to trigger an error\n{rng.randint(601, 640)}:   After ``SessionMiddleware``: uses session storage.\n",
            )
        ],
    ]
    return churn(ctx, rng, n, run(0), attempts, f"the order of {ctx.cls}Middleware in MIDDLEWARE")
