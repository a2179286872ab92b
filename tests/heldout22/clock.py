"""Date-dependent tests of each repository: what they assert and what they print when the clock has moved."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class DateTest:
    path: str  # the test file
    name: str
    assertion: str  # the line pytest shows
    render: Callable[[datetime, datetime], tuple[str, str]]  # (got, expected) at a time, against the expectation's time
    fixed: str  # the call with a fixed date passed in
    calls: str  # the function the test exercises
    source: str  # where it lives
    setup: str  # a script's imports and objects, {then} the moment a hand-written expectation was taken
    now_call: str  # the call reading the clock
    fixed_value: str  # what the fixed call returns
    local: bool = True  # the clock is read in the local zone (else in UTC, whatever TZ says)


def _ago(now: datetime, then: datetime) -> str:
    minutes = max(0, int((now - then).total_seconds() // 60))
    if minutes >= 60:
        hours = minutes // 60
        return f"{hours}\xa0hour{'s' if hours != 1 else ''}"
    return f"{minutes}\xa0minute{'s' if minutes != 1 else ''}"


DATE_TESTS = {
    "django": DateTest(
        "tests/utils_tests/test_timesince.py",
        "test_timesince_recent_edit",
        "self.assertEqual(timesince(self.edited), EXPECTED)",
        lambda now, then: (_ago(now, then - timedelta(minutes=3)), _ago(then, then - timedelta(minutes=3))),
        "timesince(edited, now=edited + datetime.timedelta(minutes=3))",
        "django.utils.timesince.timesince",
        "django/utils/timesince.py",
        "import datetime\nfrom django.conf import settings\nsettings.configure(USE_TZ=False)\nfrom django.utils.timesince import timesince\nedited = {then}",
        "timesince(edited)",
        "3\xa0minutes",
    ),
    "astropy": DateTest(
        "astropy/time/tests/test_basic.py",
        "test_now_iso_matches",
        "assert Time.now().iso[:16] == EXPECTED",
        lambda now, then: (now.strftime("%Y-%m-%d %H:%M"), then.strftime("%Y-%m-%d %H:%M")),
        "Time(datetime(2020, 1, 15, 12, 0), scale='utc').iso[:16]",
        "astropy.time.Time.now",
        "astropy/time/core.py",
        "from datetime import datetime\nfrom astropy.time import Time",
        "Time.now().iso[:16]",
        "2020-01-15 12:00",
        local=False,
    ),
    "matplotlib": DateTest(
        "lib/matplotlib/tests/test_dates.py",
        "test_concise_formatter_today",
        "assert formatter.format_ticks(locator())[0] == EXPECTED",
        lambda now, then: (now.strftime("%H:%M"), then.strftime("%H:%M")),
        "mdates.num2date(mdates.date2num(datetime.datetime(2020, 1, 15, 12, 0))).strftime('%H:%M')",
        "matplotlib.dates.ConciseDateFormatter",
        "lib/matplotlib/dates.py",
        "import datetime\nimport matplotlib.dates as mdates",
        "mdates.num2date(mdates.date2num(datetime.datetime.now())).strftime('%H:%M')",
        "12:00",
    ),
    "sphinx-doc": DateTest(
        "tests/test_util_i18n.py",
        "test_format_date_default",
        "assert i18n.format_date('%b %d, %Y %H:%M', language='en') == EXPECTED",
        lambda now, then: (now.strftime("%b %d, %Y %H:%M"), then.strftime("%b %d, %Y %H:%M")),
        "i18n.format_date('%b %d, %Y %H:%M', date=datetime.datetime(2020, 1, 15, 12, 0), language='en')",
        "sphinx.util.i18n.format_date",
        "sphinx/util/i18n.py",
        "import datetime\nfrom sphinx.util import i18n",
        "i18n.format_date('%b %d, %Y %H:%M', language='en')",
        "Jan 15, 2020 12:00",
    ),
    "pytest-dev": DateTest(
        "testing/test_junitxml.py",
        "test_timestamp_matches_start",
        "assert node['timestamp'][:16] == EXPECTED",
        lambda now, then: (now.strftime("%Y-%m-%dT%H:%M"), then.strftime("%Y-%m-%dT%H:%M")),
        "datetime(2020, 1, 15, 12, 0).strftime('%Y-%m-%dT%H:%M')",
        "_pytest.junitxml.LogXML",
        "src/_pytest/junitxml.py",
        "from datetime import datetime",
        "datetime.now().strftime('%Y-%m-%dT%H:%M')",
        "2020-01-15T12:00",
    ),
    "pydata": DateTest(
        "xarray/tests/test_coding_times.py",
        "test_encode_now_units",
        "assert units == EXPECTED",
        lambda now, then: (
            now.strftime("seconds since %Y-%m-%d %H:%M:00"),
            then.strftime("seconds since %Y-%m-%d %H:%M:00"),
        ),
        "encode_cf_datetime(np.array([np.datetime64('2020-01-15T12:00')]), units='seconds since 2020-01-15 12:00:00')[1]",
        "xarray.coding.times.encode_cf_datetime",
        "xarray/coding/times.py",
        "import numpy as np\nfrom xarray.coding.times import encode_cf_datetime",
        "encode_cf_datetime(np.array([np.datetime64('now', 'm')]))[1]",
        "seconds since 2020-01-15 12:00:00",
        local=False,
    ),
    "psf": DateTest(
        "tests/test_requests.py",
        "test_max_age_expires_value",
        "assert cookie.expires == EXPECTED",
        lambda now, then: (str(int(now.timestamp()) + 100), str(int(then.timestamp()) + 100)),
        "str(create_cookie('k', 'v', expires=1579089600 + 100).expires)",
        "requests.cookies.morsel_to_cookie",
        "requests/cookies.py",
        "from http.cookies import Morsel\nfrom requests.cookies import create_cookie, morsel_to_cookie\nm = Morsel()\nm.set('k', 'v', 'v')\nm['max-age'] = 100",
        "str(morsel_to_cookie(m).expires)",
        "1579089700",
        local=False,
    ),
    "pallets": DateTest(
        "tests/test_basic.py",
        "test_session_expires_header",
        "assert 'Expires=' + EXPECTED in rv.headers['set-cookie']",
        lambda now, then: (
            (now + timedelta(days=31)).strftime("%a, %d %b %Y %H:%M"),
            (then + timedelta(days=31)).strftime("%a, %d %b %Y %H:%M"),
        ),
        "http_date(datetime(2020, 1, 15, 12, 0, tzinfo=timezone.utc) + app.permanent_session_lifetime)[:22]",
        "flask.sessions.SessionInterface.get_expiration_time",
        "src/flask/sessions.py",
        "from datetime import datetime, timezone\nfrom flask import Flask\nfrom werkzeug.http import http_date\napp = Flask(__name__)",
        "http_date(datetime.now(timezone.utc) + app.permanent_session_lifetime)[:22]",
        "Sun, 16 Feb 2020 12:00",
        local=False,
    ),
}
