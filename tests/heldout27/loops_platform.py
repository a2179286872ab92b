"""Loops against what the platform lacks: a TeX installation and a container runtime."""

# ruff: noqa: E501
from __future__ import annotations

import random

from heldout20.calls import Step
from heldout27.text import Attempt, Ctx, cycle, tmpname

_TEX = ("latex", "pdflatex", "dvipng", "kpsewhich", "gs", "xelatex", "lualatex", "latexmk", "tlmgr", "tectonic")


def tex_missing(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """Checking the rendered output needs TeX, and there is no TeX anywhere on the machine."""
    formula = rng.choice([r"$\alpha^{2}$", r"$10^{-3}$", r"$\Delta T^{2}$", r"$x \le 10^{3}$", r"$\sqrt[3]{2}$"])

    def render() -> Step:
        what = rng.choice(["latex", "dvipng", "gs", "kpsewhich"])
        return Step(
            "Rendering the output with usetex once more to compare it with the issue's screenshot.",
            f"python -c \"import {ctx.module}; from matplotlib import rcParams; rcParams['text.usetex'] = True; import matplotlib.pyplot as plt; plt.figure(); plt.title(r'{formula}'); plt.savefig('{tmpname(rng, 'out')}.png', dpi={rng.choice([72, 100, 150])})\" 2>&1 | tail -4",
            rng.choice(
                [
                    f"RuntimeError: Failed to process string with tex because {what} could not be found",
                    f"FileNotFoundError: [Errno 2] No such file or directory: '{what}'",
                    "RuntimeError: Ghostscript is not installed; it is required to process PostScript files",
                    f"RuntimeError: latex was not able to process the following string:\nb'{formula}'\n\nlatex: command not found",
                ]
            ),
            rc=1,
            seconds=rng.uniform(1, 6),
        )

    def which() -> Step:
        tools = rng.sample(_TEX, rng.randint(2, 5))
        return Step(
            "Is any TeX engine installed under some other name or path?",
            rng.choice(
                [
                    f"which {' '.join(tools)}; echo rc=$?",
                    f"command -v {' '.join(tools)} || echo none",
                    f"type -a {tools[0]} {tools[1]}",
                ]
            ),
            rng.choice(["rc=1", "none", f"bash: type: {tools[0]}: not found\nbash: type: {tools[1]}: not found"]),
            rc=1,
        )

    def find() -> Step:
        root = rng.choice(["/usr", "/opt", "/", "/usr/local", "/opt/miniconda3"])
        name = rng.choice(["pdflatex*", "*latex*", "article.cls", "dvipng", "texmf*", "gs"])
        return Step(
            "Searching the filesystem for a TeX installation that just isn't on PATH.",
            f"find {root} -name '{name}' -not -path '*/proc/*' 2>/dev/null | head -{rng.choice([5, 10, 20])}",
            rng.choice(
                [
                    "",
                    f"{ctx.site}/matplotlib/mpl-data/stylelib/_classic_test_patch.mplstyle"
                    if name == "*latex*"
                    else "",
                    f"{ctx.site}/sphinx/texinputs/sphinx.sty" if name == "*latex*" else "",
                ]
            ),
            seconds=rng.uniform(2, 25),
        )

    def conda() -> Step:
        pkg = rng.choice(["texlive-core", "tectonic", "ghostscript", "dvipng", "texlive-core=20180414"])
        return Step(
            f"conda-forge packages {pkg.split('=')[0]}; let me install it into the env.",
            f"conda install -y -c conda-forge {pkg} 2>&1 | tail -7",
            rng.choice(
                [
                    "Collecting package metadata (repodata.json): failed\n\nUnavailableInvalidChannel: HTTP 404 NOT FOUND for channel conda-forge <https://conda.anaconda.org/conda-forge>\n\nThe channel is not accessible or is invalid.",
                    f"Solving environment: failed\n\nPackagesNotFoundError: The following packages are not available from current channels:\n\n  - {pkg}",
                    f"\nCondaError: Cannot link a source that does not exist. /opt/miniconda3/pkgs/{pkg.split('=')[0]}-{rng.randint(2018, 2023)}-h{rng.randrange(16**7):07x}_{rng.randint(0, 9)}/bin",
                ]
            ),
            rc=1,
            seconds=rng.uniform(10, 60),
        )

    def pip_tex() -> Step:
        pkg = rng.choice(["latex", "pytinytex", "tectonic", "pylatex", "dvipng"])
        return Step(
            f"Maybe pip has a self-contained TeX ({pkg}).",
            f'pip install {pkg} 2>&1 | tail -3 && python -c \'import shutil; print(shutil.which("latex"), shutil.which("dvipng"))\'',
            rng.choice(
                [
                    f"ERROR: Could not find a version that satisfies the requirement {pkg} (from versions: none)\nERROR: No matching distribution found for {pkg}",
                    f"Successfully installed {pkg}-{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}\nNone None",
                ]
            ),
            rc=rng.choice([0, 1]),
            seconds=rng.uniform(4, 20),
        )

    def tinytex() -> Step:
        where = tmpname(rng, "tex")
        return Step(
            "I'll unpack a portable TeX into /tmp and put it on PATH.",
            rng.choice(
                [
                    f"mkdir -p {where} && cd {where} && python -c 'import pytinytex; pytinytex.download_tinytex()' 2>&1 | tail -3",
                    f"ls /usr/share/texlive /usr/local/texlive {where} 2>&1",
                    f"export PATH={where}/bin/x86_64-linux:$PATH && latex --version 2>&1 | head -2",
                ]
            ),
            rng.choice(
                [
                    "ModuleNotFoundError: No module named 'pytinytex'",
                    "ls: cannot access '/usr/share/texlive': No such file or directory\nls: cannot access '/usr/local/texlive': No such file or directory",
                    "bash: latex: command not found",
                    f"PermissionError: [Errno 13] Permission denied: '{where}/bin/x86_64-linux/tlmgr' (tmp is mounted noexec)",
                ]
            ),
            rc=rng.choice([1, 2, 127]),
            seconds=rng.uniform(1, 8),
        )

    def test() -> Step:
        k = rng.choice(["usetex", "latex", "tex", "math_text", "mathtext and tex"])
        return Step(
            "Running the rendering tests again to see which of them depend on TeX.",
            f"python -m pytest {ctx.test_file} -q -rs -k '{k}' 2>&1 | tail -{rng.choice([6, 8, 10])}",
            f"FAILED {ctx.test_file}::test_{ctx.stem}_{k.split()[0]}_render[png] - RuntimeError: Failed to process string with tex because {rng.choice(['latex', 'dvipng'])} could not be found\nFAILED {ctx.test_file}::test_{ctx.stem}_{k.split()[0]}_render[pdf] - RuntimeError: {rng.choice(['latex', 'Ghostscript'])} {rng.choice(['could not be found', 'is not installed'])}\n{rng.randint(2, 4)} failed, {rng.randint(3, 40)} passed, {rng.randint(0, 6)} skipped in {rng.uniform(1, 14):.2f}s",
            rc=1,
            seconds=rng.uniform(3, 30),
        )

    def docs() -> Step:
        return Step(
            "Perhaps building the docs as LaTeX shows the output without needing the image tests.",
            rng.choice(
                [
                    "make -C doc latexpdf 2>&1 | tail -5",
                    "python -m sphinx -b latex doc /tmp/latexout -q && make -C /tmp/latexout 2>&1 | tail -4",
                    "cd doc && make latexpdf SPHINXOPTS=-q 2>&1 | tail -3",
                ]
            ),
            rng.choice(
                [
                    "latexmk -pdf -dvi- -ps- 'python.tex'\nmake[1]: latexmk: No such file or directory\nmake: *** [Makefile:46: latexpdf] Error 2",
                    "make: *** No rule to make target 'latexpdf'.  Stop.",
                    "make[1]: xelatex: Command not found\nmake[1]: *** [Makefile:32: all-pdf] Error 127",
                ]
            ),
            rc=2,
            seconds=rng.uniform(5, 60),
        )

    opening = [
        Step(
            "The issue is about how the label renders with usetex. Let me reproduce it with text.usetex enabled.",
            f"python {ctx.repro} 2>&1 | tail -5",
            f'  File "{ctx.site}/matplotlib/texmanager.py", line {rng.randint(230, 290)}, in _run_checked_subprocess\n    raise RuntimeError(\nRuntimeError: Failed to process string with tex because latex could not be found',
            rc=1,
            seconds=rng.uniform(2, 6),
        )
    ]
    attempts: list[Attempt] = [render, which, find, conda, pip_tex, tinytex, test, docs]
    return cycle(ctx, rng, n, opening, attempts, "the missing TeX installation")


def container_runtime_unavailable(ctx: Ctx, rng: random.Random, n: int) -> list[Step]:
    """The issue only shows on another Python, and nothing here can run one: no daemon, no namespaces."""
    want = rng.choice(["3.12", "3.11", "3.8", "3.13"])
    image = f"python:{want}-slim"

    def docker() -> Step:
        return Step(
            f"I'll run the reproduction in a {want} container.",
            rng.choice(
                [
                    f"docker run --rm -v $PWD:/src -w /src {image} python {ctx.repro}",
                    f"docker pull {image} 2>&1 | tail -2",
                    "docker info 2>&1 | tail -3",
                    f"DOCKER_HOST=unix:///run/user/0/docker.sock docker run --rm {image} python -V",
                ]
            ),
            rng.choice(
                [
                    "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.\nSee 'docker run --help'.",
                    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
                    "bash: docker: command not found",
                    "Cannot connect to the Docker daemon at unix:///run/user/0/docker.sock. Is the docker daemon running?",
                ]
            ),
            rc=rng.choice([1, 125, 127]),
            seconds=rng.uniform(1, 4),
        )

    def dockerd() -> Step:
        log = tmpname(rng, "dockerd") + ".log"
        return Step(
            "The daemon is not running; let me start one in the background.",
            f"(dockerd > {log} 2>&1 &) ; sleep {rng.choice([3, 5, 8])}; tail -4 {log}",
            rng.choice(
                [
                    f'time="2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}.{rng.randint(100000, 999999)}Z" level=info msg="Starting up"\nfailed to start daemon: Error initializing network controller: error obtaining controller instance: failed to create NAT chain DOCKER: iptables failed: iptables -t nat -N DOCKER: iptables v1.8.7 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)',
                    "bash: dockerd: command not found",
                    f'failed to start daemon: Devices cgroup isn\'t mounted\ntime="2024-0{rng.randint(1, 9)}-0{rng.randint(1, 9)}T1{rng.randint(0, 9)}:0{rng.randint(0, 9)}:3{rng.randint(0, 9)}Z" level=warning msg="Running in rootless mode requires newuidmap"',
                ]
            ),
            rc=0,
            seconds=rng.uniform(4, 10),
        )

    def podman() -> Step:
        return Step(
            "Podman doesn't need a daemon; trying it rootless.",
            rng.choice(
                [
                    f"podman run --rm -v $PWD:/src:Z -w /src {image} python {ctx.repro}",
                    f"podman --storage-driver=vfs run --rm {image} python -V",
                    f"podman --cgroup-manager=cgroupfs run --rm docker.io/library/{image} true",
                ]
            ),
            rng.choice(
                [
                    "Error: cannot setup namespace using newuidmap: exit status 1",
                    'ERRO[0000] cannot find UID/GID for user root: no subuid ranges found for user "root" in /etc/subuid\nError: cannot set up namespace using "/usr/bin/newuidmap": should have setuid or have filecaps setuid: fork/exec /usr/bin/newuidmap: operation not permitted',
                    "bash: podman: command not found",
                    f"Error: mount /var/lib/containers/storage/overlay:/var/lib/containers/storage/overlay, flags: 0x1000: operation not permitted\nWARN[0000] Failed to detect the owner for the current cgroup: stat /sys/fs/cgroup/{rng.choice(['system.slice', 'user.slice', 'init.scope'])}: no such file or directory",
                ]
            ),
            rc=rng.choice([125, 127]),
            seconds=rng.uniform(1, 6),
        )

    def unshare() -> Step:
        return Step(
            "Checking whether user namespaces are allowed at all, since every runtime needs them.",
            rng.choice(
                [
                    "unshare -r id",
                    "unshare -Ur true; echo $?",
                    "cat /proc/sys/user/max_user_namespaces /proc/sys/kernel/unprivileged_userns_clone 2>&1",
                    "ls -l /usr/bin/newuidmap /etc/subuid 2>&1",
                ]
            ),
            rng.choice(
                [
                    "unshare: unshare failed: Operation not permitted",
                    "0\ncat: /proc/sys/kernel/unprivileged_userns_clone: No such file or directory",
                    "ls: cannot access '/usr/bin/newuidmap': No such file or directory\nls: cannot access '/etc/subuid': No such file or directory",
                    "unshare: write failed /proc/self/uid_map: Operation not permitted",
                ]
            ),
            rc=1,
        )

    def interpreters() -> Step:
        return Step(
            f"Perhaps a python{want} binary exists somewhere already.",
            rng.choice(
                [
                    "ls /usr/bin/python3* /usr/local/bin/python3* /opt/miniconda3/bin/python3* 2>/dev/null",
                    f"which python{want} python3 || true",
                    "conda env list",
                    f"find / -maxdepth 4 -name 'python{want}*' -type f 2>/dev/null | head",
                ]
            ),
            rng.choice(
                [
                    f"/opt/miniconda3/bin/python3\n/opt/miniconda3/bin/python3.{rng.choice([10, 11])}\n/usr/bin/python3\n/usr/bin/python3.{rng.choice([8, 10])}",
                    "/usr/bin/python3",
                    "# conda environments:\n#\nbase                     /opt/miniconda3\ntestbed               *  /opt/miniconda3/envs/testbed",
                    "",
                ]
            ),
        )

    def conda_py() -> Step:
        where = tmpname(rng, "py")
        return Step(
            f"conda can make a python={want} environment without any container.",
            f"conda create -y -p {where} python={want} 2>&1 | tail -6",
            f"Collecting package metadata (current_repodata.json): done\nSolving environment: failed\n\nPackagesNotFoundError: The following packages are not available from current channels:\n\n  - python={want}\n\nCurrent channels:\n\n  - http://mirror.internal/conda/main/linux-64",
            rc=1,
            seconds=rng.uniform(8, 40),
        )

    def uv() -> Step:
        tool = rng.choice(["uv", "pyenv", "tox"])
        cmd = {
            "uv": f"uv python install {want} 2>&1 | tail -3",
            "pyenv": f"pyenv install -s {want} 2>&1 | tail -4",
            "tox": f"tox -e py{want.replace('.', '')} 2>&1 | tail -4",
        }[tool]
        out = {
            "uv": f"error: Failed to install cpython-{want}.{rng.randint(0, 9)}-linux-x86_64-gnu\n  Caused by: Request failed after {rng.randint(2, 4)} retries\n  Caused by: error sending request for url (https://github.com/astral-sh/python-build-standalone/releases/download/2024{rng.randint(1000, 1231)}/cpython-{want}...)",
            "pyenv": "bash: pyenv: command not found",
            "tox": f"py{want.replace('.', '')}: skipped because could not find python interpreter with spec(s): py{want.replace('.', '')}\n  py{want.replace('.', '')}: SKIP ({rng.uniform(0.01, 0.4):.2f} seconds)\n  evaluation failed :( ({rng.uniform(0.1, 1.5):.2f} seconds)",
        }[tool]
        return Step(
            f"Let me try {tool} to get a {want} interpreter.",
            cmd,
            out,
            rc=rng.choice([1, 2, 127]),
            seconds=rng.uniform(2, 30),
        )

    def repro() -> Step:
        return Step(
            f"On this interpreter ({ctx.py}) the repro still behaves correctly, so the bug really is specific to {want}.",
            f"python {ctx.repro} 2>&1 | tail -{rng.choice([3, 4, 6])}",
            f"python {ctx.py}.{rng.randint(10, 20)}\nresult: OK ({rng.randint(2, 40)} items, {rng.uniform(0.01, 0.9):.3f}s)\nexpected failure from the issue not reproduced",
            seconds=rng.uniform(1, 4),
        )

    opening = [
        Step(
            f"The issue says this only happens on Python {want}, and the environment has {ctx.py}. I need a {want} interpreter to see the failure; a container is the quickest way.",
            f"docker run --rm -v $PWD:/src -w /src {image} python {ctx.repro}",
            "docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.\nSee 'docker run --help'.",
            rc=125,
        )
    ]
    attempts: list[Attempt] = [docker, dockerd, podman, unshare, interpreters, conda_py, uv, repro]
    return cycle(ctx, rng, n, opening, attempts, f"getting a Python {want} runtime without containers or a daemon")
