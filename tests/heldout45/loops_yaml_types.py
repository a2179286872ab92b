# ruff: noqa: E501
"""A YAML loop: implicit typing that keeps turning strings into booleans and numbers."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout45.text import Ctx, Format, churn, flags, py_edit, test_step

YAML = Format(
    "yaml",
    "PyYAML",
    "yaml",
    ("5.4.1", "6.0", "6.0.1"),
    "name: example\ncountry: NO\nversion: 1.10\nmode: 0755\nwindow: 1:30\nenabled: yes\ncolor: !!python/tuple [0, 255, 0]",
)


_WORDS = [("NO", "False"), ("no", "False"), ("ON", "True"), ("off", "False"), ("Y", "True"), ("yes", "True")]


_NUMS = [
    ("1.10", "1.1"),
    ("3.20", "3.2"),
    ("0755", "493"),
    ("0644", "420"),
    ("1:30", "90"),
    ("2:05", "125"),
    ("012", "10"),
]


def _typed(rng: random.Random) -> str:
    """An assertion showing a YAML 1.1 implicit type where a string was written."""
    if rng.random() < 0.5:
        word, typed = rng.choice(_WORDS)
        return f"AssertionError: assert {typed} == '{word}'"
    text, typed = rng.choice(_NUMS)
    return f"AssertionError: assert {typed} == '{text}'"


def yaml_implicit_typing_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Country codes, versions, modes and times come back as booleans and numbers; every fix breaks another case."""
    t, src = ctx.test_file, ctx.source
    rt, bools, vers = f"test_{ctx.stem}_roundtrip", f"test_{ctx.stem}_booleans", f"test_{ctx.stem}_versions"
    loaded = f"{ctx.func}(text)[key] == expected"
    first = [
        test_step(
            ctx, rng, f"Now let me run the tests for {ctx.stem} with my change.", [(rt, _typed(rng))], code=loaded
        ),
        Step(
            "The string came back as a different type. Let me see what PyYAML makes of the value by itself.",
            "python -c \"import yaml; print(yaml.safe_load('country: NO\\nversion: 1.10\\nmode: 0755'))\"",
            "{'country': False, 'version': 1.1, 'mode': 493}",
        ),
    ]

    def default_style(k: int) -> list[Step]:
        style = rng.choice(['"', "'"])
        return [
            Step(
                "If every scalar is quoted on dump the round trip should keep them as strings.",
                py_edit(src, "yaml.safe_dump(data,", f"yaml.safe_dump(data, default_style={style!r},"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun the round-trip test.",
                [
                    (
                        rt,
                        f"AssertionError: assert {(style + 'name' + style + ': ' + style + 'exa')!r}...{(style + '1.10' + style)!r} == 'name: exa...version: 1.10'\n  Full diff:\n  - name: example\n  + {style}name{style}: {style}example{style}\n  - version: 1.10\n  + {style}version{style}: {style}1.10{style}",
                    )
                ],
                f"{t}::{rt}",
                flags(rng, ctx),
                code=f"{ctx.func}(data) == expected_text",
            ),
        ]

    def strip_bools(k: int) -> list[Step]:
        return [
            Step(
                "Let me make a loader that has no implicit resolver for booleans at all, so NO stays a string.",
                py_edit(
                    src,
                    "class _Loader(yaml.SafeLoader):\n    pass",
                    "class _Loader(yaml.SafeLoader):\n    yaml_implicit_resolvers = {\n        key: [r for r in rs if r[0] != 'tag:yaml.org,2002:bool']\n        for key, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()\n    }",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module again.",
                [
                    (bools, f"AssertionError: assert '{rng.choice(['true', 'yes', 'True', 'on'])}' is True"),
                    *([(rt, _typed(rng))] if k % 2 else []),
                ],
                extra=flags(rng, ctx),
                code=f"{ctx.func}(text)['enabled'] is True",
            ),
        ]

    def only_true_false(k: int) -> list[Step]:
        return [
            Step(
                "Booleans must still work for true/false. I'll register a YAML 1.2 style resolver that only knows true and false.",
                py_edit(
                    src,
                    "# implicit resolvers",
                    "_Loader.add_implicit_resolver(\n    'tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'), list('tTfF'))\n# implicit resolvers",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "And the tests again.",
                [
                    (rng.choice([rt, vers]), _typed(rng)),
                    *(
                        [
                            (
                                f"test_{ctx.stem}_defaults",
                                f"AssertionError: assert 'off' is False\n +  where 'off' = {ctx.func}(text)['cache']",
                            )
                        ]
                        if rng.random() < 0.6
                        else []
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def base_loader(k: int) -> list[Step]:
        num = rng.choice(["3", "2.5", "10", "0.25", "1024"])
        return [
            Step(
                "BaseLoader resolves nothing implicitly; let me load with that and cast what needs casting.",
                py_edit(src, "Loader=_Loader", "Loader=yaml.BaseLoader", None),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Check the module.",
                [
                    (
                        f"test_{ctx.stem}_{rng.choice(['numbers', 'nested', 'defaults'])}",
                        f"AssertionError: assert '{num}' == {num}",
                    ),
                    (bools, "AssertionError: assert 'true' is True"),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def regex_quote(k: int) -> list[Step]:
        line, col = rng.randint(3, 40), rng.randint(8, 20)
        return [
            Step(
                "Another idea: quote the ambiguous bare scalars in the text before handing it to the loader.",
                py_edit(
                    src,
                    "return yaml.load(text, Loader=_Loader)",
                    "text = re.sub(r':\\s+([0-9:.]+|[YyNn]o?|[Oo]n|[Oo]ff)\\s*$', r\": '\\1'\", text, flags=re.M)\n    return yaml.load(text, Loader=_Loader)",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        rt,
                        f"yaml.scanner.ScannerError: mapping values are not allowed here\n  in \"<unicode string>\", line {line}, column {col}:\n    window: '1':30'\n    {' ' * col}^",
                    ),
                    *([(vers, _typed(rng))] if k % 3 == 0 else []),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def ruamel(k: int) -> list[Step]:
        v = rng.choice(["0.17.21", "0.17.32", "0.18.5"])
        return [
            Step(
                "ruamel.yaml speaks YAML 1.2, where NO is just a string. Let me see if it is available.",
                rng.choice(
                    ["pip install ruamel.yaml 2>&1 | tail -2", "pip install -q 'ruamel.yaml<0.19' 2>&1 | tail -2"]
                ),
                f"Successfully installed ruamel.yaml-{v} ruamel.yaml.clib-0.2.{rng.randint(6, 8)}\n",
                seconds=rng.uniform(3, 14),
            ),
            Step(
                "Switch the loader to ruamel's safe loader.",
                py_edit(src, "return yaml.load(text, Loader=_Loader)", "return YAML(typ='safe', pure=True).load(text)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the module with ruamel.",
                [
                    (
                        vers,
                        rng.choice(["AssertionError: assert 1.1 == '1.10'", "AssertionError: assert 3.2 == '3.20'"]),
                    ),
                    (
                        f"test_{ctx.stem}_{rng.choice(['octal', 'modes'])}",
                        f"AssertionError: assert {rng.choice(['755', '644'])} == '0{rng.choice(['755', '644'])}'",
                    ),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def post_fix(k: int) -> list[Step]:
        return [
            Step(
                "Maybe convert back after loading: any bool whose source text was not true/false becomes the original string.",
                py_edit(
                    src,
                    "    return data\n",
                    "    for key, value in list(data.items()):\n        if isinstance(value, bool) and raw[key] not in ('true', 'false'):\n            data[key] = raw[key]\n    return data\n",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run the tests.",
                [
                    (
                        rng.choice([rt, f"test_{ctx.stem}_nested"]),
                        rng.choice(
                            [
                                f"KeyError: '{rng.choice(['country', 'region', 'locale'])}'",
                                "TypeError: list indices must be integers or slices, not str",
                                "NameError: name 'raw' is not defined",
                            ]
                        ),
                    ),
                    *([(vers, _typed(rng))] if rng.random() < 0.5 else []),
                ],
                extra=flags(rng, ctx),
            ),
        ]

    def check(k: int) -> list[Step]:
        word, typed = rng.choice(_WORDS)
        return [
            Step(
                "Let me check by hand what the current loader does with the awkward values.",
                f"python -c \"from {ctx.dotted} import {ctx.func}; print({ctx.func}('a: {word}\\nb: 1.10\\nc: 0{rng.randint(600, 777)}'))\"",
                rng.choice(
                    [
                        f"{{'a': {typed}, 'b': 1.1, 'c': '0{rng.randint(600, 777)}'}}",
                        f"{{'a': '{word}', 'b': 1.1, 'c': {rng.randint(384, 511)}}}",
                    ]
                ),
            )
        ]

    def extra_look() -> Step:
        return Step(
            "Let me see which implicit resolvers the loader has for the first characters involved.",
            "python -c \"import yaml; r = yaml.SafeLoader.yaml_implicit_resolvers; print(sorted(k for k in r if k in 'NnOoYy0123456789.'))\"",
            "['.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'N', 'O', 'Y', 'n', 'o', 'y']",
        )

    return churn(
        ctx,
        rng,
        n,
        first,
        [default_style, strip_bools, only_true_false, base_loader, regex_quote, ruamel, post_fix, check],
        "YAML turning strings into booleans and numbers",
        YAML,
        [extra_look],
    )
