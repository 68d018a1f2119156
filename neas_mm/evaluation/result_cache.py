"""An append-only JSON-lines cache of expensive results."""
import hashlib
import json
from pathlib import Path
from typing import Any, Dict, Optional


def cache_key(**parts: Any) -> str:
    """A stable key of JSON-serialisable parts (order-independent)."""
    text = json.dumps(parts, sort_keys=True, separators=(',', ':'))
    return hashlib.sha1(text.encode()).hexdigest()


class ResultCache:
    """Results keyed by :func:`cache_key`, one JSON line each.

    Every ``put`` appends and flushes one line, so an interrupted run keeps
    all finished results and a rerun computes only what is missing; a line
    cut short by an interruption is ignored.

    Args:
        file: The JSON-lines file (created with its folder on first put).
    """

    def __init__(self, file: str) -> None:
        self.file = Path(file)
        self._items: Dict[str, Dict[str, Any]] = {}
        if self.file.is_file():
            for line in self.file.read_text().splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                self._items[item['key']] = item['value']

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> Optional[Dict[str, Any]]:
        return self._items.get(key)

    def put(self, key: str, value: Dict[str, Any]) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        cut = self.file.is_file() and self.file.stat().st_size and \
            not self.file.read_bytes().endswith(b'\n')
        with self.file.open('a') as f:
            if cut:  # a line left unfinished by an interrupted run
                f.write('\n')
            f.write(json.dumps(dict(key=key, value=value)) + '\n')
            f.flush()
        self._items[key] = value
