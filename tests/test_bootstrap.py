"""The first of the README's commands on a machine without uv: scripts/bootstrap.sh installs uv with
the machine's own Python (also a distribution's Python that refuses pip installs outside a virtual
environment, as Debian's does) and then installs the locked packages."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT


def machine_python() -> str:
    """Debian's own Python when it is here (the hard case: PEP 668), else the one on PATH."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-m", "pip", "--version"],
                                        capture_output=True).returncode == 0:
            return candidate
    pytest.skip("no Python with pip on this machine")


def test_bootstrap_installs_uv_when_it_is_missing(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(machine_python())
    home, user_base = tmp_path / "home", tmp_path / "userbase"
    home.mkdir()
    env = {
        "HOME": str(home),  # no ~/.local/bin/uv
        "PATH": f"{bin_dir}:/usr/bin:/bin",  # no uv anywhere on it
        "PYTHONUSERBASE": str(user_base),
        # The packages are already installed here; the real cache spares any download.
        "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv")),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    assert subprocess.run(["bash", "-c", "command -v uv"], env=env).returncode != 0
    result = subprocess.run(["bash", "-c", "source scripts/bootstrap.sh && command -v uv"],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Installing uv (first run only)" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == str(user_base / "bin" / "uv")
