"""config-parse-churn and config-fixed: a config file the code loads, failing to parse where the agent hand-edits it.

The file is kept as lines, some of them wrong in the way a hand edit goes wrong; the parser reports the first,
at the line and column it stops at, and a fix may slip and leave the line wrong in another way.
"""

from __future__ import annotations

import random

from heldout20.calls import Step
from heldout23.config_lines import Line, compose, spoil
from heldout23.text import Ctx, Tail, hexid, tests_pass, trace


class Config:
    """One config file as the agent has it, and how the agent checks it."""

    def __init__(self, ctx: Ctx, rng: random.Random, defects: int) -> None:
        self.ctx, self.rng = ctx, rng
        self.kind = rng.choice(["json", "yaml"] if ctx.django else ["toml", "ini", "yaml", "json", "toml"])
        self.head = rng.randint(12, 60) if self.kind == "toml" else 0
        self.path = {"toml": "pyproject.toml", "ini": "pytest.ini"}.get(self.kind, f"repro_{ctx.stem}.{self.kind}")
        self.script = f"repro_{ctx.stem}.py"
        self.lines = self._compose(defects)

    def _compose(self, defects: int) -> list[Line]:
        lines = compose(self.kind, self.ctx.tests_dir, self.rng)
        for line in self.rng.sample([line for line in lines if line.role != "head"], defects):
            spoil(self.kind, line, self.rng)
        return lines

    @property
    def first(self) -> int:
        """Index of the line the parser stops at."""
        return next(i for i, line in enumerate(self.lines) if line.bad)

    def error(self) -> str:
        """The parser's own words for the first wrong line."""
        i = self.first
        bad, number = self.lines[i], self.head + i + 1
        at, column, message = number + bad.delta, bad.column, bad.bad or ""
        if self.kind == "toml":
            return f"{message} (at line {at}, column {column})"
        if self.kind == "ini":
            return f"/testbed/{self.path}:{at}: {message}"
        if self.kind == "json":
            char = sum(len(line.text) + 1 for line in self.lines[: i + bad.delta]) + column - 1
            return f"{message}: line {at} column {column} (char {char})"
        where = f'  in "{self.path}", line {at}, column {column}'
        if "block end" in message:
            start = self.head + max(j for j in range(i) if self.lines[j].text.startswith("  - ")) + 1
            return f'while parsing a block mapping\n  in "{self.path}", line {start}, column 5\n{message}\n{where}'
        if "expected ':'" in message:
            return f'while scanning a simple key\n{where}\n{message}\n  in "{self.path}", line {at + 1}, column 1'
        return f"{message}\n{where}"

    def _exception(self) -> str:
        if self.kind == "json":
            return "json.decoder.JSONDecodeError"
        return (
            "yaml.parser.ParserError"
            if "block end" in (self.lines[self.first].bad or "")
            else "yaml.scanner.ScannerError"
        )

    def check(self, thought: str) -> Step:
        """The loader run against the file as it now is."""
        rng, ctx = self.rng, self.ctx
        if self.kind == "toml" and rng.random() < 0.35:
            lib = "tomllib" if ctx.minor >= 11 else "tomli"
            parser = (
                f"/opt/miniconda3/envs/testbed/lib/python{ctx.py}/tomllib/_parser.py"
                if lib == "tomllib"
                else f"{ctx.site}/tomli/_parser.py"
            )
            frames = [
                ("<string>", 1, "<module>", ""),
                (parser, rng.choice([102, 139]), "load", "return loads(s, parse_float=parse_float)"),
                (parser, rng.choice([181, 188]), "loads", "pos = key_value_rule(src, pos, out, header, parse_float)"),
            ]
            out = trace(frames, f"{lib}.TOMLDecodeError: {self.error()}")
            return Step(
                thought, f"python -c \"import {lib}; {lib}.load(open('pyproject.toml', 'rb'))\"", out, rc=1, seconds=0.4
            )
        if self.kind in ("toml", "ini"):
            prefix = "/testbed/pyproject.toml: " if self.kind == "toml" else ""
            return Step(thought, ctx.test_command, f"ERROR: {prefix}{self.error()}\n", rc=4, seconds=0.8)
        if self.kind == "json" and rng.random() < 0.3:
            return Step(thought, f"python -m json.tool {self.path} > /dev/null", self.error(), rc=1, seconds=0.2)
        if self.kind == "yaml" and rng.random() < 0.3:
            command, frames = (
                f"python -c \"import yaml; yaml.safe_load(open('{self.path}'))\"",
                [("<string>", 1, "<module>", "")],
            )
        else:
            loader = "cfg = json.load(fh)" if self.kind == "json" else "cfg = yaml.safe_load(fh)"
            command, frames = f"python {self.script}", [(f"/testbed/{self.script}", 4, "<module>", loader)]
        if self.kind == "json":
            lib = f"/opt/miniconda3/envs/testbed/lib/python{ctx.py}/json"
            frames += [
                (f"{lib}/__init__.py", 293, "load", "return loads(fp.read(),"),
                (f"{lib}/__init__.py", 346, "loads", "return _default_decoder.decode(s)"),
                (f"{lib}/decoder.py", 337, "decode", "obj, end = self.raw_decode(s, idx=_w(s, 0).end())"),
                (f"{lib}/decoder.py", 353, "raw_decode", "obj, end = self.scan_once(s, idx)"),
            ]
        else:
            frames += [
                (f"{ctx.site}/yaml/__init__.py", 125, "safe_load", "return load(stream, SafeLoader)"),
                (f"{ctx.site}/yaml/__init__.py", 81, "load", "return loader.get_single_data()"),
                (f"{ctx.site}/yaml/constructor.py", 49, "get_single_data", "node = self.get_single_node()"),
            ]
        return Step(thought, command, trace(frames, f"{self._exception()}: {self.error()}"), rc=1, seconds=0.5)

    def look(self) -> Step:
        number = self.head + self.first + 1
        start, end = max(self.head + 1, number - self.rng.randint(2, 6)), number + self.rng.randint(2, 5)
        shown = [
            (self.head + i + 1, line.text) for i, line in enumerate(self.lines) if start <= self.head + i + 1 <= end
        ]
        end = shown[-1][0]
        if self.rng.random() < 0.3:
            body = "\n".join(text.replace("\t", "^I") + "$" for _, text in shown)
            return Step(
                f"Let me see the raw characters around line {number}, tabs and line ends included.",
                f"cat -A {self.path} | sed -n '{start},{end}p'",
                body,
                seconds=0.1,
            )
        body = "\n".join(f"{n:>6}\t{text}" for n, text in shown)
        return Step(
            self.rng.choice(
                [f"Let me look at the lines around {number}.", f"What does the file look like near line {number}?"]
            ),
            f"nl -ba {self.path} | sed -n '{start},{end}p'",
            body,
            seconds=0.1,
        )

    def fix(self, slip: float = 0.45) -> Step:
        """The agent mends the first wrong line; the edit may slip and leave it wrong in another way."""
        i = self.first
        line, number = self.lines[i], self.head + i + 1
        if line.delta:
            thought = f"The parser stops at line {number + line.delta}, but the cause is line {number}: {line.why}. Let me fix it."
        else:
            thought = self.rng.choice(
                [
                    f"Line {number} has {line.why}. Let me fix that line.",
                    f"So the problem at line {number} is {line.why}. Fixing it.",
                ]
            )
        if self.rng.random() < 0.5 and "'" not in line.good:
            command = f"sed -i '{number}s/.*/{line.good.replace('/', chr(92) + '/')}/' {self.path}"
        else:
            command = f"python - <<'EOF'\np = '{self.path}'\nlines = open(p).read().split('\\n')\nlines[{number - 1}] = {line.good!r}\nopen(p, 'w').write('\\n'.join(lines))\nEOF"
        line.text, line.bad = line.good, None
        if slip and (self.rng.random() < slip or not any(other.bad for other in self.lines)):
            spoil(
                self.kind,
                self.rng.choice([other for other in self.lines[max(0, i - 3) : i + 4] if other.role != "head"]),
                self.rng,
            )
        return Step(thought, command, "", seconds=0.1)

    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def rewrite(self) -> Step:
        """The agent writes the section or file again by hand, and slips in other places."""
        self.lines = self._compose(self.rng.randint(1, 3))
        if self.head:
            command = f"python - <<'EOF'\np = '{self.path}'\ns = open(p).read()\nhead = s.split('[tool.pytest.ini_options]')[0]\nopen(p, 'w').write(head + '''{self.text()}\n''')\nEOF"
        else:
            command = f"cat > {self.path} <<'EOF'\n{self.text()}\nEOF"
        what = "the pytest section" if self.head else "the whole file"
        return Step(
            f"Patching line by line keeps moving the problem around. Let me rewrite {what} cleanly.",
            command,
            "",
            seconds=0.1,
        )

    def diff(self) -> Step:
        if not self.head:
            tail = "\n".join(line.text for line in self.lines[-4:])
            return Step(
                f"Let me check how long {self.path} is now and what it ends with.",
                f"wc -l {self.path} && tail -4 {self.path}",
                f"{len(self.lines)} {self.path}\n{tail}",
                seconds=0.1,
            )
        added = "\n".join(f"+{line.text}" for line in self.lines)
        context = self.rng.choice(
            ["line-length = 100", 'profile = "black"', f'known_first_party = ["{self.ctx.module}"]']
        )
        out = (
            f"diff --git a/{self.path} b/{self.path}\nindex {hexid(self.rng)}..{hexid(self.rng)} 100644\n--- a/{self.path}\n"
            f"+++ b/{self.path}\n@@ -{self.head - 1},2 +{self.head - 1},{len(self.lines) + 2} @@\n {context}\n \n{added}"
        )
        return Step(f"Let me review everything I've changed in {self.path}.", f"git diff {self.path}", out, seconds=0.1)

    def write(self) -> Step:
        """The agent's first edit of the file, the mistakes already in it."""
        if self.kind == "toml":
            thought = "I'll configure pytest in pyproject.toml so the warning this code path emits is filtered the same way in every run."
            return Step(thought, f"cat >> pyproject.toml <<'EOF'\n\n{self.text()}\nEOF", "", seconds=0.1)
        if self.kind == "ini":
            thought = "Let me pin the pytest options, including a filter for that warning, in a pytest.ini so the runs are consistent."
            return Step(thought, f"cat > pytest.ini <<'EOF'\n{self.text()}\nEOF", "", seconds=0.1)
        lib = "json" if self.kind == "json" else "yaml"
        loader = "json.load(fh)" if lib == "json" else "yaml.safe_load(fh)"
        script = f'import {lib}\n\nwith open("{self.path}") as fh:\n    cfg = {loader}\n\nfor case in cfg["cases"]:\n    print(case["name"], case["input"], case["expected"])'
        return Step(
            f"I'll keep the reproduction's cases in a {lib.upper()} file so I can add more without touching the script.",
            f"cat > {self.path} <<'EOF'\n{self.text()}\nEOF\ncat > {self.script} <<'EOF'\n{script}\nEOF",
            "",
            seconds=0.1,
        )

    def loads(self) -> Step:
        """The loader once the file parses."""
        if self.kind in ("toml", "ini"):
            return Step(
                "The config should parse now; let me run the tests.",
                self.ctx.test_command,
                tests_pass(self.ctx, self.rng),
                seconds=self.rng.uniform(2, 20),
            )
        return Step(
            "Let me run the reproduction again.",
            f"python {self.script}",
            "basic [1, 2, 3] 6\nempty [] 0\nnested [[1], [2]] 3",
            seconds=0.4,
        )


_AGAIN = [
    "Let me check whether it parses now.",
    "Run the loader again.",
    "Checking the file once more.",
    "Does it load now?",
    "Again.",
]


def config_parse_churn(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    cfg = Config(ctx, rng, rng.randint(2, 3))
    tail = Tail(rng, length)
    tail.add(cfg.write())
    tail.add(cfg.check("Let me see whether it loads."))
    edited = False
    while not tail.full:
        if edited:
            edited = not tail.add(cfg.check(rng.choice(_AGAIN)))
            continue
        roll = rng.random()
        if roll < 0.55:
            edited = tail.add(cfg.fix())
        elif roll < 0.85:
            tail.add(cfg.look())
        elif roll < 0.94:
            edited = tail.add(cfg.rewrite())
        else:
            tail.add(cfg.diff())
    return tail.end(
        rng.choice([f"{cfg.path} failing to parse", f"getting {cfg.path} to load", f"the parse errors in {cfg.path}"])
    )


def config_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One parse error, looked at, fixed at its line; the file loads."""
    cfg = Config(ctx, rng, 1)
    steps = [cfg.write(), cfg.check("Let me see whether it loads.")]
    if rng.random() < 0.7:
        steps.append(cfg.look())
    return [*steps, cfg.fix(slip=0.0), cfg.loads()]
