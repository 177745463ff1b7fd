"""A local OSV-compatible vulnerability service answering from a snapshot (stdlib only).

pip-audit's OSV service (`--vulnerability-service osv --osv-url URL`) POSTs
{"package": {"name", "ecosystem"}, "version"} to /v1/query and reads {"vulns": [...]}
({} when none). /v1/querybatch answers {"results": [{"vulns": [{"id", "modified"}]}, ...]}
as api.osv.dev does. The records are .ci/advisories/<package>.json (refresh_advisories.py).

    python .ci/osv_server.py [--advisories DIR] [--port 0] [--port-file FILE]
    python .ci/osv_server.py [--advisories DIR] -- COMMAND ... {osv_url} ...

The first form serves until interrupted and prints "listening on http://127.0.0.1:PORT" (and
writes PORT to --port-file) once it listens. The second serves on a free port while it runs
COMMAND, with {osv_url} replaced by the query address, and exits with COMMAND's status
(`make audit` runs pip-audit this way).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import threading
from functools import total_ordering
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

_VERSION = re.compile(
    r"^v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)"
    r"(?:[-_.]?(?P<pre>a|b|c|rc|alpha|beta|pre|preview)[-_.]?(?P<pre_n>\d*))?"
    r"(?:(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post>\d*))|-(?P<post_implicit>\d+))?"
    r"(?:[-_.]?dev[-_.]?(?P<dev>\d*))?(?:\+[a-z0-9.]+)?$",
    re.IGNORECASE,
)
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}


@total_ordering
class Version:
    """PEP 440 ordering of the version forms advisories use (epoch, release, pre, post, dev)."""

    def __init__(self, text: str) -> None:
        match = _VERSION.match(text.strip())
        if not match:
            raise ValueError(f"not a version: {text!r}")
        release = [int(p) for p in match["release"].split(".")]
        while len(release) > 1 and release[-1] == 0:
            release.pop()
        post = match["post"] if match["post"] is not None else match["post_implicit"]
        dev = int(match["dev"] or 0) if match["dev"] is not None else None
        pre = (_PRE[match["pre"].lower()], int(match["pre_n"] or 0)) if match["pre"] else None
        # A dev release sorts before its pre-releases; a final release after them.
        if pre is None:
            pre_key: tuple[float, int] = (-1, 0) if dev is not None and post is None else (9, 0)
        else:
            pre_key = pre
        self.key = (
            int(match["epoch"] or 0),
            tuple(release),
            pre_key,
            int(post) if post is not None else -1,
            dev if dev is not None else float("inf"),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.key == other.key

    def __lt__(self, other: Version) -> bool:
        return self.key < other.key

    def __hash__(self) -> int:
        return hash(self.key)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _in_range(version: Version, events: list[dict[str, str]]) -> bool:
    """OSV's ECOSYSTEM range: walk the events in version order (introduced "0" first)."""

    def at(event: dict[str, str]) -> Version:
        value = next(iter(event.values()))
        return Version("0") if value == "0" else Version(value)

    affected = False
    for event in sorted(events, key=at):
        kind = next(iter(event))
        if kind == "introduced" and version >= at(event):
            affected = True
        elif kind == "fixed" and version >= at(event):
            affected = False
        elif kind == "last_affected" and version > at(event):
            affected = False
    return affected


def affects(record: dict[str, Any], name: str, text: str) -> bool:
    try:
        version = Version(text)
    except ValueError:
        version = None
    for affected in record.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI" or canonical(package.get("name", "")) != name:
            continue
        if text in affected.get("versions", []):
            return True
        if version is None:
            continue
        for span in affected.get("ranges", []):
            if span.get("type") == "ECOSYSTEM" and _in_range(version, span.get("events", [])):
                return True
    return False


class Advisories:
    def __init__(self, folder: Path) -> None:
        self.by_package: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(folder.glob("*.json")):
            for record in json.loads(path.read_text()):
                for affected in record.get("affected", []):
                    name = canonical(affected.get("package", {}).get("name", ""))
                    bucket = self.by_package.setdefault(name, [])
                    if record not in bucket:
                        bucket.append(record)

    def query(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        package = body.get("package") or {}
        if package.get("ecosystem", "PyPI") != "PyPI" or "version" not in body:
            return []
        name = canonical(str(package.get("name", "")))
        version = str(body["version"])
        return [r for r in self.by_package.get(name, []) if affects(r, name, version)]


def handler_for(advisories: Advisories) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            try:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
            except (ValueError, json.JSONDecodeError):
                self._answer(400, {"message": "invalid JSON"})
                return
            if self.path == "/v1/query":
                vulns = advisories.query(body)
                self._answer(200, {"vulns": vulns} if vulns else {})
            elif self.path == "/v1/querybatch":
                results = [
                    {"vulns": [{"id": r["id"], "modified": r.get("modified")} for r in found]}
                    if (found := advisories.query(q))
                    else {}
                    for q in body.get("queries", [])
                ]
                self._answer(200, {"results": results})
            else:
                self._answer(404, {"message": "not found"})

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, default=str).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # pip-audit's own output says what was found

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisories", type=Path, default=Path(__file__).parent / "advisories")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--port-file", type=Path, help="write the port here once listening")
    parser.add_argument("command", nargs="*", help="run this while serving, then stop")
    args = parser.parse_args()
    advisories = Advisories(args.advisories)
    if not advisories.by_package:
        sys.exit(f"no advisories under {args.advisories}")
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(advisories))
    port = server.server_address[1]
    if args.command:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{port}/v1/query"
        command = [part.replace("{osv_url}", url) for part in args.command]
        status = subprocess.run(command, check=False).returncode  # noqa: S603
        server.shutdown()
        sys.exit(status)
    if args.port_file:
        args.port_file.write_text(f"{port}\n")
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
