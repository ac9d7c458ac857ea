"""Configuration: ``[tool.vcx]`` in ``pyproject.toml`` or a ``vcx.toml``, then command-line flags.

The nearest file above the first scanned path wins (``vcx.toml`` before ``pyproject.toml``
in the same folder). Unknown keys and unknown rule ids are errors: a typo in a config file
must not silently turn a rule off.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from vcx.findings import SEVERITIES

DEFAULT_MAX_FILE_BYTES = 2_000_000

KEYS = {"select", "ignore", "exclude", "extend-exclude", "severity", "per-file-ignores",
        "max-file-size", "fail-on"}


class ConfigError(Exception):
    """A configuration problem the user must fix (exit code 2)."""


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    fail_on: str = "low"
    source: Path | None = None  # the file the settings came from

    def rule_enabled(self, rule: type) -> bool:
        from vcx.rules import matches

        if not any(matches(rule, s) for s in self.select):  # type: ignore[arg-type]
            return False
        return not any(matches(rule, s) for s in self.ignore)  # type: ignore[arg-type]


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for cand in (folder, *folder.parents):
        if (cand / "vcx.toml").is_file():
            return cand / "vcx.toml"
        pp = cand / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if isinstance(data.get("tool"), dict) and "vcx" in data["tool"]:
                return pp
    return None


def load_file(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("vcx", {}) if isinstance(tool, dict) else {}
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.vcx] must be a table")
        return section
    if "tool" in data and isinstance(data["tool"], dict) and "vcx" in data["tool"]:
        return data["tool"]["vcx"]
    return data


def _str_list(value: object, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a list of strings")
    return list(value)


def _check_selectors(selectors: list[str], key: str, path: Path | str) -> None:
    from vcx.rules import valid_selector

    for s in selectors:
        if not valid_selector(s):
            raise ConfigError(f"{path}: unknown rule or category {s!r} in '{key}' "
                              "(run `vcx rules` for the list)")


def parse_size(value: object, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        units = {"kb": 1000, "k": 1000, "mb": 1_000_000, "m": 1_000_000, "gb": 1_000_000_000, "b": 1}
        for suffix, mult in sorted(units.items(), key=lambda kv: -len(kv[0])):
            if v.endswith(suffix) and v[: -len(suffix)].strip().replace(".", "", 1).isdigit():
                return int(float(v[: -len(suffix)]) * mult)
        if v.isdigit() and int(v) > 0:
            return int(v)
    raise ConfigError(f"{where}: max-file-size must be a positive number of bytes or like '2MB', got {value!r}")


def from_mapping(data: dict[str, object], path: Path) -> Config:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(map(repr, unknown))}; "
                          f"known keys: {', '.join(sorted(KEYS))}")
    cfg = Config(source=path)
    if "select" in data:
        cfg.select = _str_list(data["select"], "select", path)
        _check_selectors(cfg.select, "select", path)
    if "ignore" in data:
        cfg.ignore = _str_list(data["ignore"], "ignore", path)
        _check_selectors(cfg.ignore, "ignore", path)
    if "exclude" in data:
        cfg.exclude = _str_list(data["exclude"], "exclude", path)
    if "extend-exclude" in data:
        cfg.exclude += _str_list(data["extend-exclude"], "extend-exclude", path)
    if "severity" in data:
        sev = data["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{path}: 'severity' must be a table of RULE = \"high|medium|low\"")
        for rule_id, level in sev.items():
            _check_selectors([rule_id], "severity", path)
            if level not in SEVERITIES:
                raise ConfigError(f"{path}: severity for {rule_id} must be one of {', '.join(SEVERITIES)}")
            cfg.severity_overrides[rule_id.upper()] = str(level)
    if "per-file-ignores" in data:
        pfi = data["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{path}: 'per-file-ignores' must be a table of \"glob\" = [rules]")
        for glob, rules in pfi.items():
            ids = _str_list(rules, f"per-file-ignores.{glob}", path)
            _check_selectors(ids, "per-file-ignores", path)
            cfg.per_file_ignores[glob] = ids
    if "max-file-size" in data:
        cfg.max_file_bytes = parse_size(data["max-file-size"], str(path))
    if "fail-on" in data:
        if data["fail-on"] not in SEVERITIES:
            raise ConfigError(f"{path}: fail-on must be one of {', '.join(SEVERITIES)}")
        cfg.fail_on = str(data["fail-on"])
    return cfg


def load_config(paths: list[Path], explicit: Path | None = None) -> Config:
    path = explicit if explicit is not None else find_config(paths[0] if paths else Path.cwd())
    if path is None:
        return Config()
    return from_mapping(load_file(path), path)
