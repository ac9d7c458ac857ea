"""Unit tests of configuration parsing and of the filter stage.

They use selectors that are valid whatever rules exist (category slugs and prefixes) and
hand-made findings, so they do not depend on any rule being implemented.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vcx.config import (
    DEFAULT_MAX_FILE_BYTES,
    Config,
    ConfigError,
    find_config,
    from_mapping,
    load_config,
    load_file,
    parse_size,
)
from vcx.facts import ModuleFacts
from vcx.filter import apply_filters, path_ignored, selector_matches
from vcx.findings import Finding
from vcx.link import Project
from vcx.paths import is_non_production

# ------------------------------------------------------------------------------------ sizes


@pytest.mark.parametrize(("value", "expected"), [
    (2_000_000, 2_000_000), ("2MB", 2_000_000), ("2 mb", 2_000_000), ("512k", 512_000),
    ("1.5MB", 1_500_000), ("1KiB", 1024), ("2MiB", 2 * 1024 * 1024), ("100", 100), ("100b", 100),
    ("1GB", 1_000_000_000),
])
def test_parse_size(value: object, expected: int) -> None:
    assert parse_size(value, "here") == expected


@pytest.mark.parametrize("value", ["", "MB", "-1", "0", "0MB", "two MB", "2XB", True, 0, -5, 1.5, None, []])
def test_parse_size_rejects(value: object) -> None:
    with pytest.raises(ConfigError, match="here: max-file-size"):
        parse_size(value, "here")


# ------------------------------------------------------------------------------------ mapping


def test_defaults() -> None:
    cfg = Config()
    assert cfg.select == ["ALL"] and cfg.ignore == [] and cfg.fail_on == "low"
    assert cfg.max_file_bytes == DEFAULT_MAX_FILE_BYTES == 2_000_000
    assert cfg.default_excludes and cfg.exclude_patterns == []


def test_from_mapping_reads_every_key(tmp_path: Path) -> None:
    path = tmp_path / "vcx.toml"
    cfg = from_mapping({
        "select": ["ERR", "timezone"],
        "ignore": "TZ, rate-limit",
        "exclude": ["legacy/"],
        "extend-exclude": ["*_gen.py"],
        "severity": {"TZ": "HIGH", "error-handling": "low"},
        "per-file-ignores": {"scripts/*.py": ["ERR"], "cli.py": "timezone"},
        "max-file-size": "1MB",
        "fail-on": "medium",
    }, path)
    assert cfg.select == ["ERR", "timezone"]
    assert cfg.ignore == ["TZ", "rate-limit"]
    assert cfg.exclude_patterns == ["legacy/", "*_gen.py"] and not cfg.default_excludes
    assert cfg.severity_overrides == {"TZ": "high", "error-handling": "low"}
    assert cfg.per_file_ignores == {"scripts/*.py": ["ERR"], "cli.py": ["timezone"]}
    assert cfg.max_file_bytes == 1_000_000
    assert cfg.fail_on == "medium"
    assert cfg.source == path and cfg.root == tmp_path.resolve()


def test_extend_exclude_keeps_the_defaults(tmp_path: Path) -> None:
    cfg = from_mapping({"extend-exclude": ["x/"]}, tmp_path / "vcx.toml")
    assert cfg.default_excludes and cfg.exclude_patterns == ["x/"]


@pytest.mark.parametrize(("data", "message"), [
    ({"selct": ["ERR"]}, r"unknown key\(s\) 'selct'; did you mean 'select'"),
    ({"fail_on": "low"}, r"'fail_on'; did you mean 'fail-on'"),
    ({"select": ["NOPE"]}, r"unknown rule or category 'NOPE' in 'select'"),
    ({"ignore": ["ERR", 3]}, r"'ignore' must be a list of strings"),
    ({"severity": {"TZ": "urgent"}}, r"severity.TZ' must be one of low, medium, high"),
    ({"severity": {"XYZ": "high"}}, r"unknown rule or category 'XYZ' in 'severity.XYZ'"),
    ({"severity": "high"}, r"'severity' must be a table"),
    ({"per-file-ignores": {"a.py": ["NOPE"]}},
     r"unknown rule or category 'NOPE' in 'per-file-ignores.'a.py''"),
    ({"per-file-ignores": ["a.py"]}, r"'per-file-ignores' must be a table"),
    ({"fail-on": "critical"}, r"'fail-on' must be one of"),
    ({"fail-on": 3}, r"'fail-on' must be one of"),
    ({"max-file-size": "lots"}, r"max-file-size"),
])
def test_from_mapping_errors_name_the_file_and_key(tmp_path: Path, data: dict, message: str) -> None:
    path = tmp_path / "vcx.toml"
    with pytest.raises(ConfigError, match=message) as info:
        from_mapping(data, path)
    assert str(info.value).startswith(f"{path}: ")


# ------------------------------------------------------------------------------------ files


def test_load_file_shapes(tmp_path: Path) -> None:
    (tmp_path / "vcx.toml").write_text('select = ["TZ"]\n', encoding="utf-8")
    assert load_file(tmp_path / "vcx.toml") == {"select": ["TZ"]}
    (tmp_path / "vcx.toml").write_text('[tool.vcx]\nselect = ["TZ"]\n', encoding="utf-8")
    assert load_file(tmp_path / "vcx.toml") == {"select": ["TZ"]}
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_file(tmp_path / "pyproject.toml") == {}
    (tmp_path / "pyproject.toml").write_text('[tool]\nvcx = 3\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool.vcx\] must be a table"):
        load_file(tmp_path / "pyproject.toml")
    with pytest.raises(ConfigError, match="config file not found"):
        load_file(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="folder"):
        load_file(tmp_path)
    (tmp_path / "bad.toml").write_text("select = [", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"invalid TOML in .*bad\.toml"):
        load_file(tmp_path / "bad.toml")


def test_find_config(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text('[tool.vcx]\nselect = ["TZ"]\n', encoding="utf-8")
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "a"\n', encoding="utf-8")
    assert find_config(deep) == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "b" / "vcx.toml").write_text("", encoding="utf-8")
    assert find_config(deep) == tmp_path / "a" / "b" / "vcx.toml"
    (deep / "x.py").write_text("", encoding="utf-8")
    assert find_config(deep / "x.py") == tmp_path / "a" / "b" / "vcx.toml"
    # A broken pyproject.toml counts only when it mentions tool.vcx.
    (tmp_path / "a" / "b" / "vcx.toml").unlink()
    (tmp_path / "a" / "pyproject.toml").write_text("[project\n", encoding="utf-8")
    assert find_config(deep) == tmp_path / "pyproject.toml"
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.vcx\n", encoding="utf-8")
    assert find_config(deep) == tmp_path / "a" / "pyproject.toml"
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config([deep])


def test_load_config_without_a_file_roots_at_the_scanned_folder(tmp_path: Path) -> None:
    cfg = load_config([tmp_path])
    if cfg.source is None:  # no vcx config above the temporary folder
        assert cfg.root == tmp_path.resolve()


# ------------------------------------------------------------------------------------ filter


def finding(rule_id: str = "TZ001", path: str = "app/a.py", line: int = 5, severity: str = "medium",
            category: str = "timezone", rule: str = "naive-datetime") -> Finding:
    return Finding(rule_id=rule_id, rule=rule, category=category, severity=severity, path=path, line=line,
                   column=1, end_line=line, end_column=10, message="m", fix="f")


def project(path: str = "app/a.py", suppressions: dict[int, tuple[str, ...]] | None = None,
            error_ranges: list[tuple[int, int]] | None = None, root: Path = Path(".")) -> Project:
    mod = ModuleFacts(path=path, language="python", lines=10, suppressions=suppressions or {},
                      error_ranges=error_ranges or [])
    return Project(modules={path: mod}, root=root,
                   tests=frozenset({path}) if is_non_production(path) else frozenset())


def test_selector_matches() -> None:
    f = finding()
    for s in ("TZ001", "tz001", "TZ", "TZ0", "timezone", "naive-datetime", "ALL", "all"):
        assert selector_matches(f, s), s
    for s in ("TZ002", "ERR", "error-handling", "", "  "):
        assert not selector_matches(f, s), s


def test_suppressions(tmp_path: Path) -> None:
    src = tmp_path / "app" / "a.py"
    src.parent.mkdir()
    lines = ["x = 1"] * 10
    lines[3] = "# vcx: ignore[TZ001]"  # line 4, a comment line above line 5
    lines[6] = "y = now()  # vcx: ignore[TZ001]"  # line 7, trailing
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = Config()

    def kept(sup: dict[int, tuple[str, ...]], line: int, rule_id: str = "TZ001") -> bool:
        found = [finding(rule_id=rule_id, line=line)]
        out, _ = apply_filters(found, project(suppressions=sup), cfg, tmp_path)
        return bool(out)

    assert not kept({5: ("TZ001",)}, 5)
    assert not kept({5: ()}, 5)  # bare ignore
    assert not kept({5: ("TZ",)}, 5)
    assert not kept({5: ("TIMEZONE",)}, 5)
    assert not kept({5: ("ERR003", "TZ001")}, 5)
    assert kept({5: ("ERR003",)}, 5)
    assert not kept({4: ("TZ001",)}, 5)  # the comment line above
    assert kept({7: ("TZ001",)}, 8)  # a trailing comment belongs to its own line
    assert not kept({7: ("TZ001",)}, 7)
    assert kept({3: ("TZ001",)}, 5)  # two lines above is too far
    out, suppressed = apply_filters([finding(line=5), finding(line=6, rule_id="TZ002")],
                                    project(suppressions={5: ()}), cfg, tmp_path)
    assert [f.line for f in out] == [6] and suppressed == 1


def test_error_ranges_and_non_production_code() -> None:
    cfg = Config()
    out, _ = apply_filters([finding(line=5)], project(error_ranges=[(4, 6)]), cfg)
    assert out == []
    out, _ = apply_filters([finding(path="tests/test_a.py")], project(path="tests/test_a.py"), cfg)
    assert out == []
    assert is_non_production("src/app.test.ts") and is_non_production("migrations/0001.py")
    assert not is_non_production("src/app.ts") and not is_non_production("src/contest.py")
    for path in ("packages/cart/integration-tests/__fixtures__/cart/index.ts", "src/__mocks__/db.ts",
                 "apps/web/e2e/checkout.ts", "cypress/support/commands.js", "apps/web/playwright/mailhog.ts",
                 "server/integration_test/setup.py", "shop/orders/tests.py", "hc/test.py",
                 "netbox/utilities/testing/views.py", "pkg/_testing/asserters.py"):
        assert is_non_production(path), path
    assert not is_non_production("src/e2ee/keys.ts") and not is_non_production("src/fixtures_loader.py")
    assert not is_non_production("src/ab_testing/variants.py") and not is_non_production("app/testing.py")
    # Test doubles by name; a module about mocking (a mock data provider) is not one.
    for path in ("apps/api/src/app/portfolio/current-rate.service.mock.ts", "src/api/handlers.mocks.js"):
        assert is_non_production(path), path
    assert not is_non_production("src/providers/mock.ts") and not is_non_production("src/mockData.ts")
    # Sample-data scripts are seeds; populate_<something> commands maintain production data.
    for path in ("populate.py", "shop/management/commands/populatedb.py", "scripts/populate_db.py"):
        assert is_non_production(path), path
    assert not is_non_production("hc/management/commands/populate_searchdb.py")
    assert not is_non_production("shop/populate.py")
    # Seeds by name; other names with the word may be application code.
    for path in ("api/e2e/e2e_seed_data.py", "scripts/seed-data.ts", "packages/db/seed-database.ts", "seeds.py",
                 "prisma/seed.mts", "app/seed_db.js"):
        assert is_non_production(path), path
    for path in ("src/wallet/seed-phrase.ts", "ml/random_seed.py", "app/services/seeder/seeder_service.py",
                 "app/routes/group-seeder.ts"):
        assert not is_non_production(path), path
    # Data migrations named by their timestamp in a `migration/` folder; the code that runs
    # migrations, in a folder of that name too, is production code.
    for path in ("packages/database/migration/20240101120000_backfill/migration.ts",
                 "src/migration/1700000000000-AddUsers.ts"):
        assert is_non_production(path), path
    for path in ("src/migration/MigrationExecutor.ts", "packages/links/src/migration/index.ts",
                 "app/migration.py", "app/helpers/migrations.ts"):
        assert not is_non_production(path), path
    # Storybook.
    for path in ("src/components/Button.stories.tsx", "docs/Intro.story.jsx", ".storybook/preview.ts",
                 "client/storybook/preview.js", "apps/storybook/src/decorators.tsx"):
        assert is_non_production(path), path
    assert not is_non_production("src/history.ts") and not is_non_production("app/stories/views.py")
    # The scanned project's documentation: a top-level docs folder, a Sphinx conf.py anywhere.
    for path in ("docs/conf.py", "doc/ext/roles.py", "docs/plugins/versions/index.js", "documentation/site.js",
                 "packages/ui/docs/conf.py"):
        assert is_non_production(path), path
    for path in ("apps/docs/src/components/copy-button.tsx", "app/(docs)/docs/page.tsx", "app/api/docs/route.ts",
                 "sphinx/builders/html.py", "src/documents/views.py", "packages/ui/docs/plugin.js"):
        assert not is_non_production(path), path


def test_non_production_is_judged_from_the_scanned_root(tmp_path: Path) -> None:
    # A project that lives under a folder named "tests" is still production code...
    root = tmp_path / "tests" / "shop"
    (root / "app").mkdir(parents=True)
    (root / "app" / "clock.py").write_text("from datetime import datetime\nX = datetime.utcnow()\n",
                                           encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_clock.py").write_text("from datetime import datetime\nY = datetime.utcnow()\n",
                                                  encoding="utf-8")
    from vcx.pipeline import scan

    result = scan([root], Config(select=["TZ001"]), cwd=tmp_path)
    # ...while its own tests folder is not.
    assert [f.path for f in result.findings] == ["tests/shop/app/clock.py"]


def test_per_file_ignores_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    cfg = Config(root=tmp_path, per_file_ignores={"scripts/*.py": ["timezone"], "cli.py": ["TZ001"],
                                                  "src/**/gen_*.py": ["ALL"]})
    assert path_ignored(finding(path="scripts/run.py"), cfg, tmp_path)
    assert not path_ignored(finding(path="app/scripts/run.py"), cfg, tmp_path)  # anchored
    assert not path_ignored(finding(path="scripts/run.py", rule_id="ERR003", category="error-handling",
                                    rule="missing-timeout"), cfg, tmp_path)
    assert path_ignored(finding(path="deep/er/cli.py"), cfg, tmp_path)  # a bare name matches anywhere
    assert path_ignored(finding(path="src/a/b/gen_x.py"), cfg, tmp_path)
    # Run from a subfolder: the finding's path is relative to it, the glob to the config.
    assert path_ignored(finding(path="run.py"), cfg, tmp_path / "scripts")
    assert not path_ignored(finding(path="run.py"), cfg, tmp_path / "app")


def test_severity_overrides_most_specific_wins() -> None:
    cfg = Config(severity_overrides={"TZ001": "high", "timezone": "low", "TZ": "low"})
    out, _ = apply_filters([finding(), finding(rule_id="TZ002", line=6, rule="local-time-arithmetic")],
                           project(), cfg)
    assert [(f.rule_id, f.severity) for f in out] == [("TZ001", "high"), ("TZ002", "low")]


def test_severity_override_specificity() -> None:
    from vcx.filter import apply_severity_overrides

    f = finding()
    apply_severity_overrides(f, Config(severity_overrides={"naive-datetime": "low", "ALL": "high",
                                                           "TZ0": "high", "timezone": "high"}))
    assert f.severity == "low"
    f = finding()
    apply_severity_overrides(f, Config(severity_overrides={"TZ0": "low", "TZ": "high", "timezone": "high",
                                                           "all": "high"}))
    assert f.severity == "low"
    f = finding()
    apply_severity_overrides(f, Config(severity_overrides={"ERR": "high"}))
    assert f.severity == "medium"


def test_severity_floor() -> None:
    cfg = Config(min_severity="medium")
    found = [finding(severity="low", line=1), finding(severity="medium", line=2),
             finding(severity="high", line=3)]
    out, suppressed = apply_filters(found, project(), cfg)
    assert [f.line for f in out] == [2, 3] and suppressed == 0
    # The floor applies after overrides.
    cfg = Config(min_severity="high", severity_overrides={"TZ001": "high"})
    out, _ = apply_filters([finding(severity="low")], project(), cfg)
    assert [f.severity for f in out] == ["high"]


def test_duplicates_are_dropped() -> None:
    out, _ = apply_filters([finding(), finding()], project(), Config())
    assert len(out) == 1
