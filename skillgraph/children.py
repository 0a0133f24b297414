"""The command line that runs one of our modules in a child Python process.

``python -m`` puts the working directory first on the child's ``sys.path``: started from
a checkout of this repository after ``pip install .``, a child imported the ``skillgraph/``
folder there instead of the installed package, where ``skillgraph.shapes`` (the top-level
``shapes/``, mapped in by the install) does not exist, and every curriculum upload failed;
from any directory someone else can write to, it would run their code.  ``-P`` (Python
3.11) leaves the working directory out, so a child imports what its parent imported.
"""

from __future__ import annotations

import sys

__all__ = ["python_module"]


def python_module(module: str, *args: str) -> list[str]:
    """``[python, -P, -m, module, *args]`` with this process's interpreter."""
    return [sys.executable, "-P", "-m", module, *args]
