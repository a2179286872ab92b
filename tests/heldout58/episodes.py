# ruff: noqa: E501
"""Productive look-alikes: the same traversal trouble met once or twice, then its cause found and the tests green."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout58.text import Ctx, Fail, hang, py_edit, test_step


def _green(ctx: Ctx, rng: random.Random, thought: str, target: str = "", extra: str = "") -> Step:
    return test_step(ctx, rng, thought, target, [], extra or rng.choice(["", " -q", " -x"]))


def cycle_edge_found(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A cycle error once or twice; the graph printed shows every edge twice (requires and required_by); fixed there."""
    src, tf = ctx.source, ctx.test_file
    a, b, c, d = ctx.nodes(rng, 4)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the ordering tests after my change.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_order",
                    f"ValueError: cycle detected while ordering {ctx.stem} dependencies: {a} -> {b} -> {a}",
                    f"order = {ctx.walk}(graph)",
                    [(ctx.walk, "raise ValueError(msg)")],
                )
            ],
        ),
    ]
    if rng.random() < 0.6:
        steps.append(
            test_step(
                ctx,
                rng,
                "A different test to see whether it's the same cycle.",
                f"{tf}::test_{ctx.stem}_diamond",
                [
                    Fail(
                        f"test_{ctx.stem}_diamond",
                        f"ValueError: cycle detected while ordering {ctx.stem} dependencies: {c} -> {d} -> {c}",
                        f"order = {ctx.walk}(graph)",
                        [(ctx.walk, "raise ValueError(msg)")],
                    )
                ],
            )
        )
    line = rng.randint(40, 500)
    steps += [
        Step(
            "Every cycle is exactly two nodes long, which smells like each edge is added in both directions. Let me see how the graph is built.",
            f"grep -n 'requires\\|required_by' {src} | head",
            f"{line}:        deps = list(item.requires) + list(item.required_by)\n{line + 1}:        graph[item.name] = deps\n{line + 30}:    required_by = ()\n",
        ),
        Step(
            "Let me print the graph for two items where one requires the other.",
            f"python - <<'EOF'\nfrom {ctx.dotted} import *\nimport {ctx.dotted} as m\nclass Item:\n    def __init__(self, name, requires=(), required_by=()):\n        self.name, self.requires, self.required_by = name, requires, required_by\nitems = [Item({a!r}, requires=[{b!r}]), Item({b!r}, required_by=[{a!r}])]\nprint(m._build_graph(items))\nEOF",
            f"{{{a!r}: [{b!r}], {b!r}: [{a!r}]}}",
        ),
        Step(
            "That's it: `required_by` is the reverse edge of `requires`, so adding both to the dependencies turns every dependency into a two-node cycle. Only `requires` are dependencies.",
            py_edit(src, "deps = list(item.requires) + list(item.required_by)", "deps = list(item.requires)"),
            "patched",
        ),
        _green(ctx, rng, "Rerun the ordering tests.", tf),
    ]
    if rng.random() < 0.5:
        steps.append(
            Step(
                "And the graph printed again to be sure.",
                f'python -c "import {ctx.dotted} as m; print(m._build_graph([]))"',
                "{}",
            )
        )
    return steps


def deepcopy_memo_threaded(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A RecursionError copying a tree with parent links, maybe a parent identity wrong once; memo threaded and registered first."""
    src, tf = ctx.source, ctx.test_file
    line = rng.randint(40, 500)
    recursion = Fail(
        f"test_{ctx.stem}_deepcopy",
        "RecursionError: maximum recursion depth exceeded while calling a Python object",
        "clone = copy.deepcopy(tree)",
        [
            ("__deepcopy__", "parent=copy.deepcopy(self.parent),"),
            ("__deepcopy__", "children=[copy.deepcopy(c) for c in self.children],"),
        ],
    )
    steps = [
        test_step(ctx, rng, "Let me run the tests for the tree copy.", tf, [recursion]),
        Step(
            "Let me read __deepcopy__.",
            f"sed -n '{line},{line + 8}p' {src}",
            "    def __deepcopy__(self, memo):\n        return type(self)(\n            self.name,\n            parent=copy.deepcopy(self.parent),\n            children=[copy.deepcopy(c) for c in self.children],\n        )\n",
        ),
    ]
    twice = rng.random() < 0.5
    if twice:
        steps += [
            Step(
                "The memo isn't passed on, so each child copies its parent afresh. Pass it through.",
                py_edit(src, "copy.deepcopy(c)", "copy.deepcopy(c, memo)"),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Rerun.",
                f"{tf}::test_{ctx.stem}_deepcopy",
                [
                    Fail(
                        f"test_{ctx.stem}_deepcopy",
                        "RecursionError: maximum recursion depth exceeded",
                        "clone = copy.deepcopy(tree)",
                        [("__deepcopy__", "parent=copy.deepcopy(self.parent),")],
                    )
                ],
            ),
            Step(
                "Still recursing: the new node is only built after its parent and children are copied, so it is never in memo when a child reaches back to it. The copy has to be registered in memo before anything below it is copied.",
                f"sed -n '{line},{line + 8}p' {src}",
                "    def __deepcopy__(self, memo):\n        return type(self)(\n            self.name,\n            parent=copy.deepcopy(self.parent),\n            children=[copy.deepcopy(c, memo) for c in self.children],\n        )\n",
            ),
        ]
    body = "    def __deepcopy__(self, memo):\n        new = type(self).__new__(type(self))\n        memo[id(self)] = new\n        for key, value in self.__dict__.items():\n            setattr(new, key, copy.deepcopy(value, memo))\n        return new\n"
    steps += [
        Step(
            "Create the copy empty, register it in memo first, then copy every attribute with the same memo so back-references resolve to the copy.",
            f"cat > /tmp/deepcopy.py <<'EOF'\n{body}EOF\npython - <<'EOF'\np = '{src}'\nlines = open(p).read().splitlines(True)\nstart = next(i for i, l in enumerate(lines) if 'def __deepcopy__' in l)\nend = start + 1\nwhile end < len(lines) and (lines[end].startswith('        ') or not lines[end].strip()):\n    end += 1\nlines[start:end] = [open('/tmp/deepcopy.py').read(), '\\n']\nopen(p, 'w').writelines(lines)\nprint('ok')\nEOF",
            "ok",
        ),
        _green(ctx, rng, "Run the copy tests.", tf),
        Step(
            "Check by hand that the child's parent is the copied root.",
            f"python -c \"import copy; import {ctx.dotted} as m; r = m.{ctx.cls}Node('r'); c = m.{ctx.cls}Node('c', parent=r); r.children.append(c); k = copy.deepcopy(r); print(k.children[0].parent is k, k is not r)\"",
            "True True",
        ),
    ]
    return steps


def insertion_order_kept(ctx: Ctx, rng: random.Random) -> list[Step]:
    """An order assertion fails, then another order or a pass; the hash seed found to decide it; de-duplicated with dict.fromkeys."""
    src, tf = ctx.source, ctx.test_file
    want = ctx.nodes(rng, 4)
    got = [want[1], want[0], *want[2:]]
    other = [want[2], want[0], want[3], want[1]]
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the tests for the function I changed.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_order",
                    f"AssertionError: assert {got!r} == {want!r}",
                    f"assert {ctx.walk}(items) == {want!r}",
                )
            ],
        ),
        test_step(
            ctx,
            rng,
            "Run it again to see if it's stable.",
            f"{tf}::test_{ctx.stem}_order",
            rng.choice(
                [
                    [],
                    [
                        Fail(
                            f"test_{ctx.stem}_order",
                            f"AssertionError: assert {other!r} == {want!r}",
                            f"assert {ctx.walk}(items) == {want!r}",
                        )
                    ],
                ]
            ),
        ),
    ]
    cd = "cd tests && " if ctx.django else ""
    run = ctx.tests(tf, " 2>&1 | tail -1").removeprefix("cd tests && ")
    steps += [
        Step(
            "The order changes between runs, so it depends on string hashing. Let me confirm with fixed seeds.",
            f"{cd}for s in 0 1 2 3; do printf 'seed=%s: ' $s; PYTHONHASHSEED=$s {run}; done",
            "\n".join(
                f"seed={s}: " + ("1 failed, " if s % 2 == rng.randint(0, 1) else "") + f"{rng.randint(10, 40)} passed"
                for s in range(4)
            ),
            seconds=rng.uniform(4, 15),
        ),
        Step(
            "Let me see where the order is lost.",
            f"grep -n 'def {ctx.walk}' -A8 {src}",
            f"{rng.randint(40, 600)}:def {ctx.walk}(items):\n    result = set(items)\n    return list(result)\n",
        ),
        Step(
            "The de-duplication goes through a set, which has no order. dict.fromkeys de-duplicates and keeps the first-seen order, which is what the test expects (declaration order, not sorted).",
            py_edit(src, "    result = set(items)\n    return list(result)", "    return list(dict.fromkeys(items))"),
            "patched",
        ),
        Step(
            "Now under several seeds.",
            f"{cd}for s in 0 1 2 3; do printf 'seed=%s: ' $s; PYTHONHASHSEED=$s {run}; done",
            "\n".join(f"seed={s}: {rng.randint(10, 40)} passed" for s in range(4)),
            seconds=rng.uniform(4, 15),
        ),
    ]
    if rng.random() < 0.5:
        steps.append(_green(ctx, rng, "And the whole module once more.", tf))
    return steps


def merge_recurses_into_dicts(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A nested key lost by update(); recursion added; maybe the input mutated once; new dicts returned; green."""
    src, tf = ctx.source, ctx.test_file
    k1, k2, k3 = rng.sample(["options", "handlers", "level", "format", "filters", "paths"], 3)
    steps = [
        test_step(
            ctx,
            rng,
            "Let me run the merge tests.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_nested",
                    f"AssertionError: assert {{{k1!r}: {{{k3!r}: 2}}}} == {{{k1!r}: {{{k2!r}: 1, {k3!r}: 2}}}}",
                    f"assert {ctx.tree}(base, override) == expected",
                )
            ],
        ),
        Step(
            "Let me look at the merge.",
            f"grep -n 'def {ctx.tree}' -A8 {src}",
            f"{rng.randint(40, 600)}:def {ctx.tree}(base, override):\n    result = dict(base)\n    result.update(override)\n    return result\n",
        ),
        Step(
            "update() replaces the nested dict wholesale. Merge recursively when both sides hold a dict.",
            py_edit(
                src,
                "    result.update(override)\n",
                f"    for key, value in override.items():\n        if isinstance(value, dict) and isinstance(result.get(key), dict):\n            {ctx.tree}(result[key], value)\n        else:\n            result[key] = value\n",
            ),
            "patched",
        ),
    ]
    if rng.random() < 0.6:
        steps += [
            test_step(
                ctx,
                rng,
                "Rerun.",
                tf,
                [
                    Fail(
                        f"test_{ctx.stem}_does_not_mutate",
                        f"AssertionError: assert {{{k1!r}: {{{k2!r}: 1, {k3!r}: 2}}}} == {{{k1!r}: {{{k2!r}: 1}}}}",
                        "assert base == before",
                    )
                ],
            ),
            Step(
                "`dict(base)` is shallow, so the recursive call writes into base's own nested dict. The recursion must build and return a new dict instead of updating in place.",
                py_edit(
                    src,
                    f"            {ctx.tree}(result[key], value)",
                    f"            result[key] = {ctx.tree}(result[key], value)",
                ),
                "patched",
            ),
        ]
    else:
        steps.append(
            Step(
                "Make sure the recursion builds new dicts rather than writing into base's nested ones.",
                py_edit(
                    src,
                    f"            {ctx.tree}(result[key], value)",
                    f"            result[key] = {ctx.tree}(result[key], value)",
                ),
                "patched",
            )
        )
    steps.append(_green(ctx, rng, "Run the merge tests.", tf))
    return steps


def visited_keyed_by_key(ctx: Ctx, rng: random.Random) -> list[Step]:
    """A walk hangs on a cyclic graph once; the stack shows fresh wrappers per visit; visited keyed by the node's key."""
    src, tf = ctx.source, ctx.test_file
    line = rng.randint(40, 500)
    steps = [hang(ctx, rng, ctx.tests(tf), "Let me run the traversal tests.")]
    steps += [
        Step(
            "It hangs. Let me see how children are produced.",
            f"grep -n 'def children' -A4 {src}",
            f"{line}:    def children(self):\n{line + 1}-        return [Node(self._graph, key) for key in self._graph[self.key]]\n",
        ),
        Step(
            "Every call makes new Node wrappers, and Node has no __eq__/__hash__, so `node in seen` compares identities and never matches once the walk comes back round a cycle. The stable identity is the key; track that.",
            py_edit(
                src,
                "        if node in seen:\n            continue\n        seen.add(node)",
                "        if node.key in seen:\n            continue\n        seen.add(node.key)",
            ),
            "patched",
        ),
        _green(
            ctx, rng, "Run the traversal tests again.", f"{tf}::test_{ctx.stem}_cyclic" if rng.random() < 0.5 else tf
        ),
    ]
    if rng.random() < 0.6:
        steps.append(_green(ctx, rng, "And the whole module.", tf))
    return steps


def hash_from_frozen_key(ctx: Ctx, rng: random.Random) -> list[Step]:
    """Unhashable after __eq__, then unhashable nested fields; one frozen key used by both __eq__ and __hash__."""
    src, tf = ctx.source, ctx.test_file
    spec = f"{ctx.cls}Spec"
    line = rng.randint(40, 500)
    steps = [
        test_step(
            ctx,
            rng,
            f"Let me run the tests for {spec}.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_set_dedup", f"TypeError: unhashable type: '{spec}'", "assert len(set(specs)) == 1"
                )
            ],
        ),
        Step(
            f"Defining __eq__ set __hash__ to None. Let me look at {spec}.",
            f"sed -n '{line},{line + 10}p' {src}",
            f"class {spec}:\n    def __init__(self, name, args=(), options=None):\n        self.name = name\n        self.args = list(args)\n        self.options = dict(options or ())\n\n    def __eq__(self, other):\n        return self.__dict__ == other.__dict__\n",
        ),
        Step(
            "Add a __hash__ over the fields.",
            py_edit(
                src,
                "    def __eq__(self, other):",
                "    def __hash__(self):\n        return hash((self.name, self.args, self.options))\n\n    def __eq__(self, other):",
            ),
            "patched",
        ),
        test_step(
            ctx,
            rng,
            "Rerun.",
            tf,
            [
                Fail(
                    f"test_{ctx.stem}_set_dedup",
                    f"TypeError: unhashable type: '{rng.choice(['list', 'dict'])}'",
                    "assert len(set(specs)) == 1",
                    [("__hash__", "return hash((self.name, self.args, self.options))")],
                )
            ],
        ),
        Step(
            "args is a list and options a dict, possibly nested. One frozen key for both __eq__ and __hash__ keeps them consistent: lists to tuples, dicts to sorted item tuples, recursively.",
            f"cat >> {src} <<'EOF'\n\n\ndef _freeze(value):\n    if isinstance(value, dict):\n        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))\n    if isinstance(value, (list, tuple)):\n        return tuple(_freeze(v) for v in value)\n    return value\nEOF\n"
            + py_edit(
                src,
                "    def __hash__(self):\n        return hash((self.name, self.args, self.options))\n\n    def __eq__(self, other):\n        return self.__dict__ == other.__dict__",
                "    def _key(self):\n        return (self.name, _freeze(self.args), _freeze(self.options))\n\n    def __hash__(self):\n        return hash(self._key())\n\n    def __eq__(self, other):\n        if not isinstance(other, type(self)):\n            return NotImplemented\n        return self._key() == other._key()",
            ),
            "patched",
        ),
        Step(
            "Check by hand with options in a different order.",
            f"python -c \"from {ctx.dotted} import {spec}; x = {spec}('a', args=[1], options=dict(b=[2], a=1)); y = {spec}('a', args=[1], options=dict(a=1, b=[2])); print(x == y, hash(x) == hash(y), len(set([x, y])))\"",
            "True True 1",
        ),
        _green(ctx, rng, "Run the tests.", tf),
    ]
    return steps
