"""The facts cache and the results cache, driven through vcx.pipeline.scan."""

from __future__ import annotations

import json
import marshal
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import vcx
from vcx import cache as cache_mod
from vcx.config import Config
from vcx.pipeline import ScanOptions, ScanResult, scan

NAIVE = "from datetime import datetime\n\n\ndef stamp():\n    return datetime.utcnow()\n"
AWARE = "from datetime import datetime, timezone\n\n\ndef stamp():\n    return datetime.now(timezone.utc)\n"
HTTP = "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"


def make_project(root: Path, files: int = 12) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        (root / f"mod{i:02d}.py").write_text(NAIVE if i % 2 else HTTP, encoding="utf-8")
    return root


def run(root: Path, cache_dir: Path | None, jobs: int = 1, config: Config | None = None) -> ScanResult:
    return scan([root], config or Config(), cwd=root, options=ScanOptions(jobs=jobs, cache_dir=cache_dir))


def summary(result: ScanResult) -> list[tuple[str, int, str, str]]:
    return [(f.path, f.line, f.rule_id, f.fingerprint) for f in result.findings]


def fact_entries(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "facts").glob("*/*.json"))


def rewrite_fact_entries(cache_dir: Path, change: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    """Apply ``change`` to the facts of every entry, in place (a damaged or planted entry)."""
    for entry in fact_entries(cache_dir):
        doc = json.loads(entry.read_bytes())
        change(doc["facts"])
        entry.write_text(json.dumps(doc), encoding="utf-8")


def drop_results(cache_dir: Path) -> None:
    for f in (cache_dir / "results").glob("*.json"):
        f.unlink()


def test_cold_then_warm_same_findings_and_hits(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    assert cold.stats.cache_hits == 0 and len(fact_entries(cache_dir)) == 12
    warm = run(root, cache_dir)
    assert warm.stats.result_cached  # nothing changed: the whole result is reused
    assert summary(warm) == summary(cold)
    drop_results(cache_dir)
    facts_only = run(root, cache_dir)
    assert facts_only.stats.cache_hits == 12 and not facts_only.stats.result_cached
    assert summary(facts_only) == summary(cold)


def test_content_change_invalidates_one_entry(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    cache_dir = tmp_path / "cache"
    run(root, cache_dir)
    (root / "mod01.py").write_text(AWARE, encoding="utf-8")
    after = run(root, cache_dir)
    assert not after.stats.result_cached
    assert after.stats.cache_hits == 11
    assert not any(f.path == "mod01.py" for f in after.findings)
    # the stale entry of the old content is pruned (the whole project was scanned)
    assert len(fact_entries(cache_dir)) == 12



def full(result: ScanResult) -> list[tuple[object, ...]]:
    """Everything a report shows of a finding."""
    return [(f.path, f.line, f.column, f.end_line, f.end_column, f.rule_id, f.message, f.fingerprint,
             f.source_line) for f in result.findings]


def test_an_edit_that_changes_no_fact_reuses_the_last_result(tmp_path: Path) -> None:
    """Comments edited, added at the end of a finding's line or after the code change no
    fact: the last result is reused, with the new line count, source line and fingerprint."""
    root = make_project(tmp_path / "p", files=4)
    before = ("from datetime import datetime\n\n\ndef stamp():\n    # when\n    now = datetime.utcnow()\n"
              "    return now\n")
    (root / "mod01.py").write_text(before, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    edited = before.replace("# when", "# the time of the stamp").replace(
        "utcnow()\n", "utcnow()  # legacy callers expect naive\n") + "\n# end of module\n"
    (root / "mod01.py").write_text(edited, encoding="utf-8")
    reused = run(root, cache_dir)
    assert reused.stats.result_cached and reused.stats.cache_hits == 3
    assert reused.stats.lines == cold.stats.lines + 2
    assert full(reused) == full(run(root, None))
    finding = next(f for f in reused.findings if f.path == "mod01.py")
    assert finding.source_line.endswith("# legacy callers expect naive")
    assert finding.fingerprint != next(f for f in cold.findings if f.path == "mod01.py").fingerprint
    again = run(root, cache_dir)  # the reused result was stored under the new content
    assert again.stats.result_cached and full(again) == full(reused)


@pytest.mark.parametrize("edit", [
    pytest.param(lambda text: "# moved down a line\n" + text, id="lines-shift"),
    pytest.param(lambda text: AWARE, id="code-change"),
    pytest.param(lambda text: text.replace("def stamp", "async def stamp"), id="same-positions-new-fact"),
])
def test_an_edit_that_changes_a_fact_runs_the_whole_scan(tmp_path: Path, edit) -> None:  # type: ignore[no-untyped-def]
    root = make_project(tmp_path / "p", files=4)
    cache_dir = tmp_path / "cache"
    run(root, cache_dir)
    (root / "mod01.py").write_text(edit(NAIVE), encoding="utf-8")
    after = run(root, cache_dir)
    assert not after.stats.result_cached and after.stats.cache_hits == 3
    assert full(after) == full(run(root, None))


def test_a_file_with_a_suppression_comment_is_never_reused_unseen(tmp_path: Path) -> None:
    """Whether ``vcx: ignore`` on the line above applies depends on that line's text (a
    comment alone, or trailing code), which the facts do not hold: here only the text
    changes, and the finding below it goes."""
    root = make_project(tmp_path / "p", files=2)
    before = "from datetime import datetime\n\n\ndef stamp():\n    pass  # vcx: ignore\n    return datetime.utcnow()\n"
    (root / "mod01.py").write_text(before, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    assert [(f.path, f.line) for f in cold.findings if f.rule_id == "TZ001"] == [("mod01.py", 6)]
    (root / "mod01.py").write_text(before.replace("    pass  # vcx: ignore", "    # vcx: ignore"),
                                   encoding="utf-8")
    after = run(root, cache_dir)
    assert not after.stats.result_cached and [f for f in after.findings if f.rule_id == "TZ001"] == []


def test_a_new_file_with_an_unchanged_one_runs_the_whole_scan(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=2)
    cache_dir = tmp_path / "cache"
    run(root, cache_dir)
    (root / "mod01.py").write_text(NAIVE + "# a comment\n", encoding="utf-8")
    (root / "mod02.py").write_text(NAIVE, encoding="utf-8")
    after = run(root, cache_dir)
    assert not after.stats.result_cached and full(after) == full(run(root, None))


def test_version_change_invalidates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "p", files=3)
    cache_dir = tmp_path / "cache"
    run(root, cache_dir)
    monkeypatch.setattr(cache_mod, "STAMP", vcx.__version__ + "-next")
    again = run(root, cache_dir)
    assert again.stats.cache_hits == 0 and not again.stats.result_cached


def test_an_upgraded_grammar_changes_the_stamp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries made with another build of a tree-sitter grammar are not reused: the stamp
    follows the compiled libraries of the parser packages."""
    pkg = tmp_path / "site" / "fake_grammar"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "_binding.abi3.so").write_bytes(b"v1")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(cache_mod, "PARSER_PACKAGES", ("fake_grammar", "no_such_grammar"))
    before = cache_mod._parser_fingerprint()
    assert cache_mod._parser_fingerprint() == before
    (pkg / "_binding.abi3.so").write_bytes(b"v2, rebuilt")
    assert cache_mod._parser_fingerprint() != before
    assert cache_mod.PARSERS in cache_mod.STAMP


def test_config_change_reruns_the_rules(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=4)
    cache_dir = tmp_path / "cache"
    everything = run(root, cache_dir)
    only_tz = run(root, cache_dir, config=Config(select=["TZ"]))
    assert not only_tz.stats.result_cached and only_tz.stats.cache_hits == 4
    assert {f.rule_id for f in only_tz.findings} == {"TZ001"}
    assert {f.rule_id for f in everything.findings} > {"TZ001"}


@pytest.mark.parametrize("damage", ["truncate", "garbage", "foreign-version", "empty"])
def test_corrupted_entry_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    root = make_project(tmp_path / "p", files=4)
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    drop_results(cache_dir)
    for entry in fact_entries(cache_dir):
        raw = entry.read_bytes()
        if damage == "truncate":
            entry.write_bytes(raw[: len(raw) // 2])
        elif damage == "garbage":
            entry.write_bytes(b"\x00\xff not json")
        elif damage == "foreign-version":
            doc = json.loads(raw)
            doc["version"] = "0.0.0-other"
            entry.write_text(json.dumps(doc), encoding="utf-8")
        else:
            entry.write_bytes(b"")
    again = run(root, cache_dir)
    assert again.stats.cache_hits == 0
    assert summary(again) == summary(cold)
    rebuilt = run(root, cache_dir)  # the entries were written again
    assert summary(rebuilt) == summary(cold)


def _calls_not_calls(facts: dict) -> None:  # type: ignore[type-arg]
    facts["calls"] = [["not", "a", "call"]]


def _one_column_shorter(facts: dict) -> None:  # type: ignore[type-arg]
    # Facts are stored by column: a column shorter than the others must not give fewer facts.
    facts["calls"][1] = facts["calls"][1][:-1]  # one callee fewer than call ids


@pytest.mark.parametrize("damage", [_calls_not_calls, _one_column_shorter])
def test_structurally_wrong_entry_is_ignored(tmp_path: Path, damage: Callable[[dict], None]) -> None:  # type: ignore[type-arg]
    root = make_project(tmp_path / "p", files=2)
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    drop_results(cache_dir)
    rewrite_fact_entries(cache_dir, damage)
    again = run(root, cache_dir)
    assert again.stats.cache_hits == 0
    assert summary(again) == summary(cold)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unwritable_cache_dir_falls_back_with_one_warning(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=3)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run(root, locked / "cache")
    finally:
        locked.chmod(stat.S_IRWXU)
    assert len(result.warnings) == 1 and "cache disabled" in result.warnings[0]
    assert summary(result) == summary(run(root, None))


def test_cache_path_that_is_a_file_falls_back(tmp_path: Path) -> None:
    # Works as root too: a regular file where the cache folder should be.
    root = make_project(tmp_path / "p", files=3)
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run(root, blocker)
    assert len(result.warnings) == 1 and "cache disabled" in result.warnings[0]
    assert summary(result) == summary(run(root, None))


def test_jobs_one_and_two_give_identical_results(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=30)
    one = run(root, None, jobs=1)
    two = run(root, None, jobs=2)
    assert summary(one) == summary(two)
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]
    assert one.skipped == two.skipped


def test_entries_never_pickle(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=2)
    cache_dir = tmp_path / "cache"
    run(root, cache_dir)
    for entry in fact_entries(cache_dir):
        json.loads(entry.read_bytes())  # plain JSON: loading it cannot run code
    assert (cache_dir / ".gitignore").read_text(encoding="utf-8").strip().endswith("*")


def test_facts_round_trip_through_the_codec(tmp_path: Path) -> None:
    from vcx.frontends import extract

    src = (b"import httpx\nfrom datetime import datetime\n\nclient = httpx.AsyncClient(timeout=None)\n\n"
           b"async def go(ids):\n    try:\n        for i in ids:\n            r = await client.get(f'/x/{i}')\n"
           b"            print(r.json())\n    except httpx.HTTPError:\n        pass\n    # vcx: ignore[TZ001]\n"
           b"    return datetime.now()\n")
    facts = extract(src, "python", "m.py")
    assert cache_mod.encode(cache_mod.loads(cache_mod.dumps(facts))) == cache_mod.encode(facts)
    assert cache_mod.loads(cache_mod.dumps(facts)) == facts
    assert cache_mod.decode(marshal.loads(marshal.dumps(cache_mod.encode(facts)))) == facts  # between processes
    js = extract(b"import axios from 'axios';\nconst api = axios.create({ timeout: 5 });\n"
                 b"export async function f(id) { try { return (await api.get(`/u/${id}`)).data; } catch {} }\n",
                 "typescript", "m.ts")
    assert cache_mod.encode(cache_mod.loads(cache_mod.dumps(js))) == cache_mod.encode(js)
    assert cache_mod.loads(cache_mod.dumps(js)) == js
    assert cache_mod.decode(marshal.loads(marshal.dumps(cache_mod.encode(js)))) == js


def test_entries_of_deleted_files_are_pruned(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=4)
    cache_dir = tmp_path / "cache"
    run(root, cache_dir)
    assert len(fact_entries(cache_dir)) == 4
    (root / "mod03.py").unlink()
    run(root, cache_dir)
    assert len(fact_entries(cache_dir)) == 3


def test_scanning_a_subfolder_keeps_the_other_entries(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", files=4)
    sub = make_project(root / "sub", files=2)
    cache_dir = tmp_path / "cache"
    run(root, cache_dir)
    assert len(fact_entries(cache_dir)) == 6
    # the same project, only one folder scanned (same working directory): nothing is pruned
    scan([sub], Config(), cwd=root, options=ScanOptions(jobs=1, cache_dir=cache_dir))
    assert len(fact_entries(cache_dir)) == 6
    assert run(root, cache_dir).stats.result_cached


HELPER_USER = ("import asyncpg\n\nfrom app.tests.helpers import load_owner\n\n\n"
               "async def owners(conn: asyncpg.Connection, ids):\n"
               "    for i in ids:\n        await load_owner(conn, i)\n")
HELPER_SQL = ("import asyncpg\n\n\nasync def load_owner(conn: asyncpg.Connection, i):\n"
              "    return await conn.fetchrow('SELECT * FROM owners WHERE id = $1', i)\n")
HELPER_PURE = "async def load_owner(conn, i):\n    return i\n"


def test_results_cache_follows_the_test_helpers_production_imports(tmp_path: Path) -> None:
    """Test files are not analysed, except helpers production code imports; a change to such
    a helper must not replay the stored result."""
    root = tmp_path / "p"
    (root / "app" / "tests").mkdir(parents=True)
    (root / "app" / "jobs.py").write_text(HELPER_USER, encoding="utf-8")
    helper = root / "app" / "tests" / "helpers.py"
    helper.write_text(HELPER_SQL, encoding="utf-8")
    (root / "app" / "tests" / "test_jobs.py").write_text(NAIVE, encoding="utf-8")
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    assert [(f.path, f.line, f.rule_id) for f in cold.findings] == [("app/jobs.py", 8, "NPQ001")]
    assert cold.stats.files == 2 and cold.stats.non_production == 1
    warm = run(root, cache_dir)
    assert warm.stats.result_cached and summary(warm) == summary(cold) and warm.stats.non_production == 1
    helper.write_text(HELPER_PURE, encoding="utf-8")
    changed = run(root, cache_dir)
    assert not changed.stats.result_cached and changed.findings == []
    assert run(root, None).findings == []


def test_unchanged_files_are_not_read_on_a_warm_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Size, modification time and inode stand for the content, as in git's index; a file
    modified just before the record was written is read again (it could change unseen)."""
    from vcx import pipeline

    root = make_project(tmp_path / "p", files=6)
    past = 1_600_000_000
    for f in root.iterdir():
        os.utime(f, (past, past))
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    reads: list[str] = []
    real_read = pipeline.read_source

    def counting(sf, max_bytes=0):  # type: ignore[no-untyped-def]
        reads.append(sf.display)
        return real_read(sf, max_bytes)

    monkeypatch.setattr(pipeline, "read_source", counting)
    warm = run(root, cache_dir)
    assert warm.stats.result_cached and reads == [] and summary(warm) == summary(cold)
    (root / "mod01.py").write_text(AWARE, encoding="utf-8")  # now: a new mtime, and too recent to trust
    changed = run(root, cache_dir)
    assert reads == ["mod01.py"] and not changed.stats.result_cached
    assert [f.path for f in changed.findings if f.rule_id == "TZ001"] == ["mod03.py", "mod05.py"]
    reads.clear()
    again = run(root, cache_dir)
    assert reads == ["mod01.py"] and again.stats.result_cached  # still too recent: read, not trusted


@pytest.mark.parametrize("index", [
    b"{not json", b'{"version": 1, "written_ns": "x", "files": []}', b"[" * 100_000 + b"]" * 100_000,
    b'{"version": "%s", "written_ns": 99999999999999999999, "files": {"mod01.py": [1, 2, 3, "../../etc"]}}',
])
def test_a_damaged_or_planted_stat_record_file_is_ignored(tmp_path: Path, index: bytes) -> None:
    root = make_project(tmp_path / "p", files=4)
    cache_dir = tmp_path / "cache"
    cold = run(root, cache_dir)
    drop_results(cache_dir)
    (cache_dir / "files.json").write_bytes(index.replace(b"%s", cache_mod.STAMP.encode()))
    again = run(root, cache_dir)
    assert summary(again) == summary(cold) and not again.warnings


def test_a_facts_folder_replaced_by_a_link_between_two_scans_of_one_process(tmp_path: Path) -> None:
    """vcx's own process writes the entries with ``--jobs 1``; the folders it checked in one
    scan are checked again in the next (a long-lived process, or a test, scans many times)."""
    root = make_project(tmp_path / "p")
    cache_dir = tmp_path / "cache"
    first = run(root, cache_dir)
    victim = tmp_path / "victim"
    victim.mkdir()
    for folder in (cache_dir / "facts").iterdir():
        for entry in folder.iterdir():
            entry.unlink()
        folder.rmdir()
        folder.symlink_to(victim, target_is_directory=True)
    (root / "mod00.py").write_text(HTTP + "\n\ndef other(url):\n    return requests.post(url)\n", encoding="utf-8")
    second = run(root, cache_dir)
    assert list(victim.iterdir()) == []
    assert summary(second) == summary(run(root, None)) != summary(first)
