"""vcx: finds the defects that pass tests and break production."""

__version__ = "0.1.0"
