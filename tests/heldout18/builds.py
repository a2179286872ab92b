"""Building a package's C, C++ and Cython extensions in its testbed, and how that fails."""

from __future__ import annotations

import random
from dataclasses import dataclass

from heldout18.runs import Run
from heldout18.scenes import pick
from heldout18.wire import Step, step

EXTENSIONS = {
    "scikit-learn": [
        "sklearn/tree/_tree.pyx",
        "sklearn/tree/_criterion.pyx",
        "sklearn/tree/_splitter.pyx",
        "sklearn/tree/_utils.pyx",
        "sklearn/svm/libsvm.pyx",
        "sklearn/linear_model/cd_fast.pyx",
        "sklearn/utils/sparsefuncs_fast.pyx",
        "sklearn/cluster/_k_means.pyx",
        "sklearn/neighbors/quad_tree.pyx",
        "sklearn/_isotonic.pyx",
        "sklearn/metrics/pairwise_fast.pyx",
        "sklearn/utils/_cython_blas.pyx",
    ],
    "astropy": [
        "astropy/table/_np_utils.pyx",
        "astropy/table/_column_mixins.pyx",
        "astropy/io/ascii/cparser.pyx",
        "astropy/io/fits/_utils.pyx",
        "astropy/stats/_stats.pyx",
        "astropy/timeseries/periodograms/bls/_impl.pyx",
        "astropy/cosmology/scalar_inv_efuncs.pyx",
        "astropy/convolution/_convolve.pyx",
    ],
    "matplotlib": [
        "src/_path_wrapper.cpp",
        "src/ft2font_wrapper.cpp",
        "src/_image_wrapper.cpp",
        "src/_backend_agg_wrapper.cpp",
        "src/tri/_tri_wrapper.cpp",
        "src/_ttconv.cpp",
        "src/_c_internal_utils.c",
    ],
}
FUNCTIONS = {  # functions of each repository's Cython modules that an error excerpt shows
    "scikit-learn": (
        "node_impurity",
        "children_impurity",
        "proxy_impurity_improvement",
        "sift_down",
        "rand_int",
        "_dot",
    ),
    "astropy": (
        "_inv_efunc_scalar",
        "lcdm_inv_efunc",
        "bls_fast",
        "_fast_sigma_clip",
        "get_col_value",
        "tokenize_line",
    ),
    "matplotlib": ("point_in_path", "affine_transform"),
}


@dataclass
class Build:
    """One build of a run's testbed: which Python, which directories, which compilers."""

    run: Run
    rng: random.Random
    setup_line: int = 0  # where setup.py calls setup_package(), moved only by edits of setup.py

    def __post_init__(self) -> None:
        self.setup_line = self.setup_line or 230 + len(self.run.session) * 7 % 70

    @property
    def tag(self) -> str:
        return "3.6" if self.run.python == "3.6" else f"cpython-{self.run.python.replace('.', '')}"

    @property
    def include(self) -> str:
        return f"/opt/miniconda3/envs/testbed/include/python{self.run.python}{'m' if self.run.python == '3.6' else ''}"

    def failed(self, compiler: str = "gcc") -> str:
        if self.run.python == "3.6":
            return f"error: command '{compiler}' failed with exit status 1\n"
        return f"error: command '/usr/bin/{compiler}' failed with exit code 1\n"

    def module(self, source: str) -> str:
        if source.startswith("src/"):
            return "matplotlib." + source.rsplit("/", 1)[1].split(".")[0].removesuffix("_wrapper")
        return source.rsplit(".", 1)[0].replace("/", ".")

    def compile_line(self, source: str) -> str:
        c = source.replace(".pyx", ".c")
        compiler = "g++" if c.endswith(".cpp") else "gcc"
        return (
            f"{compiler} -pthread -B /opt/miniconda3/envs/testbed/compiler_compat -Wno-unused-result -Wsign-compare -DNDEBUG "
            f"-O2 -Wall -fPIC -O2 -isystem /opt/miniconda3/envs/testbed/include -fPIC "
            f"-I{self.run.site}/numpy/core/include -I{self.include} -c {c} -o build/temp.linux-x86_64-{self.tag}/{c.rsplit('.', 1)[0]}.o"
        )

    def preamble(self, sources: list[str]) -> str:
        lines = []
        for source in sources:
            if source.endswith(".pyx"):
                lines.append(f"Compiling {source} because it changed.")
        for i, source in enumerate(s for s in sources if s.endswith(".pyx")):
            lines.append(f"[{i + 1}/{len(sources)}] Cythonizing {source}")
        lines.append("running build_ext")
        return "\n".join(lines) + "\n"

    def numpy_warning(self, c: str) -> str:
        inc = f"{self.run.site}/numpy/core/include/numpy"
        return (
            f"In file included from {inc}/ndarraytypes.h:1822,\n                 from {inc}/ndarrayobject.h:12,\n"
            f"                 from {inc}/arrayobject.h:4,\n                 from {c}:{self.rng.randint(600, 1300)}:\n"
            f'{inc}/npy_1_7_deprecated_api.h:17:2: warning: #warning "Using deprecated NumPy API, disable it with " '
            '"#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION" [-Wcpp]\n'
            '   17 | #warning "Using deprecated NumPy API, disable it with " \\\n      |  ^~~~~~~\n'
        )

    def cython_error(self, source: str) -> str:
        """Cython 3 refusing code written for 0.29: exception specifications no longer match."""
        line, column = self.rng.randint(80, 1500), self.rng.randint(8, 60)
        function = self.rng.choice(FUNCTIONS[self.run.owner])
        return (
            "\nError compiling Cython file:\n------------------------------------------------------------\n...\n"
            f"        self.{function} = {function}\n------------------------------------------------------------\n\n"
            f"{source}:{line}:{column}: Cannot assign type 'double (double) except? -1 nogil' to 'double (*)(double) noexcept nogil'. "
            "Exception values are incompatible. Suggest adding 'noexcept' to the type of the value being assigned.\n"
            "Traceback (most recent call last):\n"
            f'  File "/testbed/setup.py", line {self.setup_line}, in <module>\n    setup_package()\n'
            f'  File "{self.run.site}/Cython/Build/Dependencies.py", line 1154, in cythonize_one\n'
            "    raise CompileError(None, pyx_file)\n"
            f"Cython.Compiler.Errors.CompileError: {source}\n"
        )

    def c_error(self, source: str) -> str:
        """Stale generated C against this Python's headers, or a missing header."""
        c = source.replace(".pyx", ".c")
        line = self.rng.randint(2000, 40000)
        if c.endswith(".cpp"):
            return (
                f"{self.compile_line(source)}\nIn file included from {c}:{self.rng.randint(3, 12)}:\n"
                f"src/ft2font.h:{self.rng.randint(14, 22)}:10: fatal error: ft2build.h: No such file or directory\n"
                "   18 | #include <ft2build.h>\n      |          ^~~~~~~~~~~~\ncompilation terminated.\n"
                + self.failed("g++")
            )
        if self.run.python == "3.6":
            message = "‘PyThreadState’ {aka ‘struct _ts’} has no member named ‘exc_state’; did you mean ‘exc_type’?"
            code = "tstate->exc_state.exc_type"
        elif self.run.python in ("3.10", "3.11"):
            message = "invalid use of incomplete typedef ‘PyFrameObject’ {aka ‘struct _frame’}"
            code = "__pyx_frame->f_lineno = __pyx_lineno;"
        else:
            message = "‘PyTypeObject’ {aka ‘struct _typeobject’} has no member named ‘tp_print’"
            code = "__pyx_type___pyx_array.tp_print = 0;"
        return (
            f"{self.compile_line(source)}\n{self.numpy_warning(c)}"
            f"{c}: In function ‘__Pyx_{self.rng.choice(['InitGlobals', 'modinit_type_init_code', 'ExceptionSave', 'AddTraceback'])}’:\n"
            f"{c}:{line}:{self.rng.randint(5, 30)}: error: {message}\n {line} |   {code}\n      |   ^~~~~~~~\n"
            + self.failed()
        )

    def ok(self, sources: list[str]) -> str:
        out = self.preamble(sources)
        for source in sources:
            module = self.module(source)
            out += f"building '{module}' extension\n{self.compile_line(source)}\n"
            obj = source.replace(".pyx", ".c").rsplit(".", 1)[0]
            out += (
                f"gcc -pthread -shared -B /opt/miniconda3/envs/testbed/compiler_compat -Wl,-rpath,/opt/miniconda3/envs/testbed/lib "
                f"build/temp.linux-x86_64-{self.tag}/{obj}.o -o /testbed/{module.replace('.', '/')}"
                f".cpython-{self.run.python.replace('.', '')}{'m' if self.run.python == '3.6' else ''}-x86_64-linux-gnu.so\n"
            )
        return out

    def pip_wrap(self, inner: str) -> str:
        name = self.run.top
        lines = inner.rstrip("\n").splitlines()
        return (
            "Obtaining file:///testbed\n  Preparing metadata (setup.py): started\n"
            "  Preparing metadata (setup.py): finished with status 'done'\n"
            f"Installing collected packages: {name}\n  Running setup.py develop for {name}\n"
            "    error: subprocess-exited-with-error\n    \n    × python setup.py develop did not run successfully.\n"
            f"    │ exit code: 1\n    ╰─> [{len(lines)} lines of output]\n"
            + "".join(f"        {line}\n" for line in lines)
            + "        [end of output]\n    \n    note: This error originates from a subprocess, and is likely not a problem with pip.\n"
            "error: subprocess-exited-with-error\n\n× python setup.py develop did not run successfully.\n│ exit code: 1\n"
            "╰─> See above for output.\n\nnote: This error originates from a subprocess, and is likely not a problem with pip.\n"
        )


def build_step(rng: random.Random, thought: str, output: str, failed: bool) -> Step:
    """A build in one of the ways agents spell it; piped through tail it prints less and exits as tail does."""
    command = pick(
        rng,
        "python setup.py build_ext --inplace",
        "python setup.py build_ext -i",
        "python setup.py build_ext --inplace -j 2",
        "python setup.py build_ext --inplace 2>&1 | tail -n 40",
    )
    if command.endswith("tail -n 40"):
        return step(thought, command, 0, "".join(output.splitlines(keepends=True)[-40:]), 50)
    return step(thought, command, int(failed), output, 50)


def cython_pinned(run: Run) -> str:
    tag = "cp36-cp36m" if run.python == "3.6" else f"cp{run.python.replace('.', '')}-cp{run.python.replace('.', '')}"
    return (
        f"Collecting cython<3.0\n  Downloading Cython-0.29.37-{tag}-manylinux_2_17_x86_64.manylinux2014_x86_64."
        "manylinux_2_24_x86_64.whl (1.9 MB)\nInstalling collected packages: cython\n  Attempting uninstall: Cython\n"
        "    Found existing installation: Cython 3.0.11\n    Uninstalling Cython-3.0.11:\n"
        "      Successfully uninstalled Cython-3.0.11\nSuccessfully installed Cython-0.29.37\n"
    )
