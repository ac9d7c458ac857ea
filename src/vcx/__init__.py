"""vcx: finds the defects that pass tests and break production."""

__version__ = "0.1.0"


def project_url(label: str) -> str | None:
    """A link declared in pyproject.toml's ``[project.urls]`` (``Homepage``, ``Issues``), read
    from the installed package's metadata; None when vcx runs from a source tree not installed."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("vcx").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in entries:
        name, _, url = entry.partition(",")
        if name.strip().lower() == label.lower() and url.strip():
            return url.strip()
    return None
