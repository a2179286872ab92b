"""A compiled piece an agent builds: where, from what, against which library, and how it is checked."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Native:
    """One compiled module, where it is built, what it links and includes, and how it is checked."""

    label: str  # how the agent names it
    root: str  # where it is built
    module: str  # its import name
    source: str  # its C or C++ source, from root
    pyx: str  # its Cython source, or ""
    lib: str  # the library it links, as `-l` names it
    libdir: str  # where the build finds that library
    symbols: tuple[str, ...]  # what it calls from that library or a helper file
    headers: tuple[str, ...]  # what it includes beyond Python's, in the order a chase meets them
    numpy: bool
    static: str  # a static library it links, or ""
    objects: tuple[str, ...]  # that library's members
    cmake: str  # a dependency built with CMake: its source tree, or ""
    needs: tuple[str, ...]  # what that tree's CMakeLists find_package()s
    check: str  # a one-line use of the module, as `python -c` runs it
    tests: str  # the command running its tests, or "" for the repository's own
    shows: str = "ok"  # what `check` prints when the module works

    @property
    def cd(self) -> str:
        return "" if self.root == "/testbed" else f"cd {self.root} && "

    @property
    def build(self) -> str:
        return f"{self.cd}python setup.py build_ext --inplace"

    @property
    def ext(self) -> str:
        return self.pyx or self.source

    @property
    def prefix(self) -> str:
        """Where the package sits in its tree (matplotlib keeps it under lib/)."""
        return "lib/" if self.module.startswith("matplotlib.") else ""

    @property
    def mod_path(self) -> str:
        """The module's path inside a package tree (build/lib, site-packages), without its suffix."""
        parts = self.module.split(".")
        if self.root != "/testbed" and self.module.startswith("_"):
            return parts[-1]
        return "/".join(parts)

    @property
    def so_stem(self) -> str:
        """The built file's path from root, without its suffix."""
        return self.prefix + self.mod_path

    @property
    def cxx(self) -> bool:
        return self.source.endswith((".cpp", ".cc"))


CONDA = "/opt/miniconda3/envs/testbed"
SYS = "/usr/lib/x86_64-linux-gnu"
