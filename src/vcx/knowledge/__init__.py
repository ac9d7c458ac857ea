"""What vcx knows about libraries, as data: one module per domain.

``PY_KEEP_UNRESOLVED`` / the JS equivalent name the methods worth keeping as facts when the
receiver resolves to nothing known (most calls of a code base are such calls and no rule
reads them, so front ends drop the others).
"""

from __future__ import annotations

# Display sinks (TZ001 ignores time that only goes to print()).
PY_KEEP_UNRESOLVED = frozenset({"print"})
