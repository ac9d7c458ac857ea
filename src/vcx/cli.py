"""The ``vcx`` command: ``vcx scan``, ``vcx rules``, ``vcx explain``.

Exit codes: 0 no findings at or above ``--fail-on``; 1 findings; 2 usage, configuration
or internal error (130 when interrupted). An unexpected exception never shows a traceback
unless ``VCX_DEBUG=1``.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import IO, Any

import click

from vcx import __version__, project_url
from vcx.config import Config, ConfigError, check_selectors, load_config, parse_nesting, parse_seconds, parse_size
from vcx.findings import SEVERITIES, severity_rank

FORMATS = ("text", "json", "sarif", "github", "markdown")


class UsageProblem(Exception):
    """A problem with what the user asked for (exit code 2)."""


def _fail(message: str) -> None:
    click.echo(f"vcx: error: {message}", err=True)
    sys.exit(2)


class VcxGroup(click.Group):
    """Turns unexpected exceptions into a one-line message and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except (ConfigError, UsageProblem) as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            click.echo("vcx: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(1)
        except Exception as exc:
            if os.environ.get("VCX_DEBUG", "") not in ("", "0"):
                raise
            detail = " ".join(str(exc).split()) or "(no message)"
            click.echo(f"vcx: internal error: {type(exc).__name__}: {detail}", err=True)
            where = f" at {url}" if (url := project_url("Issues")) else ""
            click.echo(f"vcx: this is a bug in vcx {__version__}; please report it{where} "
                       "with the output of the same command run with VCX_DEBUG=1", err=True)
            sys.exit(2)


def _silence_stdout() -> None:
    # The reader went away (`vcx scan | head`): stop writing without a second error at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=VcxGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vcx")
def main() -> None:
    """vcx finds the defects that pass tests and break production.

    \b
    vcx scan [PATH ...]    scan files and folders (default: the current folder)
    vcx rules              list the rules
    vcx explain RULE       show a rule's documentation
    """


def console_entry() -> None:
    """The ``vcx`` command: :func:`main`, then an immediate exit once the output is flushed.

    A large scan leaves millions of small objects behind; letting the interpreter free them
    one by one at exit costs more than half a second on a big tree, for nothing. (Tests
    that drive :func:`main` in-process keep the normal exit.)
    """
    try:
        main()
    except SystemExit as exc:
        code = exc.code
        if code is not None and not isinstance(code, int):
            raise  # a message to print: the normal way
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):
            _silence_stdout()
        os._exit(code or 0)


# ---------------------------------------------------------------------------- helpers


def use_color(stream: IO[str], to_file: bool = False) -> bool:
    """Colour only on a terminal, never with NO_COLOR set or into a file; FORCE_COLOR forces it."""
    if to_file or "NO_COLOR" in os.environ:
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _selectors(values: tuple[str, ...], flag: str) -> list[str] | None:
    """``--select A,B --select C`` -> ["A", "B", "C"] (None when the flag was not given)."""
    if not values:
        return None
    out = [part.strip() for v in values for part in v.split(",") if part.strip()]
    if not out:
        raise UsageProblem(f"{flag} needs at least one rule id, prefix or category")
    check_selectors(out, flag, "command line")
    return out


def _write(text: str, output: Path | None, binary_utf8: bool) -> None:
    if output is not None:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageProblem(f"cannot write {output}: {exc.strerror or exc}") from None
        return
    try:
        if binary_utf8 and hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            sys.stdout.buffer.write(text.encode("utf-8"))
            sys.stdout.buffer.flush()
        else:
            # A terminal that cannot show a character gets "?" rather than a crash.
            with contextlib.suppress(AttributeError, ValueError):
                sys.stdout.reconfigure(errors="replace")  # type: ignore[union-attr]
            sys.stdout.write(text)
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _configure(paths: list[Path], config_path: Path | None, select: list[str] | None,
               ignore: list[str] | None, severity: str | None, fail_on: str | None,
               max_file_size: str | None, timeout: str | None = None, max_nesting: str | None = None,
               follow_symlinks: bool = False) -> Config:
    config = load_config(paths, config_path)
    # Flags override the file: --select starts the rule set afresh (the file's select and
    # ignore no longer apply); --ignore alone adds to the file's ignore.
    if select is not None:
        config.select = select
        config.ignore = ignore or []
    elif ignore is not None:
        config.ignore = [*config.ignore, *ignore]
    if severity is not None:
        config.min_severity = severity
    if fail_on is not None:
        config.fail_on = fail_on
    if max_file_size is not None:
        config.max_file_bytes = parse_size(max_file_size, "--max-file-size")
    if timeout is not None:
        config.per_file_timeout = parse_seconds(timeout, "--timeout-per-file")
    if max_nesting is not None:
        config.max_nesting = parse_nesting(max_nesting, "--max-nesting")
    if follow_symlinks:
        config.follow_symlinks = True
    return config


# ---------------------------------------------------------------------------- vcx scan

SELECT_HELP = ("Rules to run: ids (ERR003), prefixes (ERR, TZ), category slugs (timezone) or ALL; "
               "comma-separated or repeated. Replaces the config file's select and ignore.")


@main.command(short_help="Scan files and folders for what breaks in production.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False), default="text",
              show_default=True, help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report to FILE instead of standard output (never coloured).")
@click.option("--select", multiple=True, metavar="RULES", help=SELECT_HELP)
@click.option("--ignore", multiple=True, metavar="RULES",
              help="Rules not to run (same forms as --select); added to the config file's ignore.")
@click.option("--severity", type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
              help="Show only findings of this severity or higher.  [default: low]")
@click.option("--fail-on", type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
              help="Exit with 1 when a shown finding has this severity or higher.  [default: low, "
                   "or the config's fail-on]")
@click.option("--no-cache", is_flag=True, help="Do not read or write the facts cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="VCX_CACHE_DIR", metavar="DIR",
              help="Where to keep the facts cache (env VCX_CACHE_DIR).  [default: .vcx_cache at the project "
                   "root]")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N",
              help="Worker processes for parsing (0 = one per core).  [default: 0]")
@click.option("--config", "config_path", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Read settings from FILE (a vcx.toml or pyproject.toml) instead of the nearest one.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the findings: no summary, no notes.")
@click.option("--stats", is_flag=True,
              help="Report files, lines and time per stage (on stderr for text, in the JSON summary).")
@click.option("--max-file-size", metavar="SIZE", default=None,
              help="Skip files larger than SIZE (bytes, or like 500KB, 2MB).  [default: 2MB]")
@click.option("--timeout-per-file", "timeout", metavar="SECONDS", default=None,
              help="Skip a file whose analysis takes longer than SECONDS (0 = no limit).  [default: 20]")
@click.option("--max-nesting", metavar="N", default=None,
              help="Skip a file whose syntax tree is more than N levels deep (0 = no limit).  [default: 500]")
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links to files and folders inside the scanned folders.")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Hide the findings recorded in FILE (overrides the config's baseline).")
@click.option("--write-baseline", "write_baseline", is_flag=False, flag_value="", default=None, metavar="[FILE]",
              help="Record the findings in a baseline file and exit 0 (default: the config's baseline, "
                   "else .vcx-baseline.json at the project root; give a FILE as --write-baseline=FILE).")
@click.option("--diff", "diff_ref", metavar="REF",
              help="Report only findings on lines added or changed since the git revision REF "
                   "(the whole project is still analysed).")
def scan(paths: tuple[Path, ...], fmt: str, output: Path | None, select: tuple[str, ...],
         ignore: tuple[str, ...], severity: str | None, fail_on: str | None, no_cache: bool,
         cache_dir: Path | None, jobs: int, config_path: Path | None, quiet: bool, stats: bool,
         max_file_size: str | None, timeout: str | None, max_nesting: str | None,
         follow_symlinks: bool, baseline_path: Path | None, write_baseline: str | None,
         diff_ref: str | None) -> None:
    """Scan PATHS (default: the current folder) and report what breaks in production."""
    from vcx.pipeline import ScanOptions
    from vcx.pipeline import scan as run_scan

    fmt = fmt.lower()
    targets = list(paths) or [Path(".")]
    for p in targets:
        if not p.exists():
            raise UsageProblem(f"path does not exist: {p}")
    config = _configure(targets, config_path, _selectors(select, "--select"), _selectors(ignore, "--ignore"),
                        severity.lower() if severity else None, fail_on.lower() if fail_on else None,
                        max_file_size, timeout, max_nesting, follow_symlinks)
    if baseline_path is not None:
        config.baseline, config.baseline_origin = baseline_path.absolute(), "--baseline"
    config.diff_ref = diff_ref
    if write_baseline is not None:
        return _write_baseline(targets, config, write_baseline, quiet, no_cache, cache_dir, jobs)
    options = ScanOptions(jobs=jobs, cache_dir=None if no_cache else (cache_dir or _default_cache_dir(targets,
                                                                                                      config)))
    result = run_scan(targets, config, options=options)
    # The scan's objects live until the process exits (without freeing them: console_entry),
    # so the collector need never walk them again: reporting 400 findings otherwise paid for
    # a full collection over millions of facts (0.17 s on saleor).
    gc.freeze()
    if not quiet:
        for warning in getattr(result, "warnings", None) or []:
            click.echo(f"vcx: warning: {warning}", err=True)

    t0 = time.perf_counter()
    if fmt == "json":
        from vcx.report import json_report

        _write(json_report.render(result, stats=stats), output, binary_utf8=True)
    elif fmt == "sarif":
        from vcx.report import sarif

        _write(sarif.render(result, stats=stats, root=Path.cwd()), output, binary_utf8=True)
    elif fmt == "github":
        from vcx.report import github

        _write(github.render(result), output, binary_utf8=True)
    elif fmt == "markdown":
        from vcx.report import markdown

        _write(markdown.render(result), output, binary_utf8=True)
    else:
        from vcx.report import text

        color = use_color(sys.stdout, to_file=output is not None)
        _write(text.render(result, color=color, quiet=quiet, stats=stats), output, binary_utf8=False)
    report_seconds = time.perf_counter() - t0
    if stats and fmt == "text":
        from vcx.report import text

        sys.stderr.write(text.render_stats(result, color=use_color(sys.stderr),
                                           extra={"report": report_seconds}))

    floor = severity_rank(config.fail_on)
    sys.exit(1 if any(severity_rank(f.severity) >= floor for f in result.findings) else 0)


def _write_baseline(targets: list[Path], config: Config, file: str, quiet: bool, no_cache: bool,
                    cache_dir: Path | None, jobs: int) -> None:
    """``--write-baseline``: record every finding the scan would show (at any severity, with no
    baseline and no --diff) and exit 0."""
    from vcx import baseline
    from vcx.pipeline import ScanOptions
    from vcx.pipeline import scan as run_scan

    if config.diff_ref is not None:
        raise UsageProblem("--write-baseline records every finding; it cannot be combined with --diff")
    root = baseline.project_root(config, targets)
    path = Path(file).absolute() if file else (config.baseline or root / baseline.DEFAULT_NAME)
    baseline.check_writable(path)  # before the scan, not after it
    config.baseline, config.diff_ref, config.min_severity = None, None, "low"
    options = ScanOptions(jobs=jobs, cache_dir=None if no_cache else (cache_dir or _default_cache_dir(targets,
                                                                                                      config)))
    result = run_scan(targets, config, options=options)
    baseline.write(path, result.findings, root, Path.cwd())
    if not quiet:
        for warning in result.warnings:
            click.echo(f"vcx: warning: {warning}", err=True)
        shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
        click.echo(f"vcx: wrote {len(result.findings)} finding{'' if len(result.findings) == 1 else 's'} "
                   f"to the baseline {shown}", err=True)
    sys.exit(0)


def _default_cache_dir(targets: list[Path], config: Config) -> Path:
    """``.vcx_cache`` next to the config file, else in the (first) folder scanned."""
    from vcx.cache import DEFAULT_DIR

    if config.root is not None:
        return Path(config.root) / DEFAULT_DIR
    first = targets[0]
    return (first if first.is_dir() else first.parent) / DEFAULT_DIR


# ---------------------------------------------------------------------------- vcx rules


@main.command(short_help="List every rule.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False), default="text",
              show_default=True, help="Output format.")
def rules(fmt: str) -> None:
    """List every rule: id, name, category, severity, languages and what it finds."""
    from vcx.rules import all_rules

    found = all_rules()
    if fmt.lower() == "json":
        doc = [{"id": r.id, "slug": r.slug, "category": r.category, "severity": r.severity,
                "languages": list(r.languages), "summary": getattr(r, "summary", ""),
                "fix": getattr(r, "fix", "")} for r in found]
        _write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", None, binary_utf8=True)
        return
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if not found:
        click.echo("vcx: no rules are available")
        return
    color = use_color(sys.stdout)
    buf = io.StringIO()
    width = shutil.get_terminal_size((250, 24)).columns if sys.stdout.isatty() else 250
    console = Console(file=buf, force_terminal=color, no_color=not color, highlight=False, emoji=False,
                      markup=False, width=width, soft_wrap=False)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for col in ("id", "name", "category", "severity", "languages", "summary"):
        table.add_column(col, no_wrap=col != "summary")
    styles = {"high": "bold red", "medium": "bold yellow", "low": "bold cyan"}
    for r in found:
        table.add_row(r.id, r.slug, r.category, Text(r.severity, style=styles.get(r.severity, "")),
                      ", ".join(r.languages), getattr(r, "summary", ""))
    console.print(table)
    _write("".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines()), None, binary_utf8=False)


# ---------------------------------------------------------------------------- vcx explain


@main.command(short_help="Show a rule's documentation.")
@click.argument("rule_id", metavar="RULE")
def explain(rule_id: str) -> None:
    """Show the documentation of RULE (an id like TZ001, or its name like naive-datetime)."""
    from vcx.rules import all_rules

    wanted = rule_id.strip()
    rule = next((r for r in all_rules() if wanted.upper() == r.id or wanted.lower() == r.slug), None)
    if rule is None:
        import difflib

        known = [r.id for r in all_rules()]
        close = difflib.get_close_matches(wanted.upper(), known, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise UsageProblem(f"unknown rule {wanted!r}{hint} (run `vcx rules` for the list)")
    lines = [
        f"{rule.id} {rule.slug}",
        f"category: {rule.category}   severity: {rule.severity}   languages: {', '.join(rule.languages)}",
        "",
        rule.doc() or getattr(rule, "summary", ""),
    ]
    fix = getattr(rule, "fix", "")
    if fix and fix not in rule.doc():
        lines += ["", f"Fix: {fix}"]
    _write("\n".join(lines).rstrip() + "\n", None, binary_utf8=False)


if __name__ == "__main__":  # pragma: no cover
    main()
