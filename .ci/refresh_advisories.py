"""Refresh .ci/advisories/: PyPA's advisories of the packages installed in .venv, as OSV JSON.

`make audit` checks the pinned environment against this snapshot (.ci/osv_server.py answers
pip-audit from it), because the machines that run CI reach PyPI's index but not the
vulnerability services. Run this where the internet is reachable, then commit the result:

    .venv/bin/python .ci/refresh_advisories.py                  # clones pypa/advisory-database
    .venv/bin/python .ci/refresh_advisories.py --repo PATH      # a clone (or bare git dir) of it

Only the advisories of the packages in `pip freeze --all` (and Django, which the audit's own
test needs) are kept: vulns/<package>/*.yaml, converted to JSON, one file per package.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "advisories"
UPSTREAM = "https://github.com/pypa/advisory-database"


class _TextTimes(yaml.SafeLoader):
    """Keeps `published: 2024-08-07T15:15:00Z` as written: OSV dates are RFC 3339 strings."""


_TextTimes.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> set[str]:
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    names = {canonical(line.split("==")[0]) for line in freeze.splitlines() if "==" in line}
    return names | {"django"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(  # noqa: S603
        ["git", f"--git-dir={repo}", *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def git_dir(path: Path) -> Path:
    return path / ".git" if (path / ".git").exists() else path


def refresh(repo: Path) -> int:
    commit, date = git(repo, "log", "-1", "--format=%H %cs", "HEAD").split()
    folders = {canonical(n): n for n in git(repo, "ls-tree", "--name-only", "HEAD:vulns").split()}
    for old in OUT.glob("*.json"):
        old.unlink()
    total = 0
    kept = []
    for name in sorted(installed()):
        folder = folders.get(name)
        if folder is None:
            continue
        files = git(repo, "ls-tree", "--name-only", f"HEAD:vulns/{folder}").split()
        records = [
            yaml.load(git(repo, "show", f"HEAD:vulns/{folder}/{f}"), Loader=_TextTimes)  # noqa: S506
            for f in sorted(files)
            if f.endswith(".yaml")
        ]
        if not records:
            continue
        (OUT / f"{name}.json").write_text(json.dumps(records, indent=1, sort_keys=True) + "\n")
        total += len(records)
        kept.append(name)
    (OUT / "README.md").write_text(
        "# Advisories snapshot for `make audit`\n\n"
        f"Snapshot of {UPSTREAM} at commit {commit} ({date}): the OSV records under\n"
        "`vulns/<package>/` of the packages installed in `.venv`, converted from YAML to JSON\n"
        f"({total} advisories of {len(kept)} packages). Refresh with\n"
        "`.venv/bin/python .ci/refresh_advisories.py` where the internet is reachable.\n"
    )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="a clone or bare git dir of advisory-database")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.repo:
        total = refresh(git_dir(args.repo))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            clone = ["git", "clone", "--quiet", "--depth", "1", UPSTREAM, tmp]
            subprocess.run(clone, check=True)  # noqa: S603
            total = refresh(Path(tmp) / ".git")
    print(f"{total} advisories written to {OUT}")


if __name__ == "__main__":
    main()
