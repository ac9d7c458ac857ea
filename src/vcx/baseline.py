"""The baseline file: findings a team has accepted for now, hidden from later scans.

``vcx scan --write-baseline`` records the findings a scan shows; ``--baseline FILE`` (or the
config key ``baseline``) hides the findings recorded there. A finding is recorded by its
rule id, its path relative to the project root and its fingerprint (rule, path, the
whitespace-normalised text of its line and its rank among identical lines: no line number),
so that the file holds from any working directory, on any machine, and through edits
elsewhere in the file. The message is there for people reading the file and its diffs.

The file is JSON, one finding per line, sorted, so that rewriting it after a change shows
exactly the findings that came and went::

    {
      "version": 1,
      "findings": [
        {"rule_id": "ERR003", "path": "app/net.py", "fingerprint": "3f9c…", "message": "…"}
      ]
    }
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from vcx.config import Config, ConfigError
from vcx.findings import Finding, fingerprints

VERSION = 1
DEFAULT_NAME = ".vcx-baseline.json"

Key = tuple[str, str, str]  # rule id, path relative to the project root, fingerprint


class BaselineError(ConfigError):
    """A baseline file that cannot be used (exit code 2)."""


def project_root(config: Config, targets: list[Path]) -> Path:
    """The folder the baseline's paths are relative to: the config file's folder; without
    one, the nearest folder at or above the first scanned path that holds ``.git``; else
    the scanned folder."""
    if config.source is not None:
        return Path(os.path.realpath(config.source.parent))
    first = Path(os.path.realpath(targets[0] if targets else Path.cwd()))
    start = first if first.is_dir() else first.parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return Path(os.path.realpath(config.root)) if config.root is not None else start


def relative(display: str, root: Path, cwd: Path) -> str:
    """A finding's path (relative to the working directory) made relative to ``root``."""
    absolute = os.path.normpath(os.path.join(os.path.realpath(cwd), display))
    try:
        return os.path.relpath(absolute, root).replace(os.sep, "/")
    except ValueError:  # another drive (Windows)
        return display


def keyed(findings: list[Finding], root: Path, cwd: Path) -> list[tuple[Finding, Key]]:
    """Each finding with its baseline key (its fingerprint as vcx would report it when run
    from the project root)."""
    paths: dict[str, str] = {}

    def rel(f: Finding) -> str:
        if f.path not in paths:
            paths[f.path] = relative(f.path, root, cwd)
        return paths[f.path]

    return [(f, (f.rule_id, rel(f), fp)) for f, fp in fingerprints(findings, rel)]


def render(findings: list[Finding], root: Path, cwd: Path) -> str:
    """The text of a baseline file recording ``findings``."""
    entries = sorted((path, rule, fp, " ".join(f.message.split()))
                     for f, (rule, path, fp) in keyed(findings, root, cwd))
    lines = [json.dumps({"rule_id": rule, "path": path, "fingerprint": fp, "message": message}, ensure_ascii=False)
             for path, rule, fp, message in entries]
    body = ",\n".join(f"    {line}" for line in lines)
    return f'{{\n  "version": {VERSION},\n  "findings": [\n{body}{chr(10) if lines else ""}  ]\n}}\n'


def check_writable(path: Path) -> None:
    if path.is_dir():
        raise BaselineError(f"--write-baseline: {path} is a folder; name a file (--write-baseline=FILE), "
                            "or put the paths to scan before the flag")


def write(path: Path, findings: list[Finding], root: Path, cwd: Path) -> None:
    check_writable(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(render(findings, root, cwd), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise BaselineError(f"cannot write the baseline {path}: {exc.strerror or exc}") from None


def load(path: Path, origin: str) -> Counter[Key]:
    """The findings recorded in a baseline file, counted (two identical entries hide two
    findings). ``origin`` says where the file was named, for the error messages."""
    where = f"baseline {path} ({origin})"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{where} does not exist; create it with `vcx scan --write-baseline"
                            f"{'' if origin.startswith('config') else '=' + str(path)}`") from None
    except IsADirectoryError:
        raise BaselineError(f"{where} is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read {where}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BaselineError(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or "findings" not in doc:
        raise BaselineError(f"{where} is not a vcx baseline (no \"findings\"); rewrite it with "
                            "`vcx scan --write-baseline`")
    if doc.get("version") != VERSION:
        raise BaselineError(f"{where} has version {doc.get('version')!r}; this vcx reads version {VERSION} "
                            "(rewrite it with `vcx scan --write-baseline`)")
    entries = doc["findings"]
    if not isinstance(entries, list):
        raise BaselineError(f"{where}: \"findings\" must be a list")
    out: Counter[Key] = Counter()
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) and e.get(k)
                                              for k in ("rule_id", "path", "fingerprint")):
            raise BaselineError(f"{where}: finding #{i + 1} needs the strings \"rule_id\", \"path\" and "
                                "\"fingerprint\"")
        out[(e["rule_id"], e["path"], e["fingerprint"])] += 1
    return out
