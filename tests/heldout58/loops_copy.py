# ruff: noqa: E501
"""Loop family on copying: deep-copying a tree whose nodes point back at their parents."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout58.text import Attempt, Ctx, Fail, churn, py_edit, test_step


def _addr(rng: random.Random) -> str:
    return f"0x7f{rng.randrange(16**8):08x}"


def _node(ctx: Ctx, rng: random.Random) -> str:
    return f"<{ctx.cls}Node {rng.choice(ctx.node_names)!r} at {_addr(rng)}>"


def _recursion(ctx: Ctx, rng: random.Random, name: str) -> Fail:
    frames = rng.sample(
        [
            ("__deepcopy__", "children=[copy.deepcopy(c, memo) for c in self.children],"),
            ("__deepcopy__", "parent=copy.deepcopy(self.parent, memo),"),
            ("<listcomp>", "children=[copy.deepcopy(c) for c in self.children],"),
        ],
        rng.randint(2, 3),
    )
    error = rng.choice(
        [
            "RecursionError: maximum recursion depth exceeded while calling a Python object",
            "RecursionError: maximum recursion depth exceeded",
            "RecursionError: maximum recursion depth exceeded in comparison",
        ]
    )
    return Fail(name, error, "clone = copy.deepcopy(tree)", frames)


def deepcopy_memo_churn(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Deep-copying a tree whose nodes point back at their parent: recursion, then identities that do not line up."""
    body = "    def __deepcopy__(self, memo):\n        return type(self)(\n            self.name,\n            parent=copy.deepcopy(self.parent),\n            children=[copy.deepcopy(c) for c in self.children],\n        )\n"
    src, tf = ctx.source, ctx.test_file
    cases = ("deepcopy", "copy_parent_links", "copy_is_independent", "copy_shared_child", "pickle_roundtrip")

    def name() -> str:
        return f"test_{ctx.stem}_{rng.choice(cases)}"

    def outcome(thought: str, kinds: list[str]) -> Step:
        fails = []
        for kind in kinds:
            case = name()
            if kind == "recursion":
                fails.append(_recursion(ctx, rng, case))
            elif kind == "identity":
                fails.append(
                    Fail(
                        case,
                        f"AssertionError: assert {_node(ctx, rng)} is {_node(ctx, rng)}",
                        "assert clone.children[0].parent is clone",
                    )
                )
            elif kind == "shared":
                fails.append(
                    Fail(
                        case,
                        f"AssertionError: assert {rng.randint(2, 4)} == {rng.randint(5, 7)}",
                        "assert len(clone.walk()) == len(tree.walk())",
                    )
                )
            elif kind == "mutated":
                a, b, c = ctx.nodes(rng, 3)
                fails.append(
                    Fail(
                        case,
                        f"AssertionError: assert [{a!r}, {b!r}, {c!r}] == [{a!r}, {b!r}]",
                        "assert [n.name for n in tree.children] == before",
                    )
                )
            elif kind == "pickle":
                fails.append(
                    Fail(
                        case,
                        rng.choice(
                            [
                                "TypeError: cannot pickle '_thread.RLock' object",
                                "TypeError: cannot pickle 'generator' object",
                                "AttributeError: Can't pickle local object 'Node.__init__.<locals>.<lambda>'",
                            ]
                        ),
                        "clone = copy.deepcopy(tree)",
                        [("deepcopy", "rv = reductor(4)")],
                    )
                )
            else:
                fails.append(
                    Fail(
                        case,
                        rng.choice(
                            [
                                "AttributeError: '" + ctx.cls + "Node' object has no attribute 'children'",
                                "AttributeError: '" + ctx.cls + "Node' object has no attribute '_parent'",
                                f"TypeError: __init__() missing 1 required positional argument: '{rng.choice(['name', 'parent', 'value'])}'",
                            ]
                        ),
                        "clone = copy.deepcopy(tree)",
                        [("__deepcopy__", "new.children = [copy.deepcopy(c, memo) for c in self.children]")],
                    )
                )
        unique = {f.name: f for f in fails}
        return test_step(
            ctx,
            rng,
            thought,
            rng.choice(["", tf, f"{tf}::{fails[0].name}"]),
            list(unique.values()),
            rng.choice(["", " -x", " -q"]),
        )

    def thread_memo(k: int) -> list[Step]:
        return [
            Step(
                "The children are copied without the memo, so the parent is copied again from each child. Pass memo through.",
                py_edit(src, "copy.deepcopy(c)", "copy.deepcopy(c, memo)", None),
                "patched",
            ),
            outcome("Rerun the copy tests.", [rng.choice(["recursion", "identity"])]),
        ]

    def register_first(k: int) -> list[Step]:
        return [
            Step(
                "The new node has to be in memo before its children are copied. Let me create it with __new__ and register it first.",
                py_edit(
                    src,
                    "        new = type(self)(",
                    "        new = type(self).__new__(type(self))\n        memo[id(self)] = new\n        new.__init__(",
                ),
                "patched",
            ),
            outcome("Run the tests again.", [rng.choice(["attr", "identity", "recursion"])]),
        ]

    def default_copy(k: int) -> list[Step]:
        return [
            Step(
                "Maybe the custom __deepcopy__ is the problem; copy.deepcopy handles cycles itself through memo. Let me remove it and let the default do it.",
                f"python - <<'EOF'\nimport re\np = '{src}'\ns = open(p).read()\ns, count = re.subn(r'\\n    def __deepcopy__\\(self, memo\\):\\n(?:        .*\\n|\\n)+', '\\n', s)\nopen(p, 'w').write(s)\nprint('removed', count)\nEOF",
                "removed 1",
            ),
            outcome("Run the copy tests with the default deepcopy.", [rng.choice(["pickle", "shared"])]),
        ]

    def state(k: int) -> list[Step]:
        return [
            Step(
                "Let me keep the parent link out of the copied state and relink children after copying, via __getstate__/__setstate__.",
                py_edit(
                    src,
                    "    def __deepcopy__(self, memo):",
                    "    def __getstate__(self):\n        state = self.__dict__.copy()\n        state.pop('parent', None)\n        return state\n\n    def __setstate__(self, state):\n        self.__dict__.update(state)\n        for child in self.children:\n            child.parent = self\n\n    def __deepcopy__(self, memo):",
                ),
                "patched",
            ),
            outcome("Rerun.", rng.sample(["attr", "identity", "recursion", "shared"], rng.randint(1, 2))),
        ]

    def shallow(k: int) -> list[Step]:
        return [
            Step(
                "Try building the copy by hand from a shallow copy and copying the children list only.",
                py_edit(
                    src,
                    "return copy.deepcopy(self)",
                    rng.choice(
                        [
                            "new = copy.copy(self)\n        new.children = list(self.children)\n        return new",
                            "new = copy.copy(self)\n        new.children = [copy.copy(c) for c in self.children]\n        return new",
                        ]
                    ),
                ),
                "patched",
            ),
            outcome("Run the module.", ["mutated", rng.choice(["identity", "shared"])]),
        ]

    def limit(k: int) -> list[Step]:
        limit = rng.choice([5000, 10000, 20000, 50000])
        return [
            Step(
                f"The tree in the test isn't that deep; maybe it's only the recursion limit. Let me try sys.setrecursionlimit({limit}) in the test run to check.",
                f"python -c \"import sys; sys.setrecursionlimit({limit}); import pytest; sys.exit(pytest.main(['{tf}', '-x', '-q']))\""
                if not ctx.django
                else f"cd tests && python -c \"import sys, runpy; sys.setrecursionlimit({limit}); sys.argv = ['runtests.py', '{ctx.stem}']; runpy.run_path('runtests.py', run_name='__main__')\"",
                f'Fatal Python error: Cannot recover from stack overflow.\nPython runtime state: initialized\n\nCurrent thread 0x00007f{rng.randrange(16**10):010x} (most recent call first):\n  File "/opt/miniconda3/envs/testbed/lib/python{ctx.python}/copy.py", line {rng.choice([146, 153, 172, 270])} in deepcopy\n  ...\nSegmentation fault (core dumped)',
                rc=139,
                seconds=rng.uniform(2, 8),
            ),
        ]

    def probe(k: int) -> Step:
        a = _addr(rng)
        return Step(
            "Let me print identities in the original and the copy to see which links point where.",
            f"python - <<'EOF'\nimport copy\nfrom {ctx.dotted} import *\nroot = {ctx.cls}Node('root')\nchild = {ctx.cls}Node('child', parent=root)\nroot.children.append(child)\nclone = copy.deepcopy(root)\nprint(hex(id(root)), hex(id(clone)))\nprint(hex(id(clone.children[0].parent)), clone.children[0].parent is root)\nEOF",
            rng.choice(
                [
                    f"{a} {_addr(rng)}\n{_addr(rng)} False",
                    f"{a} {_addr(rng)}\n{a} True",
                    f"Traceback (most recent call last):\n  File \"<stdin>\", line 3, in <module>\nNameError: name '{ctx.cls}Node' is not defined",
                ]
            ),
            rc=0,
        )

    first = [
        outcome("Let me run the tests for the tree copying.", ["recursion"]),
        Step(
            "Let me look at __deepcopy__.",
            f"grep -n '__deepcopy__' -A12 {src}",
            f"{rng.randint(40, 600)}:" + body,
        ),
    ]
    attempts: list[Attempt] = [thread_memo, register_first, default_copy, state, shallow, limit, lambda k: [probe(k)]]
    return churn(
        ctx, rng, n, first, attempts, "deep-copying the tree with parent back-references", f"{ctx.cls}Node", body
    )
