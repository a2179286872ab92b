"""What pip and the dynamic loader print: package versions, installs, load addresses."""

from __future__ import annotations

import random
import zlib

from heldout21.text import Ctx

# Versions pip would fetch for a package, oldest first.
VERSIONS = {
    "numpy": ["1.19.5", "1.21.6", "1.23.5", "1.24.4", "1.26.4"],
    "scipy": ["1.5.4", "1.7.3", "1.9.3", "1.10.1", "1.11.4"],
    "pandas": ["1.1.5", "1.3.5", "1.5.3", "2.0.3", "2.2.2"],
    "pillow": ["8.4.0", "9.5.0", "10.0.1", "10.4.0"],
    "matplotlib": ["3.3.4", "3.5.3", "3.7.5"],
    "lxml": ["4.6.5", "4.9.3", "5.2.2"],
    "cffi": ["1.14.6", "1.15.1", "1.16.0"],
    "kiwisolver": ["1.3.2", "1.4.4", "1.4.5"],
    "PyQt5": ["5.15.7", "5.15.9", "5.15.10"],
    "argon2-cffi": ["20.1.0", "21.3.0", "23.1.0"],
    "psycopg2-binary": ["2.8.6", "2.9.3", "2.9.9"],
    "wrapt": ["1.12.1", "1.14.1", "1.16.0"],
    "markupsafe": ["2.0.1", "2.1.3", "2.1.5"],
    "charset-normalizer": ["2.0.12", "3.3.2"],
}


def download_mb(package: str, version: str) -> float:
    """The size of a release's download: the same every time it is fetched."""
    return 1 + zlib.crc32(f"{package}=={version}".encode()) % 600 / 10


def pip_install(ctx: Ctx, package: str, new: str, old: str) -> str:
    """What pip prints replacing `old` with `new` of `package` from a downloaded wheel."""
    wheel_mb = download_mb(package, new)
    tag = "cp" + ctx.pyver.replace(".", "")
    return (
        f"Collecting {package}=={new}\n"
        f"  Downloading {package.replace('-', '_')}-{new}-{tag}-{tag}-manylinux_2_17_x86_64.manylinux2014_x86_64.whl ({wheel_mb:.1f} MB)\n"
        f"Installing collected packages: {package}\n  Attempting uninstall: {package}\n"
        f"    Found existing installation: {package} {old}\n    Uninstalling {package}-{old}:\n"
        f"      Successfully uninstalled {package}-{old}\nSuccessfully installed {package}-{new}\n"
        "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the "
        "system package manager, possibly rendering your system unusable.It is recommended to use a virtual environment "
        "instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and "
        "want to suppress this warning."
    )


def ldd_addr(rng: random.Random) -> str:
    return f"0x00007f{rng.randrange(16**7):07x}000"
