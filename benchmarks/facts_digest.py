"""Digest of the facts vcx extracts from each tree given: proof that a speed-up of a front
end changed nothing it produces.

    python benchmarks/facts_digest.py PATH [PATH ...] [--save FILE] [--against FILE]

Every file ``vcx scan PATH`` would analyse (tests, migrations and seeds left out) is
extracted in this process; each file's facts are written out field by field (not with the
cache's codec, so that digests stay comparable when the codec changes) and hashed. One
line per tree: files, the tree's digest, extraction CPU seconds. ``--save`` writes every
file's digest to FILE (JSON); ``--against`` compares with such a file and lists the files
whose facts differ.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import time
from pathlib import Path

from vcx.config import load_config
from vcx.discover import discover
from vcx.paths import is_non_production, project_relative
from vcx.pipeline import extract_file
from vcx.workers import tune_gc


def canonical(x: object) -> object:
    """Facts as plain JSON data: dataclasses by field, sets sorted, everything else as is."""
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return [type(x).__name__, *(canonical(getattr(x, f.name)) for f in dataclasses.fields(x))]
    if isinstance(x, dict):
        return [[canonical(k), canonical(v)] for k, v in x.items()]
    if isinstance(x, (set, frozenset)):
        return sorted((canonical(v) for v in x), key=repr)
    if isinstance(x, (list, tuple)):
        return [canonical(v) for v in x]
    return x


def digests(root: Path) -> tuple[dict[str, str], float]:
    config = load_config([root])
    cwd = root.resolve()
    found = discover([root], cwd, config.exclude_patterns, config.max_file_bytes, config.follow_symlinks,
                     exclude_base=config.root, default_excludes=config.default_excludes)
    out: dict[str, str] = {}
    cpu = 0.0
    for sf in found.files:
        if is_non_production(project_relative(sf.display, cwd, cwd)):
            continue
        t = time.process_time()
        facts = extract_file(sf)
        cpu += time.process_time() - t
        blob = facts.encode() if isinstance(facts, str) else json.dumps(canonical(facts)).encode()
        out[f"{root.name}/{sf.display}"] = hashlib.sha256(blob).hexdigest()[:16]
    return out, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--save", type=Path)
    ap.add_argument("--against", type=Path)
    args = ap.parse_args(argv)
    tune_gc()
    every: dict[str, str] = {}
    for root in args.paths:
        got, cpu = digests(root)
        every.update(got)
        tree = hashlib.sha256("".join(f"{k}={v}\n" for k, v in sorted(got.items())).encode()).hexdigest()[:16]
        print(f"{root}: {len(got)} files, facts {tree}, extraction {cpu:.2f} s CPU")
    if args.save:
        args.save.write_text(json.dumps(every, indent=0, sort_keys=True))
    if args.against:
        before = json.loads(args.against.read_text())
        differ = sorted(k for k in every if k in before and before[k] != every[k])
        gone = sorted(k for k in before if k not in every and k.split("/", 1)[0] in {p.name for p in args.paths})
        new = sorted(k for k in every if k not in before)
        for k in differ[:30]:
            print(f"  differs: {k}")
        print(f"compared with {args.against}: {len(differ)} differ, {len(gone)} gone, {len(new)} new")
        return 1 if differ or gone or new else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
