# ruff: noqa: E501
"""Loop families on graphs: a dependency order that always finds another cycle, a walk whose visited set never hits."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout58.text import Attempt, Ctx, Fail, churn, edges, hang, py_edit, test_step

_ORDER_CASES = ("order", "dependencies", "cycle_raises", "diamond", "independent", "self_loop", "stable_order")


def _cycle(ctx: Ctx, rng: random.Random) -> str:
    names = ctx.nodes(rng, rng.randint(2, 4))
    return " -> ".join([*names, names[0]])


def _cycle_error(ctx: Ctx, rng: random.Random) -> str:
    names = ctx.nodes(rng, rng.randint(2, 4))
    return rng.choice(
        [
            f"ValueError: cycle detected while ordering {ctx.stem} dependencies: {_cycle(ctx, rng)}",
            f"ValueError: Cyclic dependency between {', '.join(repr(n) for n in names)}",
            f"RuntimeError: {len(names)} nodes left unsorted: [{', '.join(repr(n) for n in names)}]",
            f"ValueError: cycle detected while ordering {ctx.stem} dependencies: {_cycle(ctx, rng)}",
        ]
    )


def _order_fail(ctx: Ctx, rng: random.Random) -> Fail:
    case = rng.choice(_ORDER_CASES)
    a, b, c = ctx.nodes(rng, 3)
    if case == "cycle_raises":
        return Fail(
            f"test_{ctx.stem}_{case}",
            "Failed: DID NOT RAISE <class 'ValueError'>",
            f"with pytest.raises(ValueError): {ctx.walk}(graph)",
        )
    if case in ("stable_order", "diamond", "independent") and rng.random() < 0.6:
        return Fail(
            f"test_{ctx.stem}_{case}",
            f"AssertionError: assert [{a!r}, {b!r}, {c!r}] == [{b!r}, {a!r}, {c!r}]",
            f"assert {ctx.walk}(graph) == expected",
        )
    return Fail(
        f"test_{ctx.stem}_{case}",
        _cycle_error(ctx, rng),
        f"order = {ctx.walk}(graph)",
        [
            (
                ctx.walk,
                rng.choice(
                    [
                        "raise ValueError(msg)",
                        "visit(dep)",
                        "raise RuntimeError('%d nodes left unsorted: %r' % (len(rest), rest))",
                    ]
                ),
            )
        ],
    )


def toposort_cycle_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Ordering the dependencies always meets a cycle (another one each run), or the cycle check stops raising."""
    body = f"def {ctx.walk}(graph, roots=None):\n    order, visiting, done = [], set(), set()\n\n    def visit(node):\n        if node in done:\n            return\n        if node in visiting:\n            raise ValueError('cycle detected while ordering dependencies: %s' % ' -> '.join(path))\n        visiting.add(node)\n        deps = graph[node]\n        for dep in deps:\n            visit(dep)\n        done.add(node)\n        order.append(node)\n"
    src, tf = ctx.source, ctx.test_file

    def run(thought: str, k: int = 2) -> Step:
        failing = [_order_fail(ctx, rng) for _ in range(rng.randint(1, k))]
        names = [f.name for f in failing]
        failing = [f for i, f in enumerate(failing) if f.name not in names[:i]]
        target = rng.choice(["", f"{tf}::{failing[0].name}", *([] if ctx.django else [f"{tf} -k order"])])
        return test_step(ctx, rng, thought, target, failing, rng.choice(["", " -x", " -q", " -x -q"]))

    def drop_self(k: int) -> list[Step]:
        return [
            Step(
                "The cycle might just be a node depending on itself. Let me drop self-edges before ordering.",
                py_edit(
                    src,
                    "deps = graph[node]",
                    rng.choice(
                        [
                            "deps = [d for d in graph[node] if d != node]",
                            "deps = [d for d in graph.get(node, ()) if d is not node]",
                        ]
                    ),
                ),
                "patched",
            ),
            run("Now rerun the ordering tests."),
        ]

    def kahn(k: int) -> list[Step]:
        return [
            Step(
                "Let me rewrite the ordering with Kahn's algorithm and in-degree counts instead of the recursive DFS.",
                f"cat > /tmp/order_{k}.py <<'EOF'\nfrom collections import deque\n\ndef {ctx.walk}(graph, roots=None):\n    indeg = dict.fromkeys(graph, 0)\n    for node, deps in graph.items():\n        for dep in deps:\n            indeg[dep] = indeg.get(dep, 0) + 1\n    queue = deque(n for n, d in indeg.items() if d == 0)\n    order = []\n    while queue:\n        node = queue.popleft()\n        order.append(node)\n        for dep in graph.get(node, ()):\n            indeg[dep] -= 1\n            if indeg[dep] == 0:\n                queue.append(dep)\n    if len(order) != len(indeg):\n        raise RuntimeError('%d nodes left unsorted: %r' % (len(indeg) - len(order), sorted(set(indeg) - set(order))))\n    return order{rng.choice(['[::-1]', ''])}\nEOF\npython /tmp/splice_func.py {src} /tmp/order_{k}.py",
                f"replaced {ctx.walk} ({rng.randint(18, 30)} lines -> {rng.randint(18, 24)} lines)",
            ),
            run("Rerun with the new algorithm.", 3),
        ]

    def flip_edges(k: int) -> list[Step]:
        old, new = rng.choice(
            [
                ("graph[node].append(dep)", "graph[dep].append(node)"),
                ("graph[dep].append(node)", "graph[node].append(dep)"),
                ("for dep in deps:", "for dep in reversed(deps):"),
            ]
        )
        return [
            Step(
                "Maybe the edges are built the wrong way round (dependency -> dependent instead of dependent -> dependency).",
                py_edit(src, old, new),
                "patched",
            ),
            run("Check the direction change."),
        ]

    def inspect(k: int) -> list[Step]:
        return [
            Step(
                "Let me print the graph that the failing test actually builds so I can see where the cycle comes from.",
                rng.choice(
                    [
                        f"python -c \"import sys; sys.path.insert(0, '{ctx.tests_dir}'); import test_{ctx.stem} as t; print(t.GRAPH)\" 2>&1 | tail -3",
                        f"python - <<'EOF'\nimport {ctx.dotted} as m\ng = m._build_graph(m.DEFAULT_ITEMS) if hasattr(m, '_build_graph') else None\nprint(g)\nEOF",
                        f"python -m pytest {tf} -x -q -s 2>&1 | grep -m3 'graph='",
                    ]
                ),
                edges(ctx, rng, rng.randint(4, 6)),
            ),
            Step(
                "I don't see an obvious cycle there, so it must appear while dependencies are expanded. Let me skip back-edges to nodes that are still being visited.",
                py_edit(
                    src,
                    rng.choice(["if dep in visiting:\n                raise", "if dep in visiting:"]),
                    rng.choice(
                        [
                            "if dep in visiting:\n                continue  # back-edge\n                raise",
                            "if dep in visiting or dep in done:",
                        ]
                    ),
                ),
                "patched",
            ),
            run("Rerun everything, including the test that expects a real cycle to raise.", 3),
        ]

    def determinism(k: int) -> list[Step]:
        seed = rng.randint(0, 4000)
        return [
            Step(
                "The cycle reported changes between runs; maybe iteration order over the dict/set matters. Let me make the visit order deterministic with sorted().",
                py_edit(
                    src,
                    rng.choice(["for node in graph:", "for dep in graph[node]:"]),
                    rng.choice(
                        [
                            "for node in sorted(graph):",
                            "for dep in sorted(graph[node]):",
                            "for node in sorted(graph, key=str):",
                        ]
                    ),
                ),
                "patched",
            ),
            Step(
                "Run with a fixed hash seed to compare.",
                f"export PYTHONHASHSEED={seed}; {ctx.tests(tf, ' -x')}",
                test_step(ctx, rng, "", tf, [_order_fail(ctx, rng)]).output,
                rc=1,
                seconds=rng.uniform(1, 6),
            ),
        ]

    def memo(k: int) -> list[Step]:
        return [
            Step(
                "The `visiting` marker may leak between roots because it's never cleared. Let me reset it per root and mark finished nodes separately.",
                py_edit(
                    src,
                    "visiting.add(node)",
                    rng.choice(
                        [
                            "visiting.add(node)\n        try:",
                            "visiting = visiting | set([node])",
                            "visiting.append(node)",
                        ]
                    ),
                ),
                "patched",
            ),
            Step(
                "Make sure it still compiles.",
                f"python -m py_compile {src} && echo ok",
                *rng.choice(
                    [
                        ("ok", 0),
                        (
                            f"  File \"{src}\", line {rng.randint(40, 600)}\n    visiting.add(node)\n    ^\nIndentationError: expected an indented block after 'try' statement on line {rng.randint(40, 600)}",
                            1,
                        ),
                    ]
                ),
            ),
            run("And the tests again.", 2),
        ]

    first = [
        run("Let me run the ordering tests after my change."),
        Step(
            "Let me look at the ordering function.",
            f"grep -n 'def {ctx.walk}' -A30 {src} | head -40",
            f"{rng.randint(40, 600)}:" + body,
        ),
        Step(
            "I need a helper to swap a function body in place.",
            "cat > /tmp/splice_func.py <<'EOF'\nimport ast, sys\npath, new = sys.argv[1], open(sys.argv[2]).read()\nsrc = open(path).read()\nname = ast.parse(new).body[-1].name\nfor node in ast.walk(ast.parse(src)):\n    if getattr(node, 'name', None) == name:\n        lines = src.splitlines(True)\n        old = len(lines[node.lineno - 1:node.end_lineno])\n        lines[node.lineno - 1:node.end_lineno] = [new]\n        open(path, 'w').write(''.join(lines))\n        print('replaced %s (%d lines -> %d lines)' % (name, old, len(new.splitlines())))\nEOF",
            "",
        ),
    ]
    attempts: list[Attempt] = [drop_self, kahn, flip_edges, inspect, determinism, memo]
    return churn(ctx, rng, n, first, attempts, "the dependency cycle in the ordering", ctx.walk, body)


def visited_set_never_hits(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """A walk over a cyclic graph never terminates: each node is a fresh wrapper, so the visited set never matches."""
    body = f"def {ctx.walk}(root):\n    seen = set()\n    stack = [root]\n    while stack:\n        node = stack.pop()\n        if node in seen:\n            continue\n        seen.add(node)\n        yield node\n        stack.extend(node.children)\n"
    src, tf = ctx.source, ctx.test_file
    target = f"{tf}::test_{ctx.stem}_cyclic"

    def key_by(k: int) -> list[Step]:
        old, new, fail = rng.choice(
            [
                ("seen.add(node)", "seen.add(id(node))", None),
                ("if node in seen:", "if id(node) in seen:", None),
                (
                    "seen.add(node)",
                    "seen.add(node.name)",
                    Fail(
                        f"test_{ctx.stem}_same_name",
                        f"AssertionError: assert {rng.randint(2, 5)} == {rng.randint(6, 9)}",
                        f"assert len(list({ctx.walk}(root))) == expected",
                    ),
                ),
                (
                    "seen.add(node)",
                    "seen.add(tuple(node.path))",
                    Fail(
                        f"test_{ctx.stem}_walk",
                        "TypeError: unhashable type: 'list'",
                        f"list({ctx.walk}(root))",
                        [(ctx.walk, "seen.add(tuple(node.path))")],
                    ),
                ),
                ("seen.add(node)", "seen.add(repr(node))", None),
            ]
        )
        edit = Step(f"Let me key the visited set differently: `{new}`.", py_edit(src, old, new), "patched")
        if fail is None:
            return [
                edit,
                hang(
                    ctx,
                    rng,
                    ctx.tests(rng.choice([target, tf]), rng.choice(["", " -x", " -q"])),
                    "Try the cyclic test again.",
                ),
            ]
        return [edit, test_step(ctx, rng, "Run the traversal tests.", tf, [fail], " -x")]

    def dump(k: int) -> Step:
        secs = rng.choice([3, 5, 8])
        line = rng.randint(40, 600)
        trace = f'Thread 0x00007f{rng.randrange(16**10):010x} (most recent call first):\n  File "/testbed/{src}", line {line + rng.randint(1, 40)}, in {rng.choice(["children", "neighbours", "_wrap", "__init__"])}\n  File "/testbed/{src}", line {line}, in {ctx.walk}\n'
        if ctx.django:
            return Step(
                "Let me abort it after a few seconds with faulthandler on to see where it spins.",
                f"cd tests && timeout -s ABRT {secs + 7} python -X faulthandler runtests.py {ctx.stem} --parallel 1 2>&1 | tail -12",
                f'Fatal Python error: Aborted\n\n{trace.replace("Thread", "Current thread")}  File "/testbed/tests/{ctx.stem}_tests/tests.py", line {rng.randint(20, 400)}, in test_{ctx.stem}_cyclic\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/unittest/case.py", line {rng.randint(540, 640)}, in _callTestMethod',
                seconds=secs + 8,
            )
        return Step(
            "Let me dump the stack after a few seconds to see where it spins.",
            f"timeout 20 python -X faulthandler -c \"import faulthandler, sys; faulthandler.dump_traceback_later({secs}, exit=True); sys.argv=['pytest','{target}','-x']; import pytest; pytest.main()\" 2>&1 | tail -12",
            f'Timeout (0:00:{secs:02d})!\n{trace}  File "/testbed/{tf}", line {rng.randint(20, 400)}, in test_{ctx.stem}_cyclic\n  File "{ctx.site}/_pytest/python.py", line {rng.randint(150, 200)}, in pytest_pyfunc_call',
            seconds=secs + 1,
        )

    def guard(k: int) -> list[Step]:
        cap = rng.choice([1000, 10000, 100000])
        return [
            Step(
                f"Add an iteration cap so it at least fails instead of hanging ({cap} steps).",
                py_edit(
                    src,
                    "while stack:",
                    f"steps = 0\n    while stack:\n        steps += 1\n        if steps > {cap}:\n            raise RuntimeError('traversal did not terminate after %d steps' % steps)",
                ),
                "patched",
            ),
            test_step(
                ctx,
                rng,
                "Run it.",
                target,
                [
                    Fail(
                        f"test_{ctx.stem}_cyclic",
                        f"RuntimeError: traversal did not terminate after {cap + 1} steps",
                        f"nodes = list({ctx.walk}(root))",
                        [(ctx.walk, "raise RuntimeError('traversal did not terminate after %d steps' % steps)")],
                    )
                ],
            ),
        ]

    def eq_hash(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the wrapper needs __eq__/__hash__ so two wrappers of the same node compare equal.",
                py_edit(
                    src,
                    rng.choice(["    def __repr__(self):", "    def __init__(self, raw, parent=None):"]),
                    rng.choice(
                        [
                            "    def __eq__(self, other):\n        return self.raw == other.raw\n\n    def __hash__(self):\n        return hash(id(self.raw))\n\n    def __repr__(self):",
                            "    def __eq__(self, other):\n        return isinstance(other, type(self)) and self.raw is other.raw\n\n    def __init__(self, raw, parent=None):",
                        ]
                    ),
                ),
                "patched",
            ),
            rng.choice(
                [
                    hang(ctx, rng, ctx.tests(target), "Rerun the cyclic test."),
                    test_step(
                        ctx,
                        rng,
                        "Rerun the module.",
                        tf,
                        [
                            Fail(
                                f"test_{ctx.stem}_{rng.choice(['parent', 'walk', 'roundtrip'])}",
                                rng.choice(
                                    [
                                        "AttributeError: 'dict' object has no attribute 'raw'",
                                        "RecursionError: maximum recursion depth exceeded in comparison",
                                    ]
                                ),
                                "assert node == expected",
                                [("__eq__", "return self.raw == other.raw")],
                            )
                        ],
                    ),
                ]
            ),
        ]

    def recursive(k: int) -> list[Step]:
        return [
            Step(
                "Let me go back to the recursive version with a visited set passed down explicitly.",
                f"git diff {src} > /tmp/walk_{k}.patch; git checkout -- {src} && "
                + py_edit(
                    src,
                    "def visit(node):",
                    "def visit(node, seen=None):\n        seen = seen if seen is not None else set()",
                ),
                "patched",
            ),
            rng.choice(
                [
                    test_step(
                        ctx,
                        rng,
                        "Run it.",
                        tf,
                        [
                            Fail(
                                f"test_{ctx.stem}_cyclic",
                                "RecursionError: maximum recursion depth exceeded while calling a Python object",
                                f"list({ctx.walk}(root))",
                                [("visit", "visit(child, set(seen))")] * 2,
                            )
                        ],
                    ),
                    hang(ctx, rng, ctx.tests(target, " -x"), "Run the cyclic test."),
                ]
            ),
        ]

    first = [
        hang(ctx, rng, ctx.tests(tf), "Let me run the tests for the traversal I changed."),
        Step(
            "That hung. Let me look at the walk.",
            f"grep -n 'def {ctx.walk}' -A22 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [key_by, lambda k: [dump(k)], guard, eq_hash, recursive, key_by]
    return churn(
        ctx, rng, n, first, attempts, "the traversal that never terminates on the cyclic graph", ctx.walk, body
    )
