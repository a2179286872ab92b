"""Segfault chase: a compiled library crashes the interpreter whatever the agent changes in the Python around it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from heldout20.calls import Step
from heldout22.crash import crash_output
from heldout22.native import NATIVE, Native
from heldout22.text import Ctx, Maker, vary, weave

_NUMPY = [
    (
        "The crash is inside the compiled code that `{func}` calls. A common cause is an array that is not C-contiguous or not float64 reaching C; I'll force a contiguous float64 copy before the call.",
        "{var} = np.ascontiguousarray({var}, dtype=np.float64)",
    ),
    (
        "Maybe the C side keeps a pointer into a temporary that gets collected. I'll make an explicit owned copy before handing it over.",
        "{var} = np.array({var}, copy=True, order='C')",
    ),
    (
        "I'll validate the input in `{func}` so bad shapes raise a Python error instead of reaching C.",
        "if {var}.ndim != 2: raise ValueError('unexpected shape %r' % ({var}.shape,))",
    ),
    (
        "Let me use np.require with the flags the C routine assumes (aligned, writeable, owning its data).",
        "{var} = np.require({var}, requirements=['C', 'A', 'W', 'O'])",
    ),
    (
        "I'll hold an extra reference for the duration of the call, in case `{var}` is freed while C still uses it.",
        "_keepalive = {var}",
    ),
]
_GUARDS = {
    "astropy": _NUMPY,
    "matplotlib": _NUMPY,
    "scikit-learn": [
        *_NUMPY[:2],
        (
            "The tree arrays might be inconsistent with the input's dtype. I'll cast X to float32 exactly as the Cython code expects.",
            "X = np.ascontiguousarray(X, dtype=np.float32)",
        ),
        (
            "I'll make predict check that the tree is fitted and its node count sane before calling into Cython.",
            "assert self.tree_.node_count > 0, 'empty tree'",
        ),
    ],
    "pydata": [
        (
            "The key reaching netCDF4 might be an odd indexer type. I'll normalise it to plain slices and integer arrays.",
            "key = tuple(k if isinstance(k, slice) else np.asarray(k, dtype=np.int64) for k in key)",
        ),
        (
            "netCDF4 is not thread safe; I'll take the datastore lock around the read.",
            "self.datastore.lock.acquire(); self.datastore.lock.release()",
        ),
        (
            "Let me make sure the underlying file is open before reading from it.",
            "ds = self.datastore._acquire(needs_lock=True)",
        ),
        ("I'll copy the key tuple so nothing mutates it underneath the C call.", "key = tuple(key)"),
    ],
    "django": [
        (
            "The pointer handed to GEOS may be NULL. I'll check the arguments in `__call__` before the C function gets them.",
            "if any(a is None for a in args): raise GEOSException('NULL geometry passed to GEOS')",
        ),
        (
            "Maybe the context handle is being shared across threads. I'll force a fresh thread-local handle for each call.",
            "self.thread_context.handle = None",
        ),
        ("I'll keep references to the geometry arguments alive for the length of the call.", "_keepalive = list(args)"),
        (
            "GEOS error handlers could be the problem; I'll reset the notice handler before calling.",
            "lgeos.initGEOS_r(notice_h, error_h)",
        ),
    ],
    "sympy": [
        (
            "The exponent reaching gmpy2 might be a SymPy Integer rather than a Python int. I'll convert it explicitly.",
            "expt = Integer(expt)",
        ),
        (
            "I'll make `_eval_power` refuse negative or non-integer exponents before calling into gmpy2.",
            "if not expt.is_Integer or expt.is_negative: return None",
        ),
        ("Maybe gmpy2's mpz conversion of self.p is the problem; I'll go through int() first.", "p = int(self.p)"),
        ("I'll cache the base as a plain int to avoid repeated conversions in the C call.", "_base = int(self.p)"),
    ],
}
_DEBUG = {
    "astropy": "DEBUG _return_list_of_arrays: xy ndarray (4000, 2) float64 C_CONTIGUOUS=False",
    "matplotlib": "DEBUG contains_points: points ndarray (50000, 2) float64 C_CONTIGUOUS=False",
    "scikit-learn": "DEBUG predict: X ndarray (5, 4) float32 node_count=17",
    "pydata": "DEBUG _getitem: key (slice(0, 2, None), slice(None, None, None))",
    "django": "DEBUG __call__: GEOSIntersection_r args=(<LP_GEOSGeom_t object at 0x7f3a2c1d5e40>, <LP_GEOSGeom_t object at 0x7f3a2c1d5f40>)",
    "sympy": "DEBUG _eval_power: self=3 expt=1099511627776",
}
_NAMES = {
    "astropy": "wcs",
    "matplotlib": "contains",
    "scikit-learn": "tree",
    "pydata": "netcdf",
    "django": "geos",
    "sympy": "pow",
}
_HEAD = {
    "astropy": ("def _return_list_of_arrays(axes, origin):", "output = func(xy, origin)"),
    "matplotlib": (
        "def contains_points(self, points, transform=None, radius=0.0):",
        "result = _path.points_in_path(points, radius, self, transform)",
    ),
    "scikit-learn": ("def predict(self, X, check_input=True):", "proba = self.tree_.predict(X)"),
    "pydata": ("def _getitem(self, key):", "array = getitem(original_array, key)"),
    "django": ("def __call__(self, *args):", "return self.cfunc(*args)"),
    "sympy": ("def _eval_power(self, expt):", "return Integer(mpz(self.p) ** int(expt))"),
}


@dataclass
class _State:
    added: list[str] = field(default_factory=list)
    debug: bool = False
    numpy: str = "1.23.5"

    @property
    def shift(self) -> int:
        return len(self.added)


def _runner(ctx: Ctx, nat: Native, script: str, rng: random.Random) -> tuple[str, str]:
    """A command that reaches the crash, and how its output looks."""
    if ctx.owner == "django" and rng.random() < 0.35:
        return f"cd /testbed && python tests/runtests.py {nat.test.rsplit('.', 1)[0]} --parallel 1", "django"
    if ctx.owner != "django" and rng.random() < 0.35:
        return f"cd /testbed && python -m pytest -x {nat.test} -p no:cacheprovider", "pytest"
    command = vary(
        rng,
        [
            f"cd /testbed && python -X faulthandler {script}",
            f"cd /testbed && PYTHONFAULTHANDLER=1 python {script}",
            f"cd /testbed && python -X faulthandler {script} 2>&1 | tail -40; echo exit=${{PIPESTATUS[0]}}",
        ],
    )
    return command, "faulthandler"


def segfault_chase(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    nat = NATIVE[ctx.owner]
    script = f"/tmp/{vary(rng, ['repro', 'crash', 'segv'])}_{_NAMES[ctx.owner]}.py"
    body = "\n".join(nat.script).replace("{arg}", nat.bad)
    lib = nat.lib.replace("{site}", ctx.site).replace("{so}", ctx.so)
    state = _State(numpy=f"1.{rng.randint(21, 25)}.{rng.randint(0, 5)}")
    wrapper, func, var = nat.wrapper, nat.func, nat.var
    line = nat.frames[0][2]

    def check(k: int) -> Step:
        command, how = _runner(ctx, nat, script, rng)
        out, rc = crash_output(
            ctx, rng, nat, how, state.shift, script, command, _DEBUG[ctx.owner] if state.debug else ""
        )
        thought = vary(
            rng,
            [
                "Let me run it again to see whether the crash is gone.",
                "Re-running the reproduction with the change in place.",
                f"Checking whether the change to `{func}` stops the segfault.",
                "Running it again with faulthandler on so I get the Python stack.",
            ]
            if state.added
            else [
                "Let me run it again and look at the stack once more.",
                f"Let me rerun and see whether the crash point in `{func}` is stable.",
            ],
        )
        return Step(thought, command, out, rc, rng.uniform(1.5, 9))

    def edit(thought: str, code: str) -> Step:
        at = line + state.shift - rng.randint(0, 2)
        state.added.append(code)
        if "'" in code or rng.random() < 0.4:
            text = "        " + code + "\n"
            command = (
                f"python - <<'EOF'\np = '{wrapper}'\nlines = open(p).readlines()\n"
                f"lines.insert({at}, {text!r})\nopen(p, 'w').writelines(lines)\nEOF"
            )
        else:
            command = f"sed -i '{at}a\\        {code}' {wrapper}"
        return Step(thought, command, "", 0, 0.3)

    def guard(thought: str, code: str) -> Maker:
        return lambda k: edit(thought.format(func=func, var=var), code.format(func=func, var=var))

    def debug(k: int) -> Step:
        state.debug = True
        return edit(
            f"I need to see what actually reaches the compiled call. I'll print what `{var}` is just before it.",
            f"import sys; print('DEBUG {func}:', repr({var})[:120], file=sys.stderr)",
        )

    def revert(k: int) -> Step:
        state.added.clear()
        state.debug = False
        return Step(
            f"My edits to {wrapper} haven't changed anything. Let me revert them and try a different angle.",
            f"git checkout -- {wrapper} && git status --short",
            f" M {ctx.source}" if ctx.source != wrapper else "",
            0,
            0.4,
        )

    def rerun(thought: str, command: str, shown: str) -> Maker:
        return lambda k: Step(
            thought,
            command,
            *crash_output(ctx, rng, nat, "faulthandler", state.shift, shown, command),
            rng.uniform(2, 6),
        )

    def reinstall(k: int) -> Step:
        before, state.numpy = state.numpy, "1.26.4"
        return Step(
            "Maybe numpy in this environment is broken against the compiled module. I'll reinstall it.",
            "pip install --force-reinstall --no-deps 'numpy<2' 2>&1 | tail -3",
            f"  Attempting uninstall: numpy\n    Found existing installation: numpy {before}\nSuccessfully installed numpy-1.26.4",
            0,
            rng.uniform(8, 25),
        )

    fixes: list[Maker] = [
        *(guard(thought, code) for thought, code in _GUARDS[ctx.owner]),
        debug,
        revert,
        reinstall,
        rerun(
            "Threads inside the library might be racing. I'll pin everything to one thread and rerun.",
            f"cd /testbed && OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python -X faulthandler {script}",
            script,
        ),
        rerun(
            "Garbage collection could be freeing something early. Let me run with gc disabled to test that theory.",
            f"cd /testbed && python -X faulthandler -c \"import gc; gc.disable(); exec(open('{script}').read())\"",
            "<string>",
        ),
    ]

    def show(k: int) -> Step:
        at = line + state.shift
        head, call = _HEAD[ctx.owner]
        code = [
            "    " + head,
            "        # convert and validate the input",
            *("        " + c for c in state.added),
            "        " + call,
        ]
        first = at - len(code) + 1
        listing = "\n".join(f"{first + i:>6}\t{text}" for i, text in enumerate(code))
        return Step(
            f"Let me look at the code around line {at} of {wrapper}, where the stack points.",
            f"nl -ba {wrapper} | sed -n '{first},{at}p'",
            listing,
            0,
            0.2,
        )

    python = f"{ctx.run.python}.{rng.randint(13, 20)}"
    looks: list[Maker] = [
        show,
        lambda k: Step("Let me look at the reproduction script again.", f"cat {script}", body, 0, 0.1),
        lambda k: Step(
            "Is a debugger available for a C-level backtrace?", "which gdb valgrind lldb; echo rc=$?", "rc=1", 0, 0.1
        ),
        lambda k: Step(
            "Let me check the shared object involved and what it links against.",
            f"ls -la {lib} && ldd {lib} | head -6",
            f"-rwxr-xr-x 1 root root {rng.randint(400_000, 9_000_000)} Oct 12 09:{rng.randint(10, 59)} {lib}\n"
            f"\tlinux-vdso.so.1 (0x00007ffd{rng.randrange(16**8):08x})\n\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6\n"
            "\tlibpthread.so.0 => /lib/x86_64-linux-gnu/libpthread.so.0\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6",
            0,
            0.2,
        ),
        lambda k: Step(
            "Was a core dump written that I could inspect?",
            "ulimit -c; cat /proc/sys/kernel/core_pattern; ls -la core* /tmp/core* 2>&1 | head -3",
            "0\ncore\nls: cannot access 'core*': No such file or directory\nls: cannot access '/tmp/core*': No such file or directory",
            0,
            0.1,
        ),
        lambda k: Step(
            "Let me check the versions of the libraries involved.",
            'python -c "import sys, numpy; print(sys.version.split()[0], numpy.__version__)"',
            f"{python} {state.numpy}",
            0,
            1.2,
        ),
        lambda k: Step(
            "What have I changed so far?",
            f"git diff --stat -- {wrapper}",
            f" {wrapper} | {state.shift} +\n 1 file changed, {state.shift} insertion{'s' if state.shift > 1 else ''}(+)"
            if state.added
            else "",
            0,
            0.2,
        ),
    ]

    command, how = _runner(ctx, nat, script, rng)
    first = [
        Step(
            f"Before going further I want a standalone reproduction of the behaviour through `{func}`. I'll write a short script.",
            f"cat <<'EOF' > {script}\n{body}\nEOF\npython {script}",
            *crash_output(ctx, rng, nat, "plain", 0, script, f"python {script}"),
            3.0,
        ),
        Step(
            f"The interpreter died with no traceback at all (return code {'-6, SIGABRT' if nat.abort else '-11, SIGSEGV'}). I'll turn faulthandler on to see where.",
            command,
            *crash_output(ctx, rng, nat, how, 0, script, command),
            4.0,
        ),
    ]
    return weave(rng, n, first, fixes, check, looks, f"the crash in {nat.module}", look_rate=0.35, check_rate=0.75)
