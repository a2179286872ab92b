# ruff: noqa: E501
"""Loops of routing: reverse() never matching, 405s that stay, a test URLconf never used, settings never configured."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout38.text import Ctx, assert_status, churn, py_edit, runtests_output

_METHODS = ('"GET", "POST"', '"POST"', '"GET", "HEAD", "POST"')


def _label(ctx: Ctx, rng: random.Random, test: str) -> str:
    return rng.choice([f"{ctx.app}.tests.{ctx.test_cls}.{test}", f"{ctx.app}.tests.{ctx.test_cls}", ctx.app])


def noreversematch_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """reverse() of the new view never matching, whatever the pattern, name, namespace or arguments."""
    test = f"test_{ctx.stem}_url"
    tried = [f"{ctx.stem}/<int:pk>/", f"{ctx.stem}/(?P<slug>[-\\w]+)/$", f"^{ctx.stem}/(?P<pk>[0-9]+)/\\Z"]

    def fail(k: int, args: str) -> str:
        count = rng.randint(1, 3)
        patterns = ", ".join(f"'{p}'" for p in rng.sample(tried, count))
        ns = rng.choice(["", f"{ctx.app}:", "ns:", "included_namespace_urls:"])
        err = rng.choice(
            [
                f"django.urls.exceptions.NoReverseMatch: Reverse for '{ctx.url_name}' with arguments '{args}' not found. {count} pattern(s) tried: [{patterns}]",
                f"django.urls.exceptions.NoReverseMatch: Reverse for '{ctx.url_name}' not found. '{ctx.url_name}' is not a valid view function or pattern name.",
                f"django.urls.exceptions.NoReverseMatch: '{ns.rstrip(':') or 'ns'}' is not a registered namespace",
                f"django.urls.exceptions.NoReverseMatch: Reverse for '{ctx.url_name}' with keyword arguments '{{'pk': {rng.randint(1, 40)}}}' not found. {count} pattern(s) tried: [{patterns}]",
            ]
        )
        line = rng.randint(30, 420)
        return runtests_output(
            ctx,
            rng,
            f"{ctx.app}.tests.{ctx.test_cls}.{test}",
            [
                (f"/testbed/tests/{ctx.app}/tests.py", line, test, f"url = reverse('{ns}{ctx.url_name}', args={args})"),
                (
                    "/testbed/django/urls/base.py",
                    rng.choice([88, 86, 93]),
                    "reverse",
                    "return resolver._reverse_with_prefix(view, prefix, *args, **kwargs)",
                ),
                (
                    "/testbed/django/urls/resolvers.py",
                    rng.randint(760, 840),
                    "_reverse_with_prefix",
                    "raise NoReverseMatch(msg)",
                ),
            ],
            err,
        )

    def run(k: int) -> Step:
        args = rng.choice(["(1,)", "('1',)", f"({rng.randint(2, 99)},)", "('abc',)", "()"])
        return Step(
            "Let me run the test again.",
            ctx.runtests(
                _label(ctx, rng, test), rng.choice(["", " --verbosity 2", " --parallel 1", " -v 2 --noinput"])
            ),
            fail(k, args),
            1,
            rng.uniform(2, 9),
        )

    attempts = [
        lambda k: [
            Step(
                "Maybe the converter is the issue; switching the path to re_path with a named group.",
                py_edit(
                    f"tests/{ctx.app}/urls.py",
                    f"path('{ctx.stem}/<int:pk>/'",
                    f"re_path(r'^{ctx.stem}/(?P<pk>[0-9]+)/$'",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Perhaps the name needs the app namespace; adding app_name to the URLconf.",
                f"sed -i '1a app_name = \"{rng.choice([ctx.app, 'ns', 'testapp'])}\"' tests/{ctx.app}/urls.py && head -4 tests/{ctx.app}/urls.py",
                f'from django.urls import path, re_path\napp_name = "{ctx.app}"\n\nfrom . import views\n',
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me pass kwargs instead of args to reverse().",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "args=(1,)",
                    rng.choice(["kwargs={'pk': 1}", "kwargs=dict(pk=1)", "args=[1]"]),
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me see which patterns the resolver actually knows about.",
                f"cd tests && python -c \"import django; from django.conf import settings; settings.configure(ROOT_URLCONF='{ctx.app}.urls'); django.setup(); from django.urls import get_resolver; print(sorted(k for k in get_resolver().reverse_dict.keys() if isinstance(k, str))[:{rng.randint(6, 12)}])\"",
                f"['empty-view', 'plain', '{ctx.url_name}-slug', 'named-optional', 'nested-{rng.randint(1, 9)}']\n",
            ),
            Step(
                "The name is missing from reverse_dict. Let me grep where it is registered.",
                f'grep -rn "{ctx.url_name}" tests/{ctx.app}/ {ctx.source} | head',
                f"tests/{ctx.app}/urls.py:{rng.randint(6, 30)}:    path('{ctx.stem}/<int:pk>/', views.{ctx.view}, name='{ctx.url_name}'),\ntests/{ctx.app}/tests.py:{rng.randint(40, 400)}:        url = reverse('{ctx.url_name}', args=(1,))\n",
            ),
        ],
        lambda k: [
            Step(
                "Maybe the include() in the root urls drops it; let me add the include with a namespace.",
                py_edit(
                    f"tests/{ctx.app}/{rng.choice(['urls.py', 'namespace_urls.py', 'included_urls.py'])}",
                    "urlpatterns = [",
                    f"urlpatterns = [\n    path('{rng.choice(['inc', 'ns', 'app'])}/', include(('{ctx.app}.urls', '{ctx.app}'), namespace='{rng.choice([ctx.app, 'ns'])}')),",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me clear any cached resolver in the test with clear_url_caches and retry.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "    def setUp(self):",
                    "    def setUp(self):\n        clear_url_caches()",
                ),
                "patched\n",
            ),
            run(k),
        ],
    ]
    first = Step(
        "Now let me run the new test for the URL.",
        ctx.runtests(f"{ctx.app}.tests.{ctx.test_cls}.{test}"),
        fail(0, "(1,)"),
        1,
        3.4,
    )
    return churn(ctx, rng, n, first, attempts, f"the NoReverseMatch for '{ctx.url_name}'")


def method_not_allowed_juggling(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A POST to the view answering 405 (then 301s, 403s) however the view's allowed methods are written."""
    test = f"test_post_{ctx.stem}"
    label = f"{ctx.app}.tests.{ctx.test_cls}.{test}"

    def run(k: int) -> Step:
        got = rng.choice([405, 405, 405, 301, 403, 404])
        out = assert_status(ctx, rng, label, got, rng.choice([200, 302]), rng.randint(40, 500))
        if rng.random() < 0.5:
            out = f"Method Not Allowed (POST): /{ctx.stem}/{rng.randint(1, 30)}/\n" + out
        return Step(
            rng.choice(["Running the test again.", "Let me rerun.", "Let me see if that changed the status."]),
            ctx.runtests(
                rng.choice([label, f"{ctx.app}.tests.{ctx.test_cls}", f"{ctx.app} -k post"]),
                rng.choice(["", " -v 2", " --parallel 1"]),
            ),
            out,
            1,
            rng.uniform(2, 8),
        )

    attempts = [
        lambda k: [
            Step(
                "The class-based view probably lacks post in http_method_names.",
                py_edit(
                    f"tests/{ctx.app}/views.py",
                    "http_method_names = ['get'",
                    rng.choice(
                        [
                            "http_method_names = ['get', 'post'",
                            "http_method_names = ['get', 'post', 'head'",
                            "http_method_names = ['post', 'get'",
                        ]
                    ),
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me use the require_http_methods decorator on the function view instead.",
                py_edit(
                    f"tests/{ctx.app}/views.py",
                    f"def {ctx.view}(request",
                    f"@require_http_methods([{rng.choice(_METHODS)}])\ndef {ctx.view}(request",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Maybe APPEND_SLASH redirects the POST; let me post to the URL with the trailing slash.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    f"self.client.post('/{ctx.stem}/1'",
                    f"self.client.post('/{ctx.stem}/1/'",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me follow redirects in the client and print the chain.",
                py_edit(
                    f"tests/{ctx.app}/tests.py", "data)", "data, follow=True)\n        print(response.redirect_chain)"
                ),
                "patched\n",
            ),
            Step(
                "Rerunning to see the chain.",
                ctx.runtests(label, " -v 2"),
                f"[('/{ctx.stem}/{rng.randint(1, 9)}/', 301)]\n"
                + assert_status(ctx, rng, label, 405, 200, rng.randint(40, 500)),
                1,
                rng.uniform(2, 8),
            ),
        ],
        lambda k: [
            Step(
                "Let me define post() explicitly on the view class.",
                py_edit(
                    f"tests/{ctx.app}/views.py",
                    "    def get(self, request",
                    "    def post(self, request, *args, **kwargs):\n        return self.get(request, *args, **kwargs)\n\n    def get(self, request",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me check which view the URL resolves to.",
                f"cd tests && python -c \"import django; from django.conf import settings; settings.configure(ROOT_URLCONF='{ctx.app}.urls'); django.setup(); from django.urls import resolve; m = resolve('/{ctx.stem}/{rng.randint(1, 30)}/'); print(m.func, m.url_name)\"",
                f"<function {rng.choice(['RedirectView', 'View', 'TemplateView'])}.as_view.<locals>.view at 0x7f{rng.randrange(16**10):010x}> {rng.choice([ctx.url_name, 'plain', ctx.url_name + '-slug'])}\n",
            ),
        ],
        lambda k: [
            Step(
                "Let me look at how dispatch decides.",
                "grep -n 'http_method_not_allowed\\|def dispatch\\|http_method_names' django/views/generic/base.py",
                f"{rng.randint(36, 40)}:    http_method_names = [\n{rng.randint(128, 140)}:    def dispatch(self, request, *args, **kwargs):\n{rng.randint(141, 150)}:                request.method.lower(), self.http_method_not_allowed\n{rng.randint(151, 160)}:    def http_method_not_allowed(self, request, *args, **kwargs):\n",
            ),
        ],
    ]
    first = run(0)
    return churn(ctx, rng, n, first, attempts, "the 405 on the POST to the view")


def urlconf_override_ignored(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A test URLconf never used: the client keeps 404ing on the root URLconf whatever override is tried."""
    test = f"test_{ctx.stem}_page"
    label = f"{ctx.app}.tests.{ctx.test_cls}.{test}"
    mods = [f"{ctx.app}.urls", f"{ctx.app}.test_urls", f"{ctx.app}.urls_{ctx.stem}", "urls"]

    def run(k: int) -> Step:
        conf = rng.choice(mods)
        out = (
            f"Not Found: /{ctx.stem}/{rng.randint(1, 50)}/\n"
            + assert_status(ctx, rng, label, 404, 200, rng.randint(40, 500))
            + (
                f"\n\nUsing the URLconf defined in {conf}, Django tried these URL patterns, in this order:\n  1. plain/\n  2. {rng.choice(['admin/', 'some/path/', 'included/'])}\n"
                if rng.random() < 0.4
                else ""
            )
        )
        return Step(
            rng.choice(["Rerunning the test.", "Let me run it again.", "Trying the test again."]),
            ctx.runtests(
                rng.choice([label, f"{ctx.app}.tests.{ctx.test_cls}", ctx.app]),
                rng.choice(["", " --parallel 1", " -v 2", " --debug-mode"]),
            ),
            out,
            1,
            rng.uniform(2, 8),
        )

    attempts = [
        lambda k: [
            Step(
                "Let me decorate the test class with override_settings(ROOT_URLCONF=...).",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    f"class {ctx.test_cls}(",
                    f"@override_settings(ROOT_URLCONF='{rng.choice(mods)}')\nclass {ctx.test_cls}(",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Perhaps the class attribute urls is needed (older style).",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    f"class {ctx.test_cls}(SimpleTestCase):",
                    f"class {ctx.test_cls}(SimpleTestCase):\n    urls = '{rng.choice(mods)}'",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Maybe the module path is wrong. Let me check that it imports.",
                f"cd tests && python -c 'import {rng.choice(mods)} as m; print(len(m.urlpatterns))'",
                rng.choice([f"{rng.randint(2, 9)}\n", f"ModuleNotFoundError: No module named '{rng.choice(mods)}'\n"]),
            ),
        ],
        lambda k: [
            Step(
                "Let me move the override onto the method itself.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    f"    def {test}(self):",
                    f"    @override_settings(ROOT_URLCONF='{rng.choice(mods)}')\n    def {test}(self):",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me print the URLconf the request actually used.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "        response = self.client.get(",
                    "        from django.urls import get_urlconf; print('URLCONF', get_urlconf(), settings.ROOT_URLCONF)\n        response = self.client.get(",
                ),
                "patched\n",
            ),
            Step(
                "Rerun to see it.",
                ctx.runtests(label),
                f"URLCONF None {rng.choice(mods)}\nNot Found: /{ctx.stem}/{rng.randint(1, 50)}/\n"
                + assert_status(ctx, rng, label, 404, 200, rng.randint(40, 500)),
                1,
                rng.uniform(2, 8),
            ),
        ],
        lambda k: [
            Step(
                "Maybe the path itself differs; let me list urlpatterns of the test module.",
                f"grep -n 'path(' tests/{ctx.app}/{rng.choice(['urls.py', 'test_urls.py'])}",
                f"{rng.randint(5, 9)}:    path('{ctx.stem}/<int:pk>/', views.{ctx.view}, name='{ctx.url_name}'),\n{rng.randint(10, 14)}:    path('plain/', views.empty_view),\n",
            ),
        ],
        lambda k: [
            Step(
                "Let me set request.urlconf via a middleware in the test instead.",
                py_edit(
                    f"tests/{ctx.app}/tests.py",
                    "@override_settings(",
                    f"@override_settings(MIDDLEWARE=['{ctx.app}.middleware.UrlconfMiddleware'], ",
                ),
                "patched\n",
            ),
            run(k),
        ],
    ]
    return churn(ctx, rng, n, run(0), attempts, "the test URLconf that never gets used")


def settings_never_configured(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A standalone reproduction script never getting past settings and the app registry."""
    script = rng.choice(["repro.py", "reproduce_issue.py", "check_view.py", "test_repro.py"])
    errors = [
        "django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings are not configured. You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() before accessing settings.",
        "django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet.",
        "RuntimeError: Settings already configured.",
        "django.core.exceptions.ImproperlyConfigured: settings.DATABASES is improperly configured. Please supply the ENGINE value. Check settings documentation for more details.",
        "RuntimeError: Model class __main__.Item doesn't declare an explicit app_label and isn't in an application in INSTALLED_APPS.",
        f"ModuleNotFoundError: No module named '{rng.choice(['test_sqlite', 'settings', 'tests.settings'])}'",
        "django.core.exceptions.ImproperlyConfigured: The SECRET_KEY setting must not be empty.",
    ]

    def run(k: int) -> Step:
        line = rng.randint(3, 30)
        err = rng.choice(errors)
        frames = f'Traceback (most recent call last):\n  File "/testbed/{script}", line {line}, in <module>\n    {rng.choice(["from django.test import Client", "django.setup()", "class Item(models.Model):", "settings.configure(DEBUG=True)", "response = Client().get(url)"])}\n  File "/testbed/django/{rng.choice(["conf/__init__.py", "apps/registry.py", "db/models/base.py"])}", line {rng.randint(60, 260)}, in {rng.choice(["_setup", "check_apps_ready", "__new__", "__getattr__"])}\n{err}\n'
        cmd = rng.choice(
            [
                f"python {script}",
                f"DJANGO_SETTINGS_MODULE={rng.choice(['test_sqlite', 'tests.test_sqlite', 'settings'])} python {script}",
                f"cd tests && python ../{script}",
                f"PYTHONPATH=tests python {script}",
            ]
        )
        return Step(
            rng.choice(["Running the script again.", "Let me try it now.", "Rerunning."]),
            cmd,
            frames,
            1,
            rng.uniform(0.4, 2),
        )

    attempts = [
        lambda k: [
            Step(
                "I need settings.configure() before the imports.",
                py_edit(
                    script,
                    "import django\n",
                    f"import django\nfrom django.conf import settings\nsettings.configure(DEBUG=True, SECRET_KEY='x', ROOT_URLCONF=__name__, INSTALLED_APPS=[{rng.choice(['', repr('django.contrib.contenttypes'), repr('django.contrib.auth') + ', ' + repr('django.contrib.contenttypes')])}])\n",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "django.setup() has to be called after configure; adding it.",
                py_edit(script, "ROOT_URLCONF=__name__", "ROOT_URLCONF=__name__)\ndjango.setup(\n"),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me give the model an explicit app_label.",
                py_edit(
                    script,
                    "class Item(models.Model):",
                    f"class Item(models.Model):\n    class Meta:\n        app_label = '{rng.choice(['repro', 'testapp', 'contenttypes'])}'",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me add a sqlite DATABASES entry.",
                py_edit(
                    script,
                    "SECRET_KEY='x'",
                    f"SECRET_KEY='x', DATABASES={{'default': {{'ENGINE': 'django.db.backends.sqlite3', 'NAME': '{rng.choice([':memory:', '/tmp/repro.db', 'db.sqlite3'])}'}}}}",
                ),
                "patched\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Let me see the top of the script as it is now.",
                f"head -{rng.randint(12, 24)} {script}",
                "import django\nfrom django.conf import settings\nfrom django.test import Client\nsettings.configure(DEBUG=True, SECRET_KEY='x', ROOT_URLCONF=__name__)\ndjango.setup()\nfrom django.db import models\nfrom django.urls import path\n",
            )
        ],
        lambda k: [
            Step(
                "Maybe I should use the test settings module from the suite.",
                f"ls tests/*.py | head -{rng.randint(4, 8)}",
                "tests/runtests.py\ntests/test_sqlite.py\ntests/urls.py\n",
            ),
            run(k),
        ],
        lambda k: [
            Step(
                "Moving the Client import below django.setup().",
                py_edit(script, "from django.test import Client\n", ""),
                "patched\n",
            ),
            run(k),
        ],
    ]
    return churn(ctx, rng, n, run(0), attempts, "getting the standalone reproduction past Django's settings")
