# ruff: noqa: E501
"""Loop families on nested trees: merging nested dicts, flattening a tree in pre-order."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout58.text import Attempt, Ctx, Fail, churn, py_edit, test_step

_KEYS = (
    "options",
    "default",
    "handlers",
    "level",
    "paths",
    "extra",
    "filters",
    "format",
    "backends",
    "loggers",
    "env",
    "plugins",
)


def _addr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**8):08x}"


def _dict(rng: random.Random, keys: list[str], depth: int = 2, top: bool = True) -> str:
    """A nested dict literal (a scalar or list below the top), its keys drawn from `keys`."""
    if depth == 0 or (not top and rng.random() < 0.35):
        return rng.choice(["1", "2", "True", "None", "'x'", "[1, 2]", "[3]", "'debug'"])
    picked = rng.sample(keys, rng.randint(1, 3))
    return "{" + ", ".join(f"{k!r}: {_dict(rng, keys, depth - 1, False)}" for k in picked) + "}"


def deep_merge_key_loss(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A nested merge that loses keys, shares or mutates its inputs, or concatenates lists twice, the failing case moving."""
    body = f"def {ctx.tree}(base, override):\n    result = dict(base)\n    for key, value in override.items():\n        if value is None:\n            continue\n        result[key] = value\n    result.update(override)\n    return result\n"
    src, tf = ctx.source, ctx.test_file
    keys = [*_KEYS, *ctx.node_names[:4]]
    cases = ("nested", "lists", "does_not_mutate", "none_overrides", "three_levels", "empty_override")

    def mismatch() -> Fail:
        case = f"test_{ctx.stem}_{rng.choice(cases)}"
        a, b = _dict(rng, keys, 3), _dict(rng, keys, 3)
        diff = rng.choice(
            [
                f"AssertionError: assert {a} == {b}",
                f"AssertionError: assert {a} == {b}\n  Omitting {rng.randint(1, 4)} identical items, use -vv to show\n  Differing items:\n  {rng.choice(keys)!r}: {_dict(rng, keys, 1)} != {_dict(rng, keys, 1)}",
                f"AssertionError: assert [{rng.randint(1, 3)}, {rng.randint(1, 3)}, {rng.randint(1, 3)}] == [{rng.randint(1, 3)}, {rng.randint(4, 6)}]",
            ]
        )
        return Fail(
            case,
            diff,
            f"assert {ctx.tree}(base, override) == expected" if "mutate" not in case else "assert base == before",
        )

    def run(thought: str, extra: list[Fail] | None = None) -> Step:
        fails = [mismatch() for _ in range(rng.randint(1, 2))] + (extra or [])
        unique = list({f.name: f for f in fails}.values())
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{unique[0].name}"]),
            unique,
            rng.choice(["", " -x", " -vv", " -q"]),
        )

    def variant(k: int) -> list[Step]:
        old, new, why = rng.choice(
            [
                (
                    "result.update(override)",
                    "for key, value in override.items():\n        if isinstance(value, dict) and isinstance(result.get(key), dict):\n            result[key] = merge(result[key], value)\n        else:\n            result[key] = value",
                    "recurse into nested dicts instead of update()",
                ),
                (
                    "result = dict(base)",
                    "result = copy.deepcopy(base)",
                    "copy the base deeply so nested dicts aren't shared",
                ),
                (
                    "result[key] = value",
                    "result[key] = result.get(key, []) + value if isinstance(value, list) else value",
                    "concatenate lists instead of replacing them",
                ),
                (
                    "if value is None:\n            continue",
                    "if value is None and key in result:\n            continue",
                    "let None only skip existing keys",
                ),
                ("return result", "return {**base, **result}", "make sure keys only in base survive"),
                ("isinstance(value, dict)", "isinstance(value, Mapping)", "accept any Mapping, not only dict"),
            ]
        )
        return [Step(f"Let me {why}.", py_edit(src, old, new), "patched"), run("Rerun the merge tests.")]

    def chainmap(k: int) -> list[Step]:
        return [
            Step(
                "Maybe a ChainMap per level is simpler: lookups fall through to base without copying anything.",
                f"sed -i '1i from collections import ChainMap' {src} && "
                + py_edit(src, "result = dict(base)", "result = ChainMap(override, base)"),
                "patched",
            ),
            run(
                "Run the tests.",
                [
                    Fail(
                        f"test_{ctx.stem}_nested",
                        rng.choice(
                            [
                                f"AssertionError: assert ChainMap({_dict(rng, keys, 1)}, {_dict(rng, keys, 1)}) == {_dict(rng, keys, 2)}",
                                "TypeError: unhashable type: 'dict'",
                            ]
                        ),
                        f"assert {ctx.tree}(base, override) == expected",
                    )
                ],
            ),
        ]

    def trace(k: int) -> Step:
        a, b = _dict(rng, keys, 3), _dict(rng, keys, 2)
        return Step(
            "Let me call the merge by hand on nested input and print both inputs afterwards.",
            f'python -c "from {ctx.dotted} import {ctx.tree}; b = {a}; o = {b}; print({ctx.tree}(b, o)); print(b)"',
            f"{_dict(rng, keys, 3)}\n{_dict(rng, keys, 3)}",
        )

    def rewrite(k: int) -> list[Step]:
        iterative = rng.random() < 0.5
        body = (
            "    result = copy.deepcopy(base)\n    stack = [(result, override)]\n    while stack:\n        dst, src = stack.pop()\n        for key, value in src.items():\n            if isinstance(value, dict) and isinstance(dst.get(key), dict):\n                stack.append((dst[key], value))\n            else:\n                dst[key] = value\n    return result\n"
            if iterative
            else "    result = dict(base)\n    for key, value in override.items():\n        old = result.get(key)\n        result[key] = "
            + ctx.tree
            + "(old, value) if isinstance(old, dict) and isinstance(value, dict) else value\n    return result\n"
        )
        return [
            Step(
                f"Let me rewrite the merge {'iteratively with an explicit stack' if iterative else 'recursively, returning new dicts'}.",
                f"cat > /tmp/merge_{k}.py <<'EOF'\ndef {ctx.tree}(base, override):\n{body}EOF\npython - <<'EOF'\nimport re\np = '{src}'\ns = open(p).read()\nnew = open('/tmp/merge_{k}.py').read()\ns = re.sub(r'def {ctx.tree}\\(.*?\\n(?=\\S)', new + '\\n', s, count=1, flags=re.S)\nopen(p, 'w').write(s)\nEOF",
                "",
            ),
            run("Run the tests."),
        ]

    first = [
        run("Let me run the merge tests."),
        Step(
            "Let me look at the merge function.",
            f"grep -n 'def {ctx.tree}' -A16 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [variant, variant, chainmap, lambda k: [trace(k)], rewrite]
    return churn(ctx, rng, n, first, attempts, "the nested merge", ctx.tree, body)


def tree_flatten_order_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Flattening a tree: pre-order wanted, reversed siblings, breadth-first, post-order, exploded strings or deep recursion got."""
    src, tf = ctx.source, ctx.test_file
    cases = ("order", "nested", "strings", "deep", "tuples", "empty_branches", "generators")

    def wrong() -> Fail:
        names = ctx.nodes(rng, rng.randint(3, 5))
        got = rng.choice(
            [names[:1] + names[1:][::-1], [*names[1:], names[0]], [names[0], names[2], names[1], *names[3:]]]
        )
        case = rng.choice(cases)
        error = rng.choice(
            [
                f"AssertionError: assert {got!r} == {names!r}",
                f"AssertionError: assert {got!r} == {names!r}\n  At index {rng.randint(0, 2)} diff: {got[1]!r} != {names[1]!r}",
                f"AssertionError: assert {list(names[0][:3])!r} == [{names[0][:3]!r}]"
                if case == "strings"
                else f"AssertionError: assert {got!r} == {names!r}",
                f"TypeError: '{rng.choice(['int', 'NoneType', 'float'])}' object is not iterable",
                f"AssertionError: assert [{rng.choice(['(1, 2)', 'Tuple(1, 2)', '<generator object flatten at ' + _addr(rng) + '>'])}, 3] == [1, 2, 3]",
            ]
        )
        if case == "deep" and rng.random() < 0.6:
            return Fail(
                f"test_{ctx.stem}_deep",
                "RecursionError: maximum recursion depth exceeded while calling a Python object",
                f"assert len(list({ctx.tree}(tree))) == {rng.choice([2000, 5000, 10000])}",
                [(ctx.tree, f"yield from {ctx.tree}(child)")] * 2,
            )
        return Fail(f"test_{ctx.stem}_{case}", error, f"assert list({ctx.tree}(tree)) == expected")

    def run(thought: str) -> Step:
        fails = list({f.name: f for f in (wrong() for _ in range(rng.randint(1, 3)))}.values())
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            fails,
            rng.choice(["", " -x", " -q", " -vv"]),
        )

    def variant(k: int) -> list[Step]:
        old, new, why = rng.choice(
            [
                (
                    "stack.extend(children)",
                    "stack.extend(reversed(children))",
                    "push children reversed so the first child is popped first",
                ),
                ("stack.extend(reversed(children))", "stack.extend(children)", "push the children in their own order"),
                ("node = stack.pop()", "node = stack.popleft()", "take nodes from the front (deque)"),
                ("result.append(node)", "result.insert(0, node)", "prepend instead of append"),
                (
                    "isinstance(node, (list, tuple))",
                    "isinstance(node, Iterable) and not isinstance(node, (str, bytes))",
                    "treat every non-string iterable as a branch",
                ),
                ("isinstance(node, Iterable)", "hasattr(node, '__iter__')", "check for __iter__ instead"),
                (
                    "yield from " + ctx.tree + "(child)",
                    "yield from itertools.chain.from_iterable(child)",
                    "chain the children instead of recursing",
                ),
            ]
        )
        return [Step(f"Let me {why}.", py_edit(src, old, new), "patched"), run("Rerun the flatten tests.")]

    def rewrite(k: int) -> list[Step]:
        style = rng.choice(["recursive", "stack", "iter-stack"])
        body = {
            "recursive": "    for child in getattr(tree, 'children', tree):\n        if isinstance(child, (list, tuple)) or hasattr(child, 'children'):\n            yield from "
            + ctx.tree
            + "(child)\n        else:\n            yield child\n",
            "stack": "    stack = [tree]\n    while stack:\n        node = stack.pop()\n        if isinstance(node, (list, tuple)):\n            stack.extend(node)\n        else:\n            yield node\n",
            "iter-stack": "    stack = [iter([tree])]\n    while stack:\n        for node in stack[-1]:\n            if isinstance(node, (list, tuple)):\n                stack.append(iter(node))\n                break\n            yield node\n        else:\n            stack.pop()\n",
        }[style]
        return [
            Step(
                f"Let me rewrite {ctx.tree} from scratch ({style}).",
                f"cat > /tmp/flat_{k}.py <<'EOF'\ndef {ctx.tree}(tree):\n{body}EOF\npython - <<'EOF'\nimport re\np = '{src}'\ns = open(p).read()\ns = re.sub(r'def {ctx.tree}\\(.*?\\n(?=\\S)', open('/tmp/flat_{k}.py').read() + '\\n', s, count=1, flags=re.S)\nopen(p, 'w').write(s)\nEOF",
                "",
            ),
            run("Run them."),
        ]

    def by_hand(k: int) -> Step:
        names = ctx.nodes(rng, 4)
        tree = f"[{names[0]!r}, [{names[1]!r}, [{names[2]!r}]], ({names[3]!r},)]"
        return Step(
            "Let me flatten a small tree by hand to see the order.",
            f'python -c "from {ctx.dotted} import {ctx.tree}; print(list({ctx.tree}({tree})))"',
            repr(
                rng.choice(
                    [
                        [names[0], names[3], names[1], names[2]],
                        [names[0], names[1], names[2], (names[3],)],
                        names[::-1],
                        [*names[0][:2], names[1], names[2], names[3]],
                    ]
                )
            ),
        )

    body = f"def {ctx.tree}(tree):\n    result = []\n    stack = [tree]\n    while stack:\n        node = stack.pop()\n        children = getattr(node, 'children', node)\n        if isinstance(node, (list, tuple)) or hasattr(node, 'children'):\n            stack.extend(children)\n        else:\n            result.append(node)\n    return result\n"
    first = [
        run("Let me run the tests for the flattening."),
        Step(
            "Let me look at the flattening function.",
            f"grep -n 'def {ctx.tree}' -A12 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
        by_hand(0),
    ]
    attempts: list[Attempt] = [variant, variant, rewrite, lambda k: [by_hand(k)]]
    return churn(ctx, rng, n, first, attempts, "the tree flattening order", ctx.tree, body)
