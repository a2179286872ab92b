"""pickle-incompatibility: a pickled fixture that will not load, each fix moving the error somewhere else."""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout20.text import addr
from heldout24.text import Ctx, Deck, assemble, report, run_pytest, timing, traceback


class Fixture:
    """The pickled records a test loads, what the file holds now, and what loading it raises."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.old = f"{ctx.cls}Record"
        self.new = f"{ctx.cls}Entry"
        self.legacy = f"{ctx.run.module}.compat._{ctx.stem}"
        self.data = f"{ctx.tests_dir}/data"
        self.path = f"{self.data}/{ctx.stem}_records.pkl"
        self.test = ctx.test_path("cache")
        self.case = rng.choice(["test_load_cached_records", "test_records_roundtrip", "test_cached_entries_match"])
        self.count = rng.randint(8, 60)
        self.line = rng.randint(14, 40)  # where the test calls the loader; it moves as the test is edited
        self.holds = self.legacy  # the module the pickled class is looked up in
        self.state = "module"
        self.protocol = 4
        self.passed = rng.randint(2, 9)  # the file's other tests, which pass throughout
        self.runs = 0

    def module_repr(self, name: str) -> str:
        if name == "__main__":
            return f"<module '__main__' from '{self.ctx.site}/pytest/__main__.py'>"
        return f"<module '{name}' from '/testbed/{self.ctx.source}'>"

    def error(self) -> tuple[str, str]:
        """The exception's kind and message for the file as it is now."""
        return {
            "module": ("ModuleNotFoundError", f"No module named '{self.holds}'"),
            "attr": ("AttributeError", f"Can't get attribute '{self.old}' on {self.module_repr(self.holds)}"),
            "missing": ("AttributeError", f"'{self.new}' object has no attribute '_{self.ctx.stem}_cache'"),
            "eof": ("EOFError", "Ran out of input"),
            "truncated": ("_pickle.UnpicklingError", "pickle data was truncated"),
            "numpy": ("ModuleNotFoundError", "No module named 'numpy._core'"),
            "gone": ("FileNotFoundError", f"[Errno 2] No such file or directory: '{self.path}'"),
        }[self.state]

    def failing(self) -> Step:
        kind, message = self.error()
        short = kind.rsplit(".", 1)[-1]
        if self.state == "missing":
            sections = [
                (
                    [
                        f"def {self.case}():",
                        "    records = load_records(FIXTURE)",
                        "    assert records[0].key == EXPECTED_KEYS[0]",
                    ],
                    2,
                    f"{self.test}:{self.line + 1}",
                ),
                (
                    ["@property", "def key(self):", f"    return self._{self.ctx.stem}_cache['key']"],
                    2,
                    f"{self.ctx.source}:{self.rng.randint(80, 900)}",
                ),
            ]
        else:
            sections = [
                (
                    [
                        f"def {self.case}():",
                        "    records = load_records(FIXTURE)",
                        f"    assert len(records) == {self.count}",
                    ],
                    1,
                    f"{self.test}:{self.line}",
                ),
                (
                    ["def load_records(path):", '    with open(path, "rb") as fh:', "        return pickle.load(fh)"],
                    2,
                    f"{self.test}:{self.rng.randint(6, 12)}",
                ),
            ]
        args = (
            f"self = <{self.ctx.dotted}.{self.new} object at {addr(self.rng)}>"
            if self.state == "missing"
            else f"path = '{self.path}'"
        )
        body = [args, "", *report(sections[1:], [f"{kind}: {message}"], short)]
        body = [*report(sections[:1], [], ""), "_ " * 39 + "_", "", *body]
        if self.rng.random() < 0.4:
            command = f"python -c \"import pickle; pickle.load(open('{self.path}', 'rb'))\""
            frames = [("<string>", 1, "<module>", "")]
            output = traceback(frames, f"{kind}: {message}")
            return Step(self.thought(), command, output, rc=1, seconds=timing(self.rng, 0.4, 1.5))
        command, output = run_pytest(
            self.ctx, self.rng, self.test, self.passed, [(self.case, body, f"{kind}: {message}")], self.case
        )
        return Step(self.thought(), command, output, rc=1, seconds=timing(self.rng, 1.0, 6.0))

    def thought(self) -> str:
        kind, _ = self.error()
        self.runs += 1
        if self.runs == 1:
            return self.rng.choice(
                [
                    f"Now let me run the cache tests for `{self.ctx.stem}` to make sure my change didn't break them.",
                    "Let me run the related tests, including the ones that load the pickled fixtures.",
                ]
            )
        return self.rng.choice(
            [
                "Let me check whether the fixture loads now.",
                f"Running the cache test again to see what loading `{self.path}` does now.",
                "Re-running the failing test.",
                "Let me see if that got past the unpickling error.",
            ]
        ) + ("" if self.rng.random() < 0.5 else f" Last time it was `{kind}`.")


def pickle_incompatibility(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    fx = Fixture(ctx, rng)
    regen = f"{fx.data}/make_{ctx.stem}_records.py"

    def alias(k: int) -> Step:
        fx.state = rng.choice(["missing", "attr"]) if fx.holds != "__main__" else "attr"
        return Step(
            rng.choice(
                [
                    f"The pickle refers to `{fx.old}`, which was renamed to `{fx.new}`. I'll keep a backwards-compatible alias in the module so old pickles resolve.",
                    f"Adding an alias `{fx.old} = {fx.new}` at the bottom of `{ctx.source}` should let unpickling find the old name.",
                ]
            ),
            f"printf '\\n%s = %s  # keep old pickles loadable\\n' {fx.old} {fx.new} >> {ctx.source} && tail -n 1 {ctx.source}",
            f"{fx.old} = {fx.new}  # keep old pickles loadable",
        )

    def shim(k: int) -> Step:
        if fx.holds == fx.legacy:
            fx.holds = ctx.dotted
        fx.state = "attr"
        fx.line += rng.randint(3, 6)
        return Step(
            f"`{fx.legacy}` no longer exists. I'll register it in `sys.modules` before loading, pointing at `{ctx.dotted}`, so pickle can import it.",
            f"sed -i '/^import pickle/a import sys\\nimport {ctx.dotted}\\nsys.modules.setdefault(\"{fx.legacy}\", {ctx.dotted})' {fx.test} && sed -n 1,12p {fx.test}",
            f'import pickle\nimport sys\nimport {ctx.dotted}\nsys.modules.setdefault("{fx.legacy}", {ctx.dotted})\n\nimport pytest\n\nFIXTURE = "{fx.path}"\n',
        )

    def heredoc(k: int) -> Step:
        fx.holds, fx.state, fx.protocol = "__main__", "attr", 5
        return Step(
            rng.choice(
                [
                    "The simplest fix is to regenerate the fixture with the current classes.",
                    "I'll rebuild the pickle from scratch so it matches the current code.",
                ]
            ),
            f"cd /testbed && python - <<'EOF'\nimport pickle\nfrom {ctx.dotted} import *\n\nclass {fx.old}({fx.new}):\n    pass\n\nrecords = [{fx.old}(key='k%d' % i, value=i) for i in range({fx.count})]\nwith open('{fx.path}', 'wb') as fh:\n    pickle.dump(records, fh, protocol=pickle.HIGHEST_PROTOCOL)\nprint('wrote', len(records), 'records')\nEOF",
            f"wrote {fx.count} records",
        )

    def system(k: int) -> Step:
        if ctx.scientific and rng.random() < 0.7:
            fx.state = "numpy"
            fx.holds = ctx.dotted
            return Step(
                "Maybe the generator script just needs a clean interpreter; I'll run it with the system python3.",
                f"/usr/bin/python3 {regen} --out {fx.path}",
                f"wrote {fx.count} records to {fx.path}",
                seconds=timing(rng, 1, 4),
            )
        frames = [(regen, rng.randint(3, 9), "<module>", f"from {ctx.dotted} import {fx.new}")]
        return Step(
            "Let me regenerate with the system python3 in case the testbed env is the problem.",
            f"/usr/bin/python3 {regen} --out {fx.path}",
            traceback(frames, f"ModuleNotFoundError: No module named '{ctx.run.module}'"),
            rc=1,
        )

    def protocol(k: int) -> Step:
        fx.state = rng.choice(["attr", "truncated"]) if fx.holds != fx.legacy else "module"
        level = fx.protocol = rng.choice([2, 3, 4])
        return Step(
            f"Perhaps it's the protocol. I'll pin `protocol={level}` in the generator and rebuild.",
            f"sed -i 's/protocol=pickle.HIGHEST_PROTOCOL/protocol={level}/' {regen} && python {regen} --out {fx.path}",
            f"wrote {fx.count} records to {fx.path} (protocol {level})",
            seconds=timing(rng, 1, 3),
        )

    def purge(k: int) -> Step:
        fx.state = "gone"
        return Step(
            "Stale caches could be involved. I'll remove the pytest cache, the bytecode and the generated pickles.",
            f"rm -rf .pytest_cache {ctx.tests_dir}/__pycache__ {fx.data}/*.pkl && find . -name '*.pyc' -path '*{ctx.stem}*' -delete && ls {fx.data}",
            "README.rst\n" + f"make_{ctx.stem}_records.py",
        )

    def restore(k: int) -> Step:
        fx.holds, fx.state, fx.protocol = fx.legacy, "module", 4
        return Step(
            "Let me restore the committed fixture and start from the original error again.",
            f"git checkout -- {fx.path} && git status --short {fx.data}",
            "",
        )

    def text_mode(k: int) -> Step:
        fx.state = "eof"
        frames = [(regen, rng.randint(30, 48), "<module>", "pickle.dump(records, fh)")]
        return Step(
            "I'll write the records through a small helper so the fixture always comes out of the current module.",
            f'sed -i \'s/open(args.out, "wb")/open(args.out, "w")/\' {regen} && python {regen} --out {fx.path}',
            traceback(frames, "TypeError: write() argument must be str, not bytes"),
            rc=1,
        )

    def unpickler(k: int) -> Step:
        fx.state = rng.choice(["missing", "module"])
        if fx.state == "module":
            fx.holds = f"{ctx.dotted}.{fx.new}"
        fx.line += rng.randint(6, 12)
        return Step(
            "A custom `Unpickler.find_class` can map the old location to the new one without touching the fixture.",
            f"cat >> {fx.test} <<'EOF'\n\n\nclass _Renamed(pickle.Unpickler):\n    def find_class(self, module, name):\n        if name == '{fx.old}':\n            module, name = '{ctx.dotted}.{fx.new}', '{fx.new}'\n        return super().find_class(module, name)\nEOF\nsed -i 's/return pickle.load(fh)/return _Renamed(fh).load()/' {fx.test}",
            "",
        )

    def setstate(k: int) -> Step:
        fx.state = "attr" if fx.state == "missing" else rng.choice(["missing", "truncated"])
        return Step(
            f"Old instances lack the `_{ctx.stem}_cache` attribute because `__init__` isn't run on unpickling. A `__setstate__` can fill it in.",
            f"python - <<'EOF'\nimport re\np = '{ctx.source}'\ns = open(p).read()\ns = s.replace('class {fx.new}:', 'class {fx.new}:\\n    def __setstate__(self, state):\\n        state.setdefault(\"_{ctx.stem}_cache\", dict())\\n        self.__dict__.update(state)\\n', 1)\nopen(p, 'w').write(s)\nEOF",
            "",
        )

    def pickletools(k: int) -> Step:
        if fx.state in ("gone", "eof"):
            return Step(
                "Let me look at what the fixture file actually contains.",
                f"ls -la {fx.path} && python -m pickletools {fx.path} | head -n 20",
                f"-rw-r--r-- 1 root root 0 {date(rng)} {fx.path}\n"
                + traceback(
                    [
                        (
                            f"{ctx.stdlib}/runpy.py",
                            197,
                            "_run_module_as_main",
                            "return _run_code(code, main_globals, None,",
                        ),
                        (f"{ctx.stdlib}/pickletools.py", 2871, "dis", "for opcode, arg, pos in genops(pickle):"),
                    ],
                    "ValueError: pickle exhausted before seeing STOP",
                ),
                rc=1,
            )
        head = rng.choice([12, 16, 20])
        return Step(
            "Let me disassemble the fixture to see which module and class names it actually references.",
            f"python -m pickletools {fx.path} | head -n {head}",
            opcodes(fx.holds, fx.old, fx.protocol, rng, head),
        )

    def listing(k: int) -> Step:
        size = rng.randint(900, 40_000)
        return Step(
            "Checking what's in the data directory.",
            rng.choice([f"ls -la {fx.data}", f"ls -la {fx.data} && git log --oneline -3 -- {fx.data}"]),
            f"total {rng.randint(20, 90)}\ndrwxr-xr-x 2 root root  4096 {date(rng)} .\ndrwxr-xr-x 9 root root  4096 {date(rng)} ..\n"
            f"-rw-r--r-- 1 root root  {rng.randint(200, 900):4d} {date(rng)} README.rst\n-rw-r--r-- 1 root root  {rng.randint(800, 2500):4d} {date(rng)} make_{ctx.stem}_records.py\n"
            f"-rw-r--r-- 1 root root {size:5d} {date(rng)} {ctx.stem}_records.pkl",
        )

    def versions(k: int) -> Step:
        return Step(
            "Let me compare the interpreters and their pickle protocols.",
            rng.choice(
                [
                    'python -c "import pickle, sys; print(sys.version); print(pickle.HIGHEST_PROTOCOL, pickle.DEFAULT_PROTOCOL)" && /usr/bin/python3 --version',
                    "which -a python python3 && python --version && /usr/bin/python3 -c 'import pickle; print(pickle.HIGHEST_PROTOCOL)'",
                ]
            ),
            f"{ctx.python_full} (main, Oct  3 2024, 07:27:34) \n[GCC 11.2.0]\n5 4\nPython 3.10.12"
            if rng.random() < 0.5
            else f"/opt/miniconda3/envs/testbed/bin/python\n/usr/bin/python\n/opt/miniconda3/envs/testbed/bin/python3\n/usr/bin/python3\nPython {ctx.python_full}\n5",
        )

    def grep(k: int) -> Step:
        return Step(
            f"Where do `{fx.old}` and `{fx.new}` appear now?",
            f'grep -rn "{fx.old}\\|{fx.new}" {ctx.source} {fx.test} {regen} | head -n 20',
            f"{ctx.source}:{rng.randint(40, 400)}:class {fx.new}:\n{fx.test}:{rng.randint(4, 9)}:from {ctx.dotted} import {fx.new}\n"
            f"{regen}:{rng.randint(3, 9)}:from {ctx.dotted} import {fx.new}\n{regen}:{rng.randint(20, 30)}:    records = [{fx.new}(key=k, value=v) for k, v in ROWS]",
        )

    attempts = Deck(rng, [alias, shim, heredoc, system, protocol, purge, restore, text_mode, unpickler, setstate])
    looks = Deck(rng, [pickletools, listing, versions, grep])

    def round_(i: int) -> list[Step]:
        steps = [attempts.draw()(i)]
        if rng.random() < 0.35:
            steps.append(looks.draw()(i))
        steps.append(fx.failing())
        return steps

    opening = [fx.failing(), pickletools(0)] if rng.random() < 0.6 else [fx.failing(), grep(0)]
    return assemble(rng, n, opening, round_, "the pickled fixture")


def date(rng: random.Random) -> str:
    return f"{rng.choice(['Jan', 'Feb', 'Mar', 'Oct', 'Nov'])} {rng.randint(1, 28):2d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"


def opcodes(module: str, name: str, protocol: int, rng: random.Random, lines: int = 20) -> str:
    """`python -m pickletools` on a list of instances of `module.name`, as it prints the first opcodes."""
    ops: list[tuple[int, str, str]] = []
    pos = 0
    memo = 0

    def op(code: str, name_: str, arg: str, size: int, depth: int = 0) -> None:
        nonlocal pos
        ops.append((pos, code, "    " * depth + name_ + (" " * max(1, 11 - len(name_)) + arg if arg else "")))
        pos += size

    def memoize(depth: int) -> None:
        nonlocal memo
        if protocol >= 4:
            op("\\x94", "MEMOIZE", f"(as {memo})", 1, depth)
        else:
            op("q", "BINPUT", str(memo), 2, depth)
        memo += 1

    def text(value: str, depth: int) -> None:
        if protocol >= 4:
            op("\\x8c", "SHORT_BINUNICODE", f"'{value}'", 2 + len(value), depth)
        else:
            op("X", "BINUNICODE", f"'{value}'", 5 + len(value), depth)
        memoize(depth)

    op("\\x80", "PROTO", str(protocol), 2)
    if protocol >= 4:
        op("\\x95", "FRAME", str(rng.randint(300, 4000)), 9)
    op("]", "EMPTY_LIST", "", 1)
    memoize(0)
    op("(", "MARK", "", 1)
    if protocol >= 4:
        text(module, 1)
        text(name, 1)
        op("\\x93", "STACK_GLOBAL", "", 1, 1)
    else:
        op("c", "GLOBAL", f"'{module} {name}'", 3 + len(module) + len(name), 1)
    memoize(1)
    op(")", "EMPTY_TUPLE", "", 1, 1)
    op("\\x81", "NEWOBJ", "", 1, 1)
    memoize(1)
    op("}", "EMPTY_DICT", "", 1, 1)
    memoize(1)
    op("(", "MARK", "", 1, 1)
    text("key", 2)
    text("k0", 2)
    text("value", 2)
    op("K", "BININT1", "0", 2, 2)
    return "\n".join(f"{p:5d}: {code:<4} {text}" for p, code, text in ops[:lines])
