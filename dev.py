#!/usr/bin/env python3
"""Bootstrap for a fresh machine: `python3 dev.py demo` runs the tracker, `python3 dev.py test` the tests,
`python3 dev.py lint` the linters (ruff check, ruff format --check, the import layers).

Creates `.venv` with the project installed (re-installing only when pyproject.toml changes),
then hands over to the real command. Needs only Python 3.11+ with venv and pip.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".plantrack-installed"


def ensure_venv() -> None:
    """Create the virtualenv and install the project with its test extras if needed."""
    if sys.version_info < (3, 11):  # noqa: UP036  (dev.py may be started by an older python3)
        sys.exit("plantrack needs Python 3.11 or newer")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True)
    STAMP.write_text(wanted)


def main() -> int:
    """Dispatch `demo`, `test` or any other plantrack command."""
    if len(sys.argv) < 2:
        sys.exit("usage: python3 dev.py demo | test [pytest args] | lint | <plantrack command>")
    ensure_venv()
    cmd, rest = sys.argv[1], sys.argv[2:]
    os.chdir(ROOT)
    if cmd == "test":
        return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest])
    if cmd == "lint":
        checks = [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["lint-imports"]]
        return max(subprocess.call([str(BIN / c[0]), *c[1:]]) for c in checks)
    if cmd == "demo":
        args = rest or ["--today", "2023-07-01"]
        return subprocess.call([str(BIN / "plantrack"), "serve", "--demo", *args])
    return subprocess.call([str(BIN / "plantrack"), cmd, *rest])


if __name__ == "__main__":
    sys.exit(main())
