"""End-to-end tests of configuration: ``[tool.vcx]`` in pyproject.toml, vcx.toml, flags.

Tests that need findings use TZ001 (medium) and ERR001/ERR003 (high) on Python code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from project_files import write

VCX = shutil.which("vcx")
CMD = [VCX] if VCX else [sys.executable, "-m", "vcx"]

TZ_CODE = "from datetime import datetime\nx = datetime.utcnow()\n"
NET_CODE = 'import requests\nrequests.get("https://example.com/x")\n'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "VCX_DEBUG")}
    proc = subprocess.run([*CMD, *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=60, stdin=subprocess.DEVNULL)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def findings(cwd: Path, *args: str) -> tuple[list[tuple[str, str, str]], dict, int]:
    """(rule id, path, severity) of each finding, the JSON document and the exit code."""
    proc = run("scan", "--format", "json", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    return [(f["rule_id"], f["path"], f["severity"]) for f in doc["findings"]], doc, proc.returncode


def ids(found: list[tuple[str, str, str]]) -> set[str]:
    return {f[0] for f in found}


def config_error(cwd: Path, *args: str) -> str:
    proc = run("scan", *args, cwd=cwd)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("vcx: error: ")
    return proc.stderr


# ------------------------------------------------------------------------------------ finding the file


def test_pyproject_select_and_ignore(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(tmp_path, {"a.py": TZ_CODE, "b.py": NET_CODE,
                     "pyproject.toml": '[project]\nname = "x"\n\n[tool.vcx]\nselect = ["ERR", "TZ"]\n'
                                       'ignore = ["ERR001"]\n'})
    found, _, _ = findings(tmp_path)
    assert ids(found) == {"TZ001", "ERR003"}


def test_vcx_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(tmp_path, {"a.py": TZ_CODE, "b.py": NET_CODE,
                     "pyproject.toml": '[tool.vcx]\nselect = ["ERR"]\n',
                     "vcx.toml": 'select = ["TZ"]\n'})
    found, _, _ = findings(tmp_path)
    assert ids(found) == {"TZ001"}


def test_nearest_config_above_the_scanned_path(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(tmp_path, {"vcx.toml": 'select = ["ERR003"]\n',
                     "svc/pyproject.toml": '[tool.vcx]\nselect = ["TZ"]\n',
                     "svc/app/a.py": TZ_CODE, "svc/app/b.py": NET_CODE,
                     "other/b.py": NET_CODE, "other/a.py": TZ_CODE})
    assert ids(findings(tmp_path, "svc/app")[0]) == {"TZ001"}
    assert ids(findings(tmp_path / "svc" / "app")[0]) == {"TZ001"}
    assert ids(findings(tmp_path, "other")[0]) == {"ERR003"}


def test_pyproject_without_tool_vcx_is_not_a_config(tmp_path: Path) -> None:
    """Needs TZ001."""
    write(tmp_path, {"vcx.toml": 'select = ["TZ"]\n',
                     "pkg/pyproject.toml": '[project]\nname = "pkg"\n',
                     "pkg/a.py": TZ_CODE, "pkg/b.py": NET_CODE})
    assert ids(findings(tmp_path, "pkg")[0]) == {"TZ001"}


def test_explicit_config_file(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(tmp_path, {"a.py": TZ_CODE, "b.py": NET_CODE, "vcx.toml": 'select = ["TZ"]\n',
                     "ci/strict.toml": '[tool.vcx]\nselect = ["ERR003"]\n'})
    assert ids(findings(tmp_path, "--config", "ci/strict.toml")[0]) == {"ERR003"}
    err = config_error(tmp_path, "--config", "ci/missing.toml")
    assert "config file not found" in err and "missing.toml" in err


def test_flags_override_config(tmp_path: Path) -> None:
    """Needs TZ001, ERR001 and ERR003."""
    write(tmp_path, {"a.py": TZ_CODE, "b.py": NET_CODE,
                     "vcx.toml": 'select = ["ERR"]\nignore = ["ERR001"]\nfail-on = "high"\n'})
    assert ids(findings(tmp_path)[0]) == {"ERR003"}
    # --select starts afresh: the file's select and ignore no longer apply.
    assert ids(findings(tmp_path, "--select", "TZ,ERR001")[0]) == {"TZ001", "ERR001"}
    # --ignore alone adds to the file's ignore.
    assert ids(findings(tmp_path, "--ignore", "ERR003")[0]) == set()
    # fail-on from the file, overridden by the flag.
    assert run("scan", "--select", "TZ", cwd=tmp_path).returncode == 0
    assert run("scan", "--select", "TZ", "--fail-on", "low", cwd=tmp_path).returncode == 1


# ------------------------------------------------------------------------------------ keys


def test_per_file_ignores(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(tmp_path, {
        "pyproject.toml": '[tool.vcx.per-file-ignores]\n"scripts/*.py" = ["ERR"]\n'
                          '"legacy_*.py" = ["timezone"]\n"src/**/clock.py" = ["TZ001"]\n',
        "scripts/fetch.py": NET_CODE + TZ_CODE,
        "app/legacy_time.py": TZ_CODE,
        "src/a/b/clock.py": TZ_CODE,
        "app/net.py": NET_CODE,
    })
    found, doc, _ = findings(tmp_path)
    assert {(r, p) for r, p, _ in found if r in ("TZ001", "ERR003")} == {
        ("TZ001", "scripts/fetch.py"), ("ERR003", "app/net.py")}
    assert doc["summary"]["suppressed"] >= 4
    # The globs are relative to the config file's folder, wherever vcx runs from.
    found, _, _ = findings(tmp_path / "scripts", ".")
    assert {(r, p) for r, p, _ in found} == {("TZ001", "fetch.py")}


def test_severity_overrides(tmp_path: Path) -> None:
    """Needs TZ001 and ERR003."""
    write(tmp_path, {"a.py": TZ_CODE, "b.py": NET_CODE,
                     "vcx.toml": '[severity]\nTZ001 = "high"\nerror-handling = "low"\nERR003 = "medium"\n'})
    found, doc, _ = findings(tmp_path)
    sev = {r: s for r, _, s in found}
    assert sev["TZ001"] == "high"
    assert sev["ERR003"] == "medium"  # the rule id beats its category
    assert sev["ERR001"] == "low"
    assert doc["summary"]["by_severity"]["high"] == 1
    assert run("scan", "--fail-on", "high", "--select", "TZ", cwd=tmp_path).returncode == 1
    assert run("scan", "--fail-on", "high", "--select", "ERR", cwd=tmp_path).returncode == 0
    found, _, _ = findings(tmp_path, "--severity", "medium")
    assert ids(found) == {"TZ001", "ERR003"}


def test_exclude_and_extend_exclude(tmp_path: Path) -> None:
    """Needs TZ001."""
    write(tmp_path, {
        "pyproject.toml": '[tool.vcx]\nextend-exclude = ["legacy/", "*_gen.py", "/src/tmp"]\n',
        "legacy/a.py": TZ_CODE, "src/legacy/a.py": TZ_CODE, "src/models_gen.py": TZ_CODE,
        "src/tmp/a.py": TZ_CODE, "tmp/a.py": TZ_CODE, "src/ok.py": TZ_CODE,
        "node_modules/lib/a.py": TZ_CODE,
    })
    _, doc, _ = findings(tmp_path)
    assert sorted({f["path"] for f in doc["findings"]}) == ["src/ok.py", "tmp/a.py"]
    assert doc["summary"]["files"] == 2
    # Anchored patterns stay relative to the config file's folder when scanning a subfolder.
    _, doc, _ = findings(tmp_path / "src", ".")
    assert sorted({f["path"] for f in doc["findings"]}) == ["ok.py"]
    # A file named on the command line is scanned even when excluded.
    _, doc, _ = findings(tmp_path, "legacy/a.py")
    assert [f["path"] for f in doc["findings"]] == ["legacy/a.py"]


def test_exclude_replaces_the_default_list(tmp_path: Path) -> None:
    write(tmp_path, {"vcx.toml": 'exclude = ["legacy/"]\n', "legacy/a.py": TZ_CODE,
                     "build/gen.py": "x = 1\n", "node_modules/m.py": "x = 1\n", "app.py": "x = 1\n"})
    _, doc, _ = findings(tmp_path)
    assert doc["summary"]["files"] == 3  # app.py, build/gen.py, node_modules/m.py
    (tmp_path / "vcx.toml").write_text('extend-exclude = ["legacy/"]\n', encoding="utf-8")
    _, doc, _ = findings(tmp_path)
    assert doc["summary"]["files"] == 1


def test_gitignore_is_honoured(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "generated/\n", "generated/a.py": "x = 1\n", "app.py": "x = 1\n"})
    (tmp_path / ".git").mkdir()
    _, doc, _ = findings(tmp_path)
    assert doc["summary"]["files"] == 1


def test_max_file_size_from_config(tmp_path: Path) -> None:
    write(tmp_path, {"vcx.toml": 'max-file-size = "1KB"\n', "big.py": "x = 1\n" * 400, "ok.py": "x = 1\n"})
    _, doc, _ = findings(tmp_path)
    assert [s["path"] for s in doc["skipped"]] == ["big.py"]
    _, doc, _ = findings(tmp_path, "--max-file-size", "1MB")
    assert doc["skipped"] == []


# ------------------------------------------------------------------------------------ errors


def test_unknown_key(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.vcx]\nfail_on = "high"\n', "a.py": "x = 1\n"})
    err = config_error(tmp_path)
    assert "pyproject.toml" in err and "'fail_on'" in err and "did you mean 'fail-on'" in err


def test_unknown_rule_in_config(tmp_path: Path) -> None:
    write(tmp_path, {"vcx.toml": 'ignore = ["TZ999X"]\n', "a.py": "x = 1\n"})
    err = config_error(tmp_path)
    assert "vcx.toml" in err and "'TZ999X'" in err and "'ignore'" in err
    (tmp_path / "vcx.toml").write_text('[per-file-ignores]\n"a.py" = ["NOPE1"]\n', encoding="utf-8")
    err = config_error(tmp_path)
    assert "vcx.toml" in err and "per-file-ignores" in err and "'NOPE1'" in err
    (tmp_path / "vcx.toml").write_text('[severity]\nNOPE1 = "high"\n', encoding="utf-8")
    assert "severity" in config_error(tmp_path)


def test_bad_values(tmp_path: Path) -> None:
    write(tmp_path, {"a.py": "x = 1\n"})
    # (Every bad value is covered by the unit tests in test_config.py; these check the CLI path.)
    cases = {
        'fail-on = "critical"': "fail-on",
        'max-file-size = "huge"': "max-file-size",
        '[severity]\nTZ = "urgent"': "severity.TZ",
    }
    for body, needle in cases.items():
        (tmp_path / "vcx.toml").write_text(body + "\n", encoding="utf-8")
        err = config_error(tmp_path)
        assert "vcx.toml" in err and needle in err, (body, err)


def test_bad_toml(tmp_path: Path) -> None:
    write(tmp_path, {"vcx.toml": 'select = ["TZ"\n', "a.py": "x = 1\n"})
    err = config_error(tmp_path)
    assert "invalid TOML" in err and "vcx.toml" in err
    (tmp_path / "vcx.toml").unlink()
    write(tmp_path, {"pyproject.toml": '[tool.vcx]\nselect = ["TZ"\n'})
    err = config_error(tmp_path)
    assert "invalid TOML" in err and "pyproject.toml" in err
    # A broken pyproject.toml that does not configure vcx is none of vcx's business.
    (tmp_path / "pyproject.toml").write_text('[project\nname = "x"\n', encoding="utf-8")
    assert run("scan", cwd=tmp_path).returncode == 0


def test_undecodable_config(tmp_path: Path) -> None:
    write(tmp_path, {"vcx.toml": b"select = ['\xff\xfe']\n", "a.py": "x = 1\n"})
    err = config_error(tmp_path)
    assert "vcx.toml" in err
