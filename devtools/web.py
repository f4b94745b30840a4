"""Build the web app (web/) when its sources changed: `npm ci` when the lock changed, then
`npm run build` (type check + Vite) into web/dist. Node >= 20.19 is needed (Vite's floor).

    python -m devtools.web build       # what `make run` and `make test` run
    python -m devtools.web check-node  # exit 0 when this machine's Node can build the app
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WEB = REPO / "web"
DIST = WEB / "dist"
BUILD_STAMP = DIST / ".source-hash"
INSTALL_STAMP = WEB / "node_modules" / ".lock-hash"
MIN_NODE = (20, 19)
SOURCES = ("package.json", "package-lock.json", "index.html", "vite.config.ts", "tsconfig.json")
SOURCE_DIRS = ("src", "public")
INSTALL_HINT = (
    "install Node.js >= 20.19 (e.g. from https://nodejs.org or `nvm install 20`) "
    "to build the web app"
)


class NodeMissingError(RuntimeError):
    pass


def node_version() -> tuple[int, int] | None:
    node = shutil.which("node")
    if node is None:
        return None
    output = subprocess.run([node, "--version"], capture_output=True, text=True, check=False)
    match = re.match(r"v(\d+)\.(\d+)", output.stdout.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def require_node() -> None:
    version = node_version()
    if version is None:
        raise NodeMissingError(f"Node.js not found: {INSTALL_HINT}")
    if version < MIN_NODE:
        raise NodeMissingError(f"Node.js {version[0]}.{version[1]} is too old: {INSTALL_HINT}")


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(WEB)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def source_hash() -> str:
    files = [WEB / name for name in SOURCES if (WEB / name).is_file()]
    for folder in SOURCE_DIRS:
        files += [
            p for p in (WEB / folder).rglob("*") if p.is_file() and not p.name.endswith(".test.ts")
        ]
    return _digest(files)


def _npm(*args: str) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise NodeMissingError(f"npm not found: {INSTALL_HINT}")
    env = {**os.environ, "npm_config_fund": "false", "npm_config_audit": "false"}
    subprocess.run([npm, *args], cwd=WEB, check=True, env=env)


def ensure_dependencies() -> None:
    """`npm ci` when node_modules is missing or was installed from another lock."""
    wanted = _digest([WEB / "package-lock.json"])
    if INSTALL_STAMP.is_file() and INSTALL_STAMP.read_text() == wanted:
        return
    print("web: npm ci")
    _npm("ci", "--no-audit", "--no-fund", "--loglevel=error")
    INSTALL_STAMP.write_text(wanted)


def ensure_built() -> bool:
    """Build web/dist unless it was built from these very sources. True when it built."""
    require_node()
    ensure_dependencies()
    wanted = source_hash()
    if BUILD_STAMP.is_file() and BUILD_STAMP.read_text() == wanted:
        return False
    print("web: building web/dist")
    _npm("run", "build", "--silent")
    BUILD_STAMP.write_text(wanted)
    return True


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "build"
    try:
        if command == "check-node":
            require_node()
        elif command == "build":
            ensure_built()
        elif command == "install":
            require_node()
            ensure_dependencies()
        else:
            print(f"unknown command {command}", file=sys.stderr)
            return 2
    except NodeMissingError as error:
        print(f"web: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
