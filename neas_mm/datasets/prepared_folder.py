"""Atomic, self-describing output folders for the embedded data sets.

A prepared folder holds a ``.complete.json`` marker, written last, with the
parameters that produced the folder and the SHA-256 of every file, so that

* preparing again with the same parameters reuses the folder,
* a folder left half-written by an interrupted run (no marker, or files that
  do not match the marker) is detected and rebuilt, never silently used.

The content is first written to a sibling temporary folder and moved into place
with one ``rename``; an interruption therefore never leaves a partial folder at
the final path.
"""
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable, Dict

MARKER = '.complete.json'


def _file_digests(root: Path) -> Dict[str, str]:
    digests = {}
    for path in sorted(root.rglob('*')):
        if path.is_file() and path.name != MARKER:
            digests[path.relative_to(root).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    return digests


def folder_is_complete(root: Path, params: Dict[str, Any],
                       verify_files: bool = True) -> bool:
    """Whether ``root`` was fully prepared with exactly ``params``."""
    marker = root / MARKER
    if not marker.is_file():
        return False
    try:
        record = json.loads(marker.read_text())
    except (OSError, ValueError):
        return False
    if record.get('params') != params:
        return False
    if not verify_files:
        return True
    return record.get('files') == _file_digests(root)


def prepare_folder(root: Path, params: Dict[str, Any],
                   write: Callable[[Path], None],
                   force: bool = False) -> bool:
    """Make ``root`` hold what ``write`` produces for ``params``.

    Args:
        root: Final folder.
        params: JSON-serialisable parameters; part of the marker.
        write: Fills an (empty, existing) folder it is given.
        force: Rebuild even if a complete folder is present.

    Returns:
        True if the folder was (re)built, False if it was reused.
    """
    root = Path(root).resolve()
    if not force and folder_is_complete(root, params):
        return False
    tmp = root.with_name(f'{root.name}.partial-{os.getpid()}')
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        write(tmp)
        record = {'params': params, 'files': _file_digests(tmp)}
        (tmp / MARKER).write_text(json.dumps(record, indent=1,
                                             sort_keys=True))
        if root.exists():
            shutil.rmtree(root)
        tmp.rename(root)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    # Leftovers of runs killed before their rename.
    for stale in root.parent.glob(f'{root.name}.partial-*'):
        shutil.rmtree(stale, ignore_errors=True)
    return True
