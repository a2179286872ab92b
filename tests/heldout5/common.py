"""Step constructors and the openings every session starts with (orientation before the real work)."""

from __future__ import annotations

import random

from heldout.shapes import Step

from .drift import fill
from .eco import Eco


def sh(cmd: str, out: str, code: int = 0, secs: float = 0.0) -> Step:
    return Step("shell", cmd, out, code, seconds=secs)


def read(path: str, text: str) -> Step:
    return Step("read", path, text)


def edit(path: str, old: str, new: str) -> Step:
    return Step("edit", path, old, extra=new)


def grep(pattern: str, out: str, where: str = ".") -> Step:
    return Step("grep", pattern, out, extra=where)


def todo(items: str) -> Step:
    return Step("todo", items, "")


_MANIFESTS = ("build.zig", "rebar.config", "Chart.yaml", "project.clj", "dune-project", "Project.toml", "DESCRIPTION")


def source(eco: Eco, rng: random.Random, path: str, variant: int = 0) -> str:
    """A plausible excerpt of `path`, one of the ecosystem's snippets, with its names filled in."""
    if path == eco.config_file or path.endswith(_MANIFESTS):
        return fill(eco.config_text, rng, value=variant + 1)
    snippet = eco.snippets[(variant + len(path)) % len(eco.snippets)]
    return fill(snippet, rng, name=eco.idents[variant % len(eco.idents)], value=variant + 1)


def opening(eco: Eco, rng: random.Random, calls: int) -> list[Step]:
    """`calls` steps of orientation: a plan, the tree, the files involved, a search and the first test run."""
    files = rng.sample(eco.files[:4], k=3)
    pool = [
        todo(f"Reproduce the failure;Find the cause in {files[0]};Fix it and rerun {eco.name} checks"),
        sh("git status --short && git log --oneline -5", fill(eco.git_log, rng)),
        sh(
            f"ls {eco.src_dir}",
            "\n".join(sorted(f.split("/")[-1] for f in eco.files if f.startswith(eco.src_dir + "/"))),
        ),
        read(files[0], source(eco, rng, files[0])),
        grep(
            eco.idents[0],
            "\n".join(f"{f}:@line@:  {eco.idents[0]}" for f in files[:2]).replace("@line@", str(rng.randint(8, 200))),
            eco.src_dir,
        ),
        read(files[1], source(eco, rng, files[1], 1)),
        sh(eco.build_cmd, fill(eco.build_ok, rng), secs=rng.uniform(2, 30)),
        read(files[2], source(eco, rng, files[2], 2)),
        sh("cat README.md | head -20", fill(eco.readme, rng)),
        grep("TODO|FIXME", f"{files[1]}:{rng.randint(5, 90)}:    # TODO: handle the empty case", eco.src_dir),
        sh(
            f"git log -3 --format='%h %an %s' -- {files[0]}",
            fill("@sha@ Dana Ilves fix rounding\n@sha@ Ravi Nand bump deps\n@sha@ Dana Ilves initial import", rng),
        ),
        read(eco.config_file, fill(eco.config_text, rng, value=1)),
    ]
    return pool[:calls]


_LOOKS = {
    "ls": (
        "total @n@\ndrwxr-xr-x @n@ dev dev 4096 Nov @n@ @clock@ .\n-rw-r--r-- 1 dev dev @kb@ Nov @n@ @clock@ cache.db",
        0,
    ),
    "env": ("", 1),
    "which": ("", 1),
    "cat": ("cat: No such file or directory", 1),
    "du": ("@kb@K\t.", 0),
    "ss": ("", 1),
    "stat": (
        "  File: _build/.lock\n  Size: 0\tBlocks: 0\tIO Block: 4096\tregular empty file\nModify: 2026-11-@n@ @clock@.@kb@ +0000",
        0,
    ),
    "ps": ("dev   @pid@  0.0  0.1 @kb@ @kb@ pts/0  S+  @clock@  0:00 grep --color=auto dune", 0),
    "hostname": ("ws-@hex@", 0),
    "epmd": ("epmd: Cannot connect to local epmd", 1),
    "pg_isready": ("localhost:5432 - no response", 2),
    "pkg-config": ("Package libcurl was not found in the pkg-config search path.\nNo package 'libcurl' found", 1),
}


def attempt(cmd: str, error: str, rng: random.Random) -> Step:
    """An agent's try against a blocker: a look-around command prints what it prints, anything else the error."""
    look = _LOOKS.get(cmd.split()[0])
    if look is not None:
        return sh(cmd, fill(look[0], rng), look[1])
    return sh(cmd, fill(error, rng), 1, rng.uniform(0.5, 25))
