"""envkpi — environmental performance indicators as narrated, auditable calculation reports.

The library holds the arithmetic (one module per indicator family), units, parameter and input
validation, provenance and report helpers; the notebooks in ``notebooks/`` are the reports.
"""

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("envkpi")
except _metadata.PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
