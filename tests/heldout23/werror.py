"""werror-build and warning-fixed: an extension build with -Werror, failing on one warning after another."""

from __future__ import annotations

import posixpath
import random
from dataclasses import dataclass

from heldout20.calls import Step
from heldout23.text import C_SOURCES, Ctx, Deck, Tail

_NAMES = ["count", "tmp", "status", "nbytes", "idx", "result", "len_", "flag", "offset", "width"]


@dataclass
class Warning_:
    """One diagnostic -Werror turns into an error: where, what, and the line it points at."""

    source: str
    line: int
    column: int
    kind: str
    message: str
    code: str
    caret: str
    fixed: str  # the line after the agent's fix ("": the line is deleted)
    function: str


def _warning(rng: random.Random, source: str, cpp: bool) -> Warning_:
    name, line = rng.choice(_NAMES), rng.randint(40, 900)
    base = posixpath.basename(source).rsplit(".", 1)[0].strip("_").replace("_wrapper", "")
    function = f"{base}_{rng.choice(['impl', 'update', 'init', 'compute', 'loop', 'kernel', 'fill'])}"
    options = [
        ("unused-variable", f"unused variable ‘{name}’", f"    int {name};", 9, "", "^" + "~" * (len(name) - 1)),
        (
            "unused-but-set-variable",
            f"variable ‘{name}’ set but not used",
            f"    npy_intp {name} = 0;",
            14,
            "",
            "^" + "~" * (len(name) - 1),
        ),
        (
            "sign-compare",
            "comparison of integer expressions of different signedness: ‘int’ and ‘size_t’ {aka ‘long unsigned int’}",
            f"    for (i = 0; i < {name}; ++i) {{",
            19,
            f"    for (i = 0; i < (int){name}; ++i) {{",
            "~~^~" + "~" * len(name),
        ),
        (
            "maybe-uninitialized",
            f"‘{name}’ may be used uninitialized in this function",
            f"    return {name};",
            12,
            f"    return {name} ? {name} : 0;",
            "^" + "~" * (len(name) - 1),
        ),
        (
            "deprecated-declarations",
            "‘PyEval_InitThreads’ is deprecated",
            "    PyEval_InitThreads();",
            5,
            "",
            "^~~~~~~~~~~~~~~~~~",
        ),
        (
            "discarded-qualifiers",
            "initialization discards ‘const’ qualifier from pointer target type",
            f"    char *{name} = PyUnicode_AsUTF8(obj);",
            13 + len(name),
            f"    const char *{name} = PyUnicode_AsUTF8(obj);",
            "^~~~~~~~~~~~~~~~",
        ),
    ]
    if not cpp:
        options.append(
            (
                "implicit-function-declaration",
                "implicit declaration of function ‘memcpy’",
                f"    memcpy(out, {name}, n * sizeof(double));",
                5,
                "#include <string.h>",
                "^~~~~~",
            )
        )
        options.append(
            (
                "format=",
                "format ‘%d’ expects argument of type ‘int’, but argument 2 has type ‘Py_ssize_t’ {aka ‘long int’}",
                f'    PyErr_Format(PyExc_ValueError, "bad size %d", {name});',
                47,
                f'    PyErr_Format(PyExc_ValueError, "bad size %zd", {name});',
                "~^",
            )
        )
    kind, message, code, column, fixed, caret = rng.choice(options)
    return Warning_(source, line, column, kind, message, code, caret, fixed, function)


class Build:
    """The checkout's extensions, which warnings the agent fixed, and where -Werror comes from."""

    def __init__(self, ctx: Ctx, rng: random.Random) -> None:
        self.ctx, self.rng = ctx, rng
        self.sources = C_SOURCES[ctx.run.owner][:]
        rng.shuffle(self.sources)
        self.pending: list[Warning_] = []
        self.cleared: set[str] = set()  # sources whose extension no longer passes -Werror
        self.flags = ""

    def setup_file(self, source: str) -> str:
        if self.ctx.run.owner == "matplotlib":
            return "setupext.py"
        if self.ctx.run.owner == "astropy":
            return posixpath.join(posixpath.dirname(posixpath.dirname(source)), "setup_package.py")
        return posixpath.join(posixpath.dirname(source.replace("/src/libsvm", "")), "setup.py")

    def extension(self, source: str) -> str:
        stem = posixpath.basename(source).rsplit(".", 1)[0]
        if self.ctx.run.owner == "matplotlib":
            return "matplotlib." + stem.replace("_wrapper", "")
        if self.ctx.run.owner == "astropy":
            return posixpath.dirname(posixpath.dirname(source)).replace("/", ".") + "._" + stem.lstrip("_")
        return (
            posixpath.dirname(source.replace("/src/libsvm", "")).replace("/", ".") + "." + stem.replace("_template", "")
        )

    def current(self) -> Warning_:
        """The first warning the build meets with the flags of this command."""
        disabled = {part.split("=", 1)[1] for part in self.flags.split() if part.startswith("-Wno-error=")}
        for warning in self.pending:
            if warning.kind not in disabled and warning.source not in self.cleared:
                return warning
        live = [s for s in self.sources if s not in self.cleared] or self.sources
        warning = _warning(self.rng, self.rng.choice(live[:2]), live[0].endswith(".cpp"))
        self.pending.append(warning)
        return self.current()

    def _compile_line(self, warning: Warning_) -> str:
        cpp = warning.source.endswith(".cpp")
        compiler = "g++" if cpp else "gcc"
        site, py = self.ctx.site, self.ctx.py
        obj = f"build/temp.linux-x86_64-{self.ctx.tag}/{warning.source.rsplit('.', 1)[0]}.o"
        return (
            f"{compiler} -pthread -B /opt/miniconda3/envs/testbed/compiler_compat -Wno-unused-result -Wsign-compare -DNDEBUG -O2 -Wall -fPIC -O2 -isystem /opt/miniconda3/envs/testbed/include {self.flags + ' ' if self.flags else ''}"
            f"-fPIC -I{site}/numpy/core/include -I/opt/miniconda3/envs/testbed/include/python{py} -c {warning.source} -o {obj} -Werror{' -std=c++11' if cpp else ''}"
        )

    def failure(self) -> str:
        w = self.current()
        cpp = w.source.endswith(".cpp")
        scope = (
            f"In function ‘{w.function}’" if not cpp else f"In function ‘PyObject* {w.function}(PyObject*, PyObject*)’"
        )
        lines = [
            "running build_ext",
            f"building '{self.extension(w.source)}' extension",
            self._compile_line(w),
            f"{w.source}: {scope}:",
            f"{w.source}:{w.line}:{w.column}: error: {w.message} [-Werror={w.kind}]",
            f"{w.line:>5} | {w.code}",
            f"      | {' ' * (w.column - 1)}{w.caret}",
        ]
        if w.kind == "implicit-function-declaration":
            lines.append(f"{w.source}:{w.line}:5: note: include ‘<string.h>’ or provide a declaration of ‘memcpy’")
        lines += [
            f"{'cc1plus' if cpp else 'cc1'}: all warnings being treated as errors",
            f"error: command '/usr/bin/{'g++' if cpp else 'gcc'}' failed with exit code 1",
        ]
        return "\n".join(lines)

    def build(self, thought: str, flags: str = "") -> Step:
        self.flags = flags
        prefix = f'CFLAGS="{flags}" ' if flags else ""
        command = self.rng.choice(
            [f"{prefix}python setup.py build_ext --inplace", f"{prefix}python setup.py build_ext -i 2>&1 | tail -15"]
        )
        out = self.failure()
        if "tail -15" in command:
            out = "\n".join(out.split("\n")[-15:])
        self.flags = ""
        return Step(thought, command, out, rc=1 if "tail" not in command else 0, seconds=self.rng.uniform(15, 90))

    def fix(self) -> Step:
        w = self.current()
        if w.fixed.startswith("#include"):
            command = f"sed -i '1i {w.fixed}' {w.source}"
        elif not w.fixed:
            command = f"sed -i '{w.line}d' {w.source}"
        else:
            command = (
                f"sed -i '{w.line}s/.*/{w.fixed.replace('/', chr(92) + '/').replace('&', chr(92) + '&')}/' {w.source}"
            )
        self.pending.remove(w)
        return Step(
            f"The compiler flags `{w.kind}` at {w.source}:{w.line}. Let me fix it in the source.",
            command,
            "",
            seconds=0.1,
        )

    def silence(self) -> Step:
        kinds = {self.current().kind, *(w.kind for w in self.pending[:1] if self.rng.random() < 0.5)}
        flags = " ".join(f"-Wno-error={kind}" for kind in sorted(kinds))
        return self.build(f"Rather than editing the extension sources, let me demote this warning with {flags}.", flags)

    def global_off(self) -> Step:
        return self.build("Let me turn warnings-as-errors off for the whole build.", "-Wno-error")

    def unwerror(self) -> Step:
        w = self.current()
        path = self.setup_file(w.source)
        self.cleared.add(w.source)
        return Step(
            f"`-Werror` comes last on the compiler line, after CFLAGS, so it must be in the extension's own arguments. Let me drop it from {path}.",
            f"sed -i \"s/'-Werror', \\?//\" {path} && grep -n Werror {path}",
            "",
            rc=1,
            seconds=0.1,
        )

    def clean(self) -> Step:
        return Step(
            "Maybe stale objects are involved. Let me clean the build directory and rebuild.",
            "rm -rf build/ && python setup.py build_ext --inplace 2>&1 | tail -12",
            "\n".join(self.failure().split("\n")[-12:]),
            seconds=self.rng.uniform(40, 120),
        )

    # Looks.

    def show(self) -> Step:
        w = self.current()
        return Step(
            f"Let me look at the code around {w.source}:{w.line}.",
            f"sed -n '{w.line - 2},{w.line + 2}p' {w.source}",
            "\n".join(
                [
                    "{",
                    "    npy_intp i, n = PyArray_SIZE(arr);" if not w.source.endswith(".cpp") else "    size_t i;",
                    w.code,
                    "" if w.fixed else "    /* keep going */",
                    "}",
                ]
            ),
            seconds=0.1,
        )

    def grep(self) -> Step:
        files = sorted({self.setup_file(s) for s in self.sources if s not in self.cleared} or {"setup.py"})
        out = "\n".join(
            f"{f}:{self.rng.randint(12, 80)}:        extra_compile_args=['-Werror', '-Wall']," for f in files[:3]
        )
        return Step(
            "Where does -Werror come from in the first place?",
            "grep -rn Werror --include='setup*.py' . | head",
            out,
            seconds=0.3,
        )

    def env(self) -> Step:
        return Step(
            "Is anything in the environment adding flags?",
            "env | grep -i -E 'flags|cc' ; gcc --version | head -1",
            "gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0",
            seconds=0.1,
        )


def werror_build(ctx: Ctx, rng: random.Random, length: int) -> list[Step]:
    build = Build(ctx, rng)
    tail = Tail(rng, length)
    tail.add(
        build.build(
            rng.choice(
                [
                    "The change touches code behind a compiled extension, so let me rebuild the extensions in place.",
                    "Let me rebuild the C extensions before running the tests.",
                ]
            )
        )
    )
    attempts = Deck(
        rng, [build.fix, build.fix, build.fix, build.silence, build.global_off, build.unwerror, build.clean]
    )
    looks = Deck(rng, [build.show, build.grep, build.env])
    while not tail.full:
        last = tail.steps[-1]
        if last.command.startswith("sed -i"):
            tail.add(
                build.build(
                    rng.choice(["Rebuild.", "Let me rebuild.", "Building again.", "Let's see if it compiles now."])
                )
            )
        elif rng.random() < 0.28:
            tail.add(looks.deal()())
        else:
            tail.add(attempts.deal()())
    return tail.end(
        rng.choice(
            [
                "the -Werror build",
                "one compiler warning after another under -Werror",
                "getting the extensions to build with -Werror",
            ]
        )
    )


def warning_fixed(ctx: Ctx, rng: random.Random) -> list[Step]:
    """One warning under -Werror, fixed where it is; the extension builds."""
    build = Build(ctx, rng)
    steps = [build.build("Let me rebuild the C extensions before running the tests.")]
    if rng.random() < 0.7:
        steps.append(build.show())
    w = build.current()
    steps.append(build.fix())
    so = f"{build.extension(w.source).replace('.', '/')}.{ctx.tag}-x86_64-linux-gnu.so"
    out = f"running build_ext\nbuilding '{build.extension(w.source)}' extension\n{build._compile_line(w)}\n{'g++' if w.source.endswith('.cpp') else 'gcc'} -pthread -shared build/temp.linux-x86_64-{ctx.tag}/{w.source.rsplit('.', 1)[0]}.o -o build/lib.linux-x86_64-{ctx.tag}/{so}\ncopying build/lib.linux-x86_64-{ctx.tag}/{so} -> {posixpath.dirname(so)}"
    steps.append(Step("Rebuild.", "python setup.py build_ext --inplace", out, seconds=rng.uniform(20, 80)))
    return steps
