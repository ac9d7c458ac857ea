"""Configuration: ``[tool.vcx]`` in ``pyproject.toml`` or a ``vcx.toml``, then command-line flags.

The nearest file above the first scanned path wins (``vcx.toml`` before ``pyproject.toml``
in the same folder; a ``pyproject.toml`` counts only when it has a ``[tool.vcx]`` table).
Unknown keys and unknown rule ids are errors: a typo in a config file must not silently
turn a rule off. Every key is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from vcx.findings import SEVERITIES
from vcx.limits import DEFAULT_MAX_NESTING, DEFAULT_TIMEOUT, Limits

DEFAULT_MAX_FILE_BYTES = 2_000_000

KEYS = {"select", "ignore", "exclude", "extend-exclude", "severity", "per-file-ignores",
        "max-file-size", "fail-on", "per-file-timeout", "max-nesting", "follow-symlinks", "baseline"}


class ConfigError(Exception):
    """A configuration problem the user must fix (exit code 2)."""


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    # gitignore-style patterns, relative to ``root``. ``exclude`` replaces the built-in list
    # of dependency/build folders (None = keep it); ``extend_exclude`` adds to it.
    exclude: list[str] | None = None
    extend_exclude: list[str] = field(default_factory=list)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    per_file_timeout: float = DEFAULT_TIMEOUT  # seconds to analyse one file (0 = no limit)
    max_nesting: int = DEFAULT_MAX_NESTING  # deepest syntax tree analysed (0 = no limit)
    follow_symlinks: bool = False  # follow links to files and folders inside the scanned folders
    fail_on: str = "low"
    # Findings below this severity are not shown (``--severity``); not a config-file key.
    min_severity: str = "low"
    source: Path | None = None  # the file the settings came from
    # The folder that exclude / per-file-ignores patterns are relative to: the config
    # file's folder, or (without a config file) the scanned folder.
    root: Path | None = None
    # The baseline file (``baseline`` key, relative to the config file, or ``--baseline``) and
    # where it was named; ``--diff REF``. Applied after the result cache (``filter.narrow``):
    # not part of the settings that key a stored result, as the severity floor is not.
    baseline: Path | None = None
    baseline_origin: str = ""
    diff_ref: str | None = None

    @property
    def exclude_patterns(self) -> list[str]:
        return [*(self.exclude or []), *self.extend_exclude]

    @property
    def default_excludes(self) -> bool:
        return self.exclude is None

    @property
    def limits(self) -> Limits:
        return Limits(timeout=self.per_file_timeout, max_nesting=self.max_nesting,
                      max_file_bytes=self.max_file_bytes)

    def rule_enabled(self, rule: type) -> bool:
        from vcx.rules import matches

        if not any(matches(rule, s) for s in self.select):  # type: ignore[arg-type]
            return False
        return not any(matches(rule, s) for s in self.ignore)  # type: ignore[arg-type]


def _mentions_vcx(path: Path) -> bool:
    try:
        return "tool.vcx" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def find_config(start: Path) -> Path | None:
    """The nearest ``vcx.toml`` or ``pyproject.toml`` with ``[tool.vcx]`` at or above ``start``."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for cand in (folder, *folder.parents):
        if (cand / "vcx.toml").is_file():
            return cand / "vcx.toml"
        pp = cand / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
                # A broken pyproject.toml that holds our settings is an error to report
                # (load_file does); one that does not is none of our business.
                if _mentions_vcx(pp):
                    return pp
                continue
            if isinstance(data.get("tool"), dict) and "vcx" in data["tool"]:
                return pp
    return None


def load_file(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a folder, not a file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML in {path}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"invalid TOML in {path}: nested too deeply") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("vcx", {}) if isinstance(tool, dict) else {}
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.vcx] must be a table")
        return section
    if "tool" in data and isinstance(data["tool"], dict) and "vcx" in data["tool"]:
        section = data["tool"]["vcx"]
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [tool.vcx] must be a table")
        return section
    return data


def _str_list(value: object, key: str, where: Path | str) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def check_selectors(selectors: list[str], key: str, where: Path | str) -> None:
    """Raise :class:`ConfigError` for the first selector that names no rule or category."""
    from vcx.rules import all_rules, valid_selector

    for s in selectors:
        if not valid_selector(s):
            known = [r.id for r in all_rules()]
            close = difflib.get_close_matches(s.upper(), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{where}: unknown rule or category {s!r} in '{key}'{hint} "
                              "(run `vcx rules` for the list)")


_check_selectors = check_selectors  # older name


def parse_size(value: object, where: str) -> int:
    """``2000000``, ``"2MB"``, ``"512k"``, ``"1.5 MiB"`` -> bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        v = value.strip().lower().replace(" ", "")
        units = {"b": 1, "k": 1000, "kb": 1000, "m": 1_000_000, "mb": 1_000_000,
                 "g": 1_000_000_000, "gb": 1_000_000_000,
                 "kib": 1024, "mib": 1024 ** 2, "gib": 1024 ** 3}
        for suffix, mult in sorted(units.items(), key=lambda kv: -len(kv[0])):
            number = v[: -len(suffix)]
            if v.endswith(suffix) and number and number.replace(".", "", 1).isdigit():
                size = int(float(number) * mult)
                if size > 0:
                    return size
                break
        if v.isdigit() and int(v) > 0:
            return int(v)
    raise ConfigError(f"{where}: max-file-size must be a positive number of bytes or a size "
                      f"like '2MB', got {value!r}")


def parse_seconds(value: object, where: str) -> float:
    """``20``, ``2.5``, ``"20s"``, ``"1m"``, ``"500ms"`` -> seconds (0 = no limit)."""
    seconds: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        v = value.strip().lower().replace(" ", "")
        for suffix, mult in (("ms", 0.001), ("s", 1.0), ("m", 60.0), ("", 1.0)):
            number = v[: len(v) - len(suffix)] if suffix else v
            if v.endswith(suffix) and number:
                try:
                    seconds = float(number) * mult
                except ValueError:
                    continue
                break
    if seconds is None or seconds != seconds or seconds < 0 or seconds > 86400:
        raise ConfigError(f"{where}: per-file-timeout must be a number of seconds (like 20, 2.5 or "
                          f"'30s'; 0 for no limit), got {value!r}")
    return seconds


def parse_nesting(value: object, where: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and (value == 0 or 10 <= value <= 1_000_000):
        return value
    raise ConfigError(f"{where}: max-nesting must be a whole number of syntax-tree levels from 10 "
                      f"to 1000000 (0 for no limit), got {value!r}")


def _severity(value: object, what: str, where: Path | str) -> str:
    if isinstance(value, str) and value.lower() in SEVERITIES:
        return value.lower()
    raise ConfigError(f"{where}: {what} must be one of {', '.join(SEVERITIES)}, got {value!r}")


def from_mapping(data: dict[str, object], path: Path) -> Config:
    unknown = sorted(set(data) - KEYS)
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key.replace("_", "-"), sorted(KEYS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(f"{path}: unknown key(s) {', '.join(map(repr, unknown))}{hint} "
                          f"(known keys: {', '.join(sorted(KEYS))})")
    cfg = Config(source=path, root=path.parent.resolve())
    if "select" in data:
        cfg.select = _str_list(data["select"], "select", path)
        check_selectors(cfg.select, "select", path)
    if "ignore" in data:
        cfg.ignore = _str_list(data["ignore"], "ignore", path)
        check_selectors(cfg.ignore, "ignore", path)
    if "exclude" in data:
        cfg.exclude = _str_list(data["exclude"], "exclude", path)
    if "extend-exclude" in data:
        cfg.extend_exclude = _str_list(data["extend-exclude"], "extend-exclude", path)
    if "severity" in data:
        sev = data["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{path}: 'severity' must be a table of RULE = \"high|medium|low\"")
        for rule_id, level in sev.items():
            check_selectors([rule_id], f"severity.{rule_id}", path)
            cfg.severity_overrides[rule_id] = _severity(level, f"'severity.{rule_id}'", path)
    if "per-file-ignores" in data:
        pfi = data["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{path}: 'per-file-ignores' must be a table of \"glob\" = [rules]")
        for glob, rules in pfi.items():
            key = f"per-file-ignores.{glob!r}"
            ids = _str_list(rules, key, path)
            check_selectors(ids, key, path)
            cfg.per_file_ignores[glob] = ids
    if "max-file-size" in data:
        cfg.max_file_bytes = parse_size(data["max-file-size"], str(path))
    if "fail-on" in data:
        cfg.fail_on = _severity(data["fail-on"], "'fail-on'", path)
    if "per-file-timeout" in data:
        cfg.per_file_timeout = parse_seconds(data["per-file-timeout"], str(path))
    if "max-nesting" in data:
        cfg.max_nesting = parse_nesting(data["max-nesting"], str(path))
    if "follow-symlinks" in data:
        if not isinstance(data["follow-symlinks"], bool):
            raise ConfigError(f"{path}: follow-symlinks must be true or false, got {data['follow-symlinks']!r}")
        cfg.follow_symlinks = data["follow-symlinks"]
    if "baseline" in data:
        value = data["baseline"]
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{path}: baseline must be the path of a file (relative to {path.name}), got {value!r}")
        cfg.baseline = path.parent.resolve() / value.strip()
        cfg.baseline_origin = f"config 'baseline' in {path}"
    return cfg


def load_config(paths: list[Path], explicit: Path | None = None) -> Config:
    """The settings for a scan of ``paths`` (``explicit``: the file given with ``--config``)."""
    path = explicit if explicit is not None else find_config(paths[0] if paths else Path.cwd())
    if path is None:
        first = (paths[0] if paths else Path.cwd()).resolve()
        return Config(root=first if first.is_dir() else first.parent)
    return from_mapping(load_file(path), path)
