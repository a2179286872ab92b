"""The dev set's real runs and what a spliced episode needs to know about each one's repository.

Everything an episode names (the module the agent was reading, functions it saw, the interpreter,
pytest's header) is read from the run it is spliced into, so the episode talks about that run's code.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from regulator.traces.format import Label, TraceCall, iter_trace, read_labels

DEV = Path("/work/shared/traces/dev")


@dataclass(frozen=True)
class Run:
    session: str
    calls: list[TraceCall]
    label: Label

    @property
    def openrouter(self) -> bool:
        return all(str(call.response.get("id", "")).startswith("gen-") for call in self.calls)


def load_runs() -> dict[str, Run]:
    """The real runs (spliced dev sessions carry a `#` in their id), by session id."""
    labels = read_labels(DEV / "labels.jsonl")
    calls: dict[str, list[TraceCall]] = defaultdict(list)
    for call in iter_trace([DEV / "calls.jsonl.gz"]):
        if "#" not in call.session:
            calls[call.session].append(call)
    return {session: Run(session, found, labels[session]) for session, found in calls.items()}


# repository (the id's prefix) -> (where its package lives, its import name)
PACKAGES = {
    "django": ("django", "django"),
    "sympy": ("sympy", "sympy"),
    "astropy": ("astropy", "astropy"),
    "matplotlib": ("lib/matplotlib", "matplotlib"),
    "pydata": ("xarray", "xarray"),
    "scikit-learn": ("sklearn", "sklearn"),
    "sphinx-doc": ("sphinx", "sphinx"),
    "pytest-dev": ("src/_pytest", "_pytest"),
    "psf": ("requests", "requests"),
    "pallets": ("src/flask", "flask"),
    "pylint-dev": ("pylint", "pylint"),
    "mwaskom": ("seaborn", "seaborn"),
}

# Used only when a run shows fewer than two of its package's functions: real functions of each package.
FALLBACK: dict[str, tuple[str, tuple[str, ...]]] = {
    "django": ("django/utils/text.py", ("def get_valid_filename(s):", "def capfirst(x):")),
    "sympy": ("sympy/core/sympify.py", ("def kernS(s):", "def _sympify(a):")),
    "astropy": ("astropy/utils/misc.py", ("def isiterable(obj):", "def indent(s, shift=1, width=4):")),
    "matplotlib": ("lib/matplotlib/colors.py", ("def to_hex(c, keep_alpha=False):", "def is_color_like(c):")),
    "pydata": ("xarray/core/utils.py", ("def is_dict_like(value: Any) -> bool:", "def is_scalar(value: Any) -> bool:")),
    "scikit-learn": (
        "sklearn/utils/validation.py",
        ("def column_or_1d(y, warn=False):", "def check_consistent_length(*arrays):"),
    ),
    "sphinx-doc": (
        "sphinx/util/inspect.py",
        ("def isclassmethod(obj: Any) -> bool:", "def safe_getattr(obj: Any, name: str, *defargs: Any) -> Any:"),
    ),
    "pytest-dev": ("src/_pytest/compat.py", ("def get_real_func(obj):", "def getlocation(function, curdir=None):")),
    "psf": ("requests/utils.py", ("def requote_uri(uri):", "def unquote_unreserved(uri):")),
    "pallets": (
        "src/flask/helpers.py",
        ("def get_debug_flag() -> bool:", "def get_load_dotenv(default: bool = True) -> bool:"),
    ),
    "pylint-dev": (
        "pylint/utils/utils.py",
        ('def decoding_stream(stream, encoding, errors="strict"):', "def register_plugins(linter, directory):"),
    ),
    "mwaskom": ("seaborn/utils.py", ("def desaturate(color, prop):", "def get_color_cycle():")),
}

FULL_PYTHON = {"3.5": "3.5.6", "3.6": "3.6.13", "3.7": "3.7.16", "3.8": "3.8.20", "3.9": "3.9.20"}
FULL_PYTHON |= {"3.10": "3.10.15", "3.11": "3.11.10"}
STARTS = "============================= test session starts =============================="
_PREFIX = re.compile(r"^(?:\s*\d+\t|:?\d+[:-])")
_DEF = re.compile(r"( *)(?:(class (\w+)\W.*)|(def ([a-z]\w*)\(.*))")


@dataclass(frozen=True)
class Context:
    """What the run shows of its repository and environment."""

    repo: str  # the session id's prefix: django, sympy, pydata, …
    package: str  # the import name
    path: str  # the source file the agent looked at most
    defs: tuple[str, ...]  # first lines (`def name(…`) of functions of one owner the run's outputs show
    owner: str  # their class, "" for module-level functions
    python: str  # 3.9
    header: str | None  # pytest's header as the run printed it, up to `collected`, when it ran pytest
    task: str  # the dev session id
    suite: tuple[str, str] | None  # a test command of the run that passed, and its output

    @property
    def funcs(self) -> tuple[str, ...]:
        return tuple(d[4 : d.index("(")] for d in self.defs)

    @property
    def module(self) -> str:
        dotted = self.path.removeprefix("lib/").removeprefix("src/").removesuffix(".py").replace("/", ".")
        return dotted.removesuffix(".__init__")

    @property
    def site(self) -> str:
        return f"/opt/miniconda3/envs/testbed/lib/python{self.python}"

    @property
    def configfile(self) -> str | None:
        found = re.search(r"(?:configfile|inifile): (\S+)", self.header or "")
        return found.group(1) if found else None

    @property
    def pytest_version(self) -> str:
        found = re.search(r"pytest-([\w.+]+)", self.header or "")
        return found.group(1).rstrip(",") if found else "7.4.0"

    @property
    def hypothesis(self) -> str | None:
        found = re.search(r"hypothesis-([\d.]+)", self.header or "")
        return found.group(1) if found else None


def _python(texts: str, task: str) -> str:
    if found := re.search(r"platform linux -- Python (3\.\d+)\.", texts):
        return found.group(1)
    seen = Counter(re.findall(r"python(3\.\d+)/", texts))
    if seen:
        return str(seen.most_common(1)[0][0])
    if task.startswith("django"):
        number = int(task.split("-")[-1])
        return "3.6" if number < 14000 else "3.8" if number < 15000 else "3.9" if number < 16500 else "3.11"
    return "3.9"


def _header(outputs: list[str]) -> str | None:
    for output in outputs:
        start = output.find(STARTS)
        end = output.find("\ncollect", start)
        if start >= 0 and end > start and "\x1b" not in output:
            return output[start:end]
    return None


def _defs(messages: list[dict[str, str]], where: str) -> dict[tuple[str, str], dict[str, str]]:
    """Functions the outputs show: (source file, class or "") -> name -> its `def` line.

    An output belongs to a file when its command names that file alone, or when grep prefixes its lines with it.
    """
    source = re.compile(rf"(?<![\w/])({re.escape(where)}/(?:\w+/)*[a-z_]\w*\.py)\b")
    written = "\n".join(m["content"] for m in messages if m["role"] == "assistant")
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for asked, answered in pairwise(messages):
        if asked["role"] != "assistant" or answered["role"] != "user":
            continue
        named = {p for p in source.findall(asked["content"].rsplit("```bash", 1)[-1]) if "/tests/" not in p}
        owner, depth = "", -1
        for line in answered["content"].splitlines():
            prefix = source.match(line)
            path = prefix.group(1) if prefix else next(iter(named)) if len(named) == 1 else None
            rest = line[prefix.end() :] if prefix else line
            numbered = _PREFIX.match(rest)
            hit = _DEF.fullmatch(rest[numbered.end() if numbered else 0 :])
            if not path or not hit:
                continue
            indent = len(hit.group(1))
            if hit.group(3):
                owner, depth = hit.group(3), indent
                continue
            name = hit.group(5)
            where_ = "" if indent == 0 else owner if indent == depth + 4 else None
            if where_ is not None and not name.startswith("test") and f"def {name}(" not in written:
                found[(path, where_)].setdefault(name, hit.group(4).rstrip())
    return found


def _suite(messages: list[dict[str, str]]) -> tuple[str, str] | None:
    for asked, answered in pairwise(messages):
        if asked["role"] != "assistant" or answered["role"] != "user":
            continue
        command = re.search(r"```bash\n(.*?)\n```", asked["content"], re.S)
        reply = answered["content"]
        if not command or "\n" in command.group(1) or not reply.startswith("<returncode>0</returncode>\n<output>"):
            continue
        tests = "runtests.py" in command.group(1) or re.match(r"(python -m )?pytest ", command.group(1))
        if tests and len(reply) < 6000 and ("\nOK" in reply or " passed" in reply) and "failed" not in reply:
            return command.group(1), reply.removeprefix("<returncode>0</returncode>\n<output>\n").removesuffix(
                "</output>"
            )
    return None


def context_of(run: Run) -> Context:
    messages = [{"role": str(m["role"]), "content": str(m["content"])} for m in run.calls[-1].messages[2:]]
    repo = run.session.split("__")[0]
    where, package = PACKAGES[repo]
    text = "\n".join(m["content"] for m in messages)
    seen = Counter(re.findall(rf"(?<![\w/])({re.escape(where)}/(?:\w+/)*[a-z_]\w*\.py)\b", text))
    defs = {key: names for key, names in _defs(messages, where).items() if len(names) >= 2}
    (path, owner), found = (FALLBACK[repo][0], ""), FALLBACK[repo][1]
    if defs:
        path, owner = max(defs, key=lambda key: (seen[key[0]], not key[1], len(defs[key]), key))
        found = tuple(defs[(path, owner)].values())
    outputs = [m["content"] for m in messages if m["role"] == "user"]
    python = _python(text, run.session)
    return Context(repo, package, path, found[:6], owner, python, _header(outputs), run.session, _suite(messages))
