"""Library helpers the agents reach for, per repository, and the names they guess instead.

`Api`: a helper the agent wants; the names it guesses and what python says to each (`wrong`), the
lookups that do not show it (`looks`), the one that does (`found`), and the call that works (`right`).
"""

from __future__ import annotations

from dataclasses import dataclass

from heldout17.libs import TB


@dataclass(frozen=True)
class Api:
    module: str
    setup: str  # the names the calls use
    goal: str
    hint: str  # what the agent greps the sources for
    wrong: tuple[tuple[str, str], ...]
    looks: tuple[tuple[str, str], ...]
    found: tuple[str, str]
    right: tuple[str, str]


APIS = {
    "django": Api(
        "django.utils.text",
        "s = '<p>One <b>two three</b> four five six</p>'",
        "truncate a string to a number of words while keeping HTML tags balanced",
        "trunc",
        (
            (
                "from django.utils.text import truncate_html_words",
                TB
                + "ImportError: cannot import name 'truncate_html_words' from 'django.utils.text' (/testbed/django/utils/text.py)",
            ),
            (
                "from django.utils.text import truncate_words",
                TB
                + "ImportError: cannot import name 'truncate_words' from 'django.utils.text' (/testbed/django/utils/text.py)",
            ),
            (
                "from django.utils.html import truncate_html",
                TB
                + "ImportError: cannot import name 'truncate_html' from 'django.utils.html' (/testbed/django/utils/html.py)",
            ),
            (
                "from django.utils.text import Truncator; Truncator(s).html_words(5)",
                TB + "AttributeError: 'Truncator' object has no attribute 'html_words'",
            ),
            (
                "from django.utils.text import Truncator; Truncator(s).words(5, keep_html=True)",
                TB + "TypeError: words() got an unexpected keyword argument 'keep_html'",
            ),
            (
                "import django.utils.text as t; t.smart_truncate(s, 5)",
                TB + "AttributeError: module 'django.utils.text' has no attribute 'smart_truncate'",
            ),
        ),
        (
            ("import django.utils.html as h; print([n for n in dir(h) if 'trunc' in n.lower()])", "[]"),
            ("import django.utils.text as t; print([n for n in dir(t) if 'word' in n.lower()])", "['_word_re']"),
        ),
        (
            "from django.utils.text import Truncator; help(Truncator.words)",
            "Help on function words in module django.utils.text:\n\nwords(self, num, truncate=None, html=False)\n    Truncate a string after a certain number of words. `truncate` specifies\n    what should be used to notify that the string has been truncated,\n    defaulting to ellipsis.",
        ),
        (
            "from django.utils.text import Truncator; print(Truncator(s).words(5, html=True))",
            "<p>One <b>two three</b> four five…</p>",
        ),
    ),
    "sympy": Api(
        "sympy",
        "from sympy import symbols, Symbol; x, y, a, b = symbols('x y a b'); expr = x*a + y - b",
        "list an expression's free symbols in a canonical order",
        "sort",
        (
            (
                "print(expr.free_symbols_sorted)",
                TB + "AttributeError: 'Add' object has no attribute 'free_symbols_sorted'",
            ),
            (
                "from sympy import sorted_symbols",
                TB + "ImportError: cannot import name 'sorted_symbols' from 'sympy' (/testbed/sympy/__init__.py)",
            ),
            (
                "print(expr.atoms(Symbol, sort=True))",
                TB + "TypeError: atoms() got an unexpected keyword argument 'sort'",
            ),
            (
                "from sympy.utilities.iterables import sort_symbols",
                TB
                + "ImportError: cannot import name 'sort_symbols' from 'sympy.utilities.iterables' (/testbed/sympy/utilities/iterables.py)",
            ),
            ("print(expr.ordered_symbols())", TB + "AttributeError: 'Add' object has no attribute 'ordered_symbols'"),
        ),
        (
            ("import sympy; print([n for n in dir(sympy) if 'sort' in n.lower()])", "[]"),
            ("import sympy; print([n for n in dir(sympy.Basic) if 'symbol' in n.lower()])", "['free_symbols']"),
        ),
        ("import sympy; print([n for n in dir(sympy) if 'order' in n.lower()])", "['O', 'Order', 'ordered']"),
        ("from sympy import ordered; print(list(ordered(expr.free_symbols)))", "[a, b, x, y]"),
    ),
    "matplotlib": Api(
        "matplotlib",
        "import matplotlib",
        "look up a registered colormap by name",
        "cmap",
        (
            (
                "import matplotlib.cm as cm; cm.get_cmap('viridis')",
                TB + "AttributeError: module 'matplotlib.cm' has no attribute 'get_cmap'",
            ),
            (
                "import matplotlib.cm as cm; cm.registry['viridis']",
                TB + "AttributeError: module 'matplotlib.cm' has no attribute 'registry'",
            ),
            (
                "import matplotlib.colors as c; c.get_colormap('viridis')",
                TB + "AttributeError: module 'matplotlib.colors' has no attribute 'get_colormap'",
            ),
            (
                "import matplotlib.pyplot as plt; plt.colormaps.get_cmap('viridis', lut=8)",
                TB + "TypeError: ColormapRegistry.get_cmap() got an unexpected keyword argument 'lut'",
            ),
        ),
        (
            (
                "import matplotlib.cm as cm; print([n for n in dir(cm) if 'cmap' in n.lower()])",
                "['ScalarMappable', '_auto_norm_from_scale', '_colormaps', '_ensure_cmap', '_gen_cmap_registry']",
            ),
        ),
        (
            "import matplotlib; print(type(matplotlib.colormaps), matplotlib.colormaps['viridis'].N)",
            "<class 'matplotlib.cm.ColormapRegistry'> 256",
        ),
        ("import matplotlib; print(matplotlib.colormaps['viridis'].resampled(8).N)", "8"),
    ),
}
APIS["sphinx"] = Api(
    "sphinx.util.docstrings",
    "doc = '    Summary line.\\n\\n    More text.'",
    "split a docstring into lines with its indentation removed",
    "docstring",
    (
        (
            "from sphinx.util.docstrings import parse_docstring",
            TB
            + "ImportError: cannot import name 'parse_docstring' from 'sphinx.util.docstrings' (/testbed/sphinx/util/docstrings.py)",
        ),
        (
            "from sphinx.util.inspect import getdoc_lines",
            TB
            + "ImportError: cannot import name 'getdoc_lines' from 'sphinx.util.inspect' (/testbed/sphinx/util/inspect.py)",
        ),
        (
            "from sphinx.util.docstrings import prepare_docstring; prepare_docstring(doc, tab_width=4)",
            TB + "TypeError: prepare_docstring() got an unexpected keyword argument 'tab_width'",
        ),
        (
            "import sphinx.util.docstrings as d; d.dedent_docstring(doc)",
            TB + "AttributeError: module 'sphinx.util.docstrings' has no attribute 'dedent_docstring'",
        ),
    ),
    (("import sphinx.util.inspect as i; print([n for n in dir(i) if 'doc' in n.lower()])", "['getdoc']"),),
    (
        "import sphinx.util.docstrings as d; print([n for n in dir(d) if not n.startswith('_')])",
        "['Dict', 'List', 'RemovedInSphinx50Warning', 'StringList', 'docutils', 'extract_metadata', 'field_list_item_re', 'prepare_commentdoc', 'prepare_docstring', 're', 'separate_metadata', 'sys', 'warnings']",
    ),
    (
        "from sphinx.util.docstrings import prepare_docstring; print(prepare_docstring(doc, tabsize=4))",
        "['Summary line.', '', 'More text.', '']",
    ),
)
for _name in ("astropy", "scikit-learn", "xarray", "seaborn"):
    APIS[_name] = Api(
        "numpy",
        "import numpy as np; a = np.arange(6)",
        "take overlapping windows over an array without copying",
        "window",
        (
            ("np.sliding_window(a, 3)", TB + "AttributeError: module 'numpy' has no attribute 'sliding_window'"),
            (
                "np.lib.sliding_window_view(a, 3)",
                TB + "AttributeError: module 'numpy.lib' has no attribute 'sliding_window_view'",
            ),
            ("np.rolling(a, 3)", TB + "AttributeError: module 'numpy' has no attribute 'rolling'"),
            (
                "np.lib.stride_tricks.as_strided(a, window=3)",
                TB + "TypeError: as_strided() got an unexpected keyword argument 'window'",
            ),
            ("np.windows(a, 3)", TB + "AttributeError: module 'numpy' has no attribute 'windows'"),
        ),
        (("import numpy as np; print([n for n in dir(np) if 'window' in n.lower()])", "[]"),),
        (
            "import numpy as np; print([n for n in dir(np.lib.stride_tricks) if not n.startswith('_')])",
            "['DummyArray', 'as_strided', 'broadcast_arrays', 'broadcast_shapes', 'broadcast_to', 'normalize_axis_tuple', 'np', 'sliding_window_view']",
        ),
        (
            "from numpy.lib.stride_tricks import sliding_window_view; print(sliding_window_view(a, 3))",
            "[[0 1 2]\n [1 2 3]\n [2 3 4]\n [3 4 5]]",
        ),
    )
for _name in ("requests", "pylint", "flask", "pytest"):
    APIS[_name] = Api(
        "urllib.parse",
        "url = 'http://example.com/api?a=1'; params = dict(b=2, c=3)",
        "append query parameters to a URL that may already have some",
        "query",
        (
            (
                "from urllib.parse import add_query_params",
                TB + "ImportError: cannot import name 'add_query_params' from 'urllib.parse' (@LIB/urllib/parse.py)",
            ),
            (
                "import urllib.parse as p; p.urljoin_params(url, params)",
                TB + "AttributeError: module 'urllib.parse' has no attribute 'urljoin_params'",
            ),
            (
                "import urllib.parse as p; p.urlencode(params, append_to=url)",
                TB + "TypeError: urlencode() got an unexpected keyword argument 'append_to'",
            ),
            (
                "import urllib.parse as p; p.urlparse(url).add_query(params)",
                TB + "AttributeError: 'ParseResult' object has no attribute 'add_query'",
            ),
        ),
        (("import urllib.parse as p; print([n for n in dir(p) if 'query' in n.lower()])", "[]"),),
        (
            "import urllib.parse as p; print([n for n in dir(p.ParseResult) if not n.startswith('_')])",
            "['count', 'fragment', 'geturl', 'hostname', 'index', 'netloc', 'params', 'password', 'path', 'port', 'query', 'scheme', 'username']",
        ),
        (
            "import urllib.parse as p; u = p.urlparse(url); print(u._replace(query=p.urlencode(p.parse_qsl(u.query) + list(params.items()))).geturl())",
            "http://example.com/api?a=1&b=2&c=3",
        ),
    )
