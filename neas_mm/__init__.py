"""neas_mm: NEAS (one-shot neural ensemble architecture search) for OpenMMLab.

Importing the package applies the stack repairs of :mod:`neas_mm.compat`.
"""
from . import compat
from .version import __version__

compat.apply_all()

__all__ = ['__version__', 'compat']
