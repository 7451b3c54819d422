"""Does the code use anything Python 3.12–3.14 removed or changed? (the phone's Python)

``flet build`` bundles CPython 3.12, 3.13 or 3.14; this machine runs 3.11. mypy's stub library
(typeshed) knows, per version, which modules, functions and signatures exist. The check runs
mypy over ``app`` as Python 3.11 and as 3.14 and fails on every finding that only 3.14 has: a
module or name that is gone, a call whose signature changed. (Findings both versions share are
type-checking matters, not version matters, and are not this check's business.)
"""

from __future__ import annotations

import re
import subprocess
import sys

LOWEST, NEWEST = "3.11", "3.14"
FINDING = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+): error: (?P<text>.*?)\s+\[(?P<code>[a-z-]+)\]$"
)


def findings(version: str) -> dict[tuple[str, str, str], str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--python-version",
            version,
            "--follow-imports=silent",
            "--no-error-summary",
            "--no-pretty",
            "--cache-dir",
            f".mypy_cache/{version}",
            "app",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        sys.exit(f"mypy failed to run:\n{done.stderr}")
    found = {}
    for line in done.stdout.splitlines():
        match = FINDING.match(line)
        if match:
            key = (match["path"], match["line"], match["code"])
            found[key] = match["text"]
    return found


def main() -> int:
    lowest, newest = findings(LOWEST), findings(NEWEST)
    only_newest = sorted(set(newest) - set(lowest))
    for path, line, code in only_newest:
        print(f"{path}:{line}: only on Python {NEWEST}: {newest[path, line, code]} [{code}]")
    if only_newest:
        return 1
    print(f"Python {NEWEST}: nothing removed or changed since {LOWEST} is used by app/.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
