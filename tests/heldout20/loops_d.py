"""Loop family: pip's resolver refusing pin after pin."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import Ctx, give_up, vary

_PINS = {
    "django": [
        ("asgiref", "3.2.10", "django", "4.2.7", "asgiref<4,>=3.6.0"),
        ("sqlparse", "0.2.4", "django", "4.2.7", "sqlparse>=0.3.1"),
        ("asgiref", "3.2.10", "channels", "4.0.0", "asgiref<4,>=3.5.0"),
        ("django", "3.0.14", "django-debug-toolbar", "4.2.0", "django>=3.2.4"),
    ],
    "sphinx-doc": [
        ("docutils", "0.17.1", "sphinx", "7.2.6", "docutils<0.21,>=0.18.1"),
        ("jinja2", "2.11.3", "sphinx", "5.3.0", "Jinja2>=3.0"),
        ("markupsafe", "1.1.1", "jinja2", "3.1.3", "MarkupSafe>=2.0"),
        ("pygments", "2.0", "sphinx", "7.2.6", "Pygments>=2.14"),
    ],
    "matplotlib": [
        ("pyparsing", "2.4.7", "matplotlib", "3.7.5", "pyparsing>=2.3.1,<3.1"),
        ("numpy", "1.19.5", "contourpy", "1.2.1", "numpy>=1.20"),
        ("fonttools", "4.17.1", "matplotlib", "3.7.5", "fonttools>=4.22.0"),
    ],
    "pydata": [
        ("numpy", "1.21.6", "pandas", "2.0.3", "numpy>=1.22.4"),
        ("pandas", "1.3.5", "xarray", "2024.1.1", "pandas>=1.5"),
        ("numpy", "1.18.5", "scipy", "1.10.1", "numpy<1.27.0,>=1.19.5"),
    ],
    "pytest-dev": [
        ("pluggy", "0.13.1", "pytest", "7.4.0", "pluggy<2.0,>=0.12"),
        ("pytest", "5.4.3", "pytest-xdist", "3.5.0", "pytest>=6.2.0"),
        ("pytest", "6.2.5", "pytest-asyncio", "0.23.5", "pytest<9,>=7.0.0"),
    ],
    "sympy": [
        ("mpmath", "0.19", "sympy", "1.12", "mpmath<1.4,>=1.1.0"),
        ("numpy", "1.18.5", "scipy", "1.10.1", "numpy<1.27.0,>=1.19.5"),
    ],
    "scikit-learn": [
        ("joblib", "0.11", "scikit-learn", "1.3.2", "joblib>=1.1.1"),
        ("numpy", "1.18.5", "scipy", "1.10.1", "numpy<1.27.0,>=1.19.5"),
        ("scipy", "1.3.2", "scikit-learn", "1.3.2", "scipy>=1.5.0"),
    ],
    "astropy": [
        ("numpy", "1.19.5", "astropy", "5.3.4", "numpy<2,>=1.21"),
        ("pyerfa", "1.7.3", "astropy", "5.3.4", "pyerfa>=2.0"),
        ("pyyaml", "3.12", "astropy", "5.3.4", "PyYAML>=3.13"),
    ],
}
_GENERIC = [
    ("setuptools", "58.0.4", "setuptools-scm", "8.0.4", "setuptools>=61"),
    ("numpy", "1.21.6", "pandas", "2.0.3", "numpy>=1.22.4"),
    ("urllib3", "2.0.7", "botocore", "1.29.165", "urllib3<1.27,>=1.25.4"),
    ("idna", "3.6", "requests", "2.25.1", "idna<3,>=2.5"),
]


_IMPORTS = {"scikit-learn": "sklearn", "setuptools-scm": "setuptools_scm", "pytest-asyncio": "pytest_asyncio"}


def _conflict(a: str, av: str, b: str, bv: str, needs: str) -> str:
    return (
        f"Collecting {a}=={av}\n  Using cached {a}-{av}-py3-none-any.whl\nCollecting {b}=={bv}\n  Using cached {b}-{bv}.tar.gz\n"
        f"INFO: pip is looking at multiple versions of {b} to determine which version is compatible with other requirements. This could take a while.\n"
        f"ERROR: Cannot install {a}=={av} and {b}=={bv} because these package versions have conflicting dependencies.\n\n"
        f"The conflict is caused by:\n    The user requested {a}=={av}\n    {b} {bv} depends on {needs.split(';')[0]}\n\n"
        "To fix this you could try to:\n1. loosen the range of package versions you've specified\n2. remove package versions to allow pip to attempt to solve the dependency conflict\n\n"
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts"
    )


def resolver_conflict(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    known = _PINS.get(ctx.run.owner, _GENERIC)
    pins = rng.sample(known, min(3, len(known)))
    steps: list[Step] = []
    while len(steps) < length - 1:
        a, av, b, bv, needs = rng.choice(pins)
        roll = rng.random()
        if roll < 0.45:
            av2 = f"{av.rsplit('.', 1)[0]}.{int(av.rsplit('.', 1)[1]) + rng.randint(0, 2)}"
            command = vary(
                rng,
                [
                    f"pip install '{a}=={av2}' '{b}=={bv}'",
                    f"pip install {a}=={av2} {b}=={bv} -q",
                    f'python -m pip install "{a}=={av2}" "{b}=={bv}"',
                ],
            )
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            f"The tests need {b} {bv}, but {a} has to stay at {av2} for this code. Let me install both pinned.",
                            f"Let me pin {a} to {av2} together with {b}.",
                            f"Trying {a} {av2} with {b} {bv}.",
                        ],
                    ),
                    command,
                    _conflict(a, av2, b, bv, needs),
                    1,
                    seconds=rng.uniform(4, 20),
                )
            )
        elif roll < 0.65:
            command = vary(
                rng,
                [
                    f"printf '{a}=={av}\\n{b}<={bv}\\n' > /tmp/constraints.txt && pip install -e . -c /tmp/constraints.txt",
                    f"echo '{a}<={av}' > constraints.txt && pip install -c constraints.txt '{b}>={bv}'",
                ],
            )
            out = _conflict(a, av, b, bv, needs).replace("The user requested", "The user requested (constraint)")
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "I'll use a constraints file instead, so pip can pick compatible versions.",
                            "Let me constrain the versions rather than pin them exactly.",
                        ],
                    ),
                    command,
                    out,
                    1,
                    seconds=rng.uniform(5, 25),
                )
            )
        elif roll < 0.8:
            module = _IMPORTS.get(b, b)
            major, minor = bv.split(".")[:2]
            command = f"pip install --no-deps {b}=={bv} && python -c 'import {module}; print({module}.__version__)'"
            needed = needs.split(";")[0]
            out = (
                f"Collecting {b}=={bv}\n  Using cached {b}-{bv}.tar.gz\nInstalling collected packages: {b}\n  Attempting uninstall: {b}\n    Found existing installation: {b} {major}.{max(0, int(minor) - rng.randint(1, 3))}.{rng.randint(0, 3)}\n"
                f'Successfully installed {b}-{bv}\nTraceback (most recent call last):\n  File "<string>", line 1, in <module>\n  File "{ctx.site}/{module}/__init__.py", line {rng.randint(8, 40)}, in <module>\n'
                f'    raise ImportError(f"{b} requires {needed}; you have {a} {{version}}")\nImportError: {b} requires {needed}; you have {a} {av}'
            )
            steps.append(
                Step(
                    f"I'll install {b} without dependencies and keep {a} as it is.",
                    command,
                    out,
                    1,
                    seconds=rng.uniform(3, 10),
                )
            )
        else:
            command = vary(
                rng,
                [
                    f"pip index versions {b} 2>/dev/null | head -3",
                    f"pip show {a} {b} | grep -E 'Name|Version|Requires'",
                    "pip check",
                ],
            )
            if command == "pip check":
                out = f"{b} {bv} has requirement {needs.split(';')[0]}, but you have {a} {av}."
            elif "show" in command:
                out = f"Name: {a}\nVersion: {av}\nRequires: \nName: {b}\nVersion: {rng.randint(0, 5)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}\nRequires: {a}"
            else:
                out = f"{b} ({bv})\nAvailable versions: {bv}, {bv.rsplit('.', 1)[0]}.{max(0, int(bv.rsplit('.', 1)[1]) - 1)}"
            steps.append(
                Step(
                    vary(
                        rng,
                        [
                            "Let me see which versions are available and what they require.",
                            f"What does {b} actually need?",
                            "Let me check the installed versions.",
                        ],
                    ),
                    command,
                    out,
                    1 if command == "pip check" else 0,
                )
            )
    steps[0].thought = "The test suite needs newer dependencies than this environment has. " + steps[0].thought
    return [*steps, give_up(rng, "the dependency conflict")]
