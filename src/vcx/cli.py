"""The ``vcx`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vcx import __version__
from vcx.config import ConfigError, load_config
from vcx.findings import SEVERITIES, severity_rank


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="vcx")
def main() -> None:
    """vcx finds the defects that pass tests and break production."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None)
@click.option("--no-cache", is_flag=True)
def scan(paths: tuple[Path, ...], fmt: str, output: Path | None, no_cache: bool) -> None:
    """Scan PATHS (default: the current directory)."""
    from vcx.pipeline import scan as run_scan
    from vcx.report import json_report

    targets = list(paths) or [Path(".")]
    for p in targets:
        if not p.exists():
            click.echo(f"vcx: error: path does not exist: {p}", err=True)
            sys.exit(2)
    try:
        config = load_config(targets)
    except ConfigError as exc:
        click.echo(f"vcx: error: {exc}", err=True)
        sys.exit(2)
    result = run_scan(targets, config)
    text = json_report.render(result)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    floor = severity_rank(config.fail_on)
    sys.exit(1 if any(severity_rank(f.severity) >= floor for f in result.findings) else 0)


_ = SEVERITIES
