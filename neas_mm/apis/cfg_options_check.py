"""``--cfg-options`` keys checked against the config before they merge: a
typo that would silently add a new entry is reported with the closest
existing key."""
import difflib
from typing import Any, Iterable, List, Mapping


class ConfigKeyError(KeyError):
    """A ``--cfg-options`` key that names nothing in the config."""

    def __str__(self) -> str:  # KeyError would print the repr
        return str(self.args[0])


def _is_mapping(node: Any) -> bool:
    # mmengine's Config is no Mapping but has keys() and [].
    return isinstance(node, Mapping) or hasattr(node, 'keys')


def _children(node: Any) -> List[str]:
    if _is_mapping(node):
        return [str(k) for k in node.keys()]
    if isinstance(node, (list, tuple)):
        return [str(i) for i in range(len(node))]
    return []


def _child(node: Any, name: str) -> Any:
    if _is_mapping(node):
        return node[name]
    return node[int(name)]


def check_cfg_options(cfg: Mapping[str, Any], keys: Iterable[str]) -> None:
    """Raise a :class:`ConfigKeyError` for the first dotted key of ``keys``
    with a part that misspells an existing entry (a missing name with a
    close existing sibling: ``trian_cfg.max_epochs``,
    ``train_cfg.max_epoch``), indexes past a list, or descends into a
    value that is neither a dict nor a list. Parts with no close sibling
    are new entries and allowed, nested too: mmengine creates them
    (``model.backbone.init_cfg.type=Pretrained``, ``dataset.indices=N``)."""
    for key in keys:
        parts = key.split('.')
        node: Any = cfg
        for depth, part in enumerate(parts):
            where = '.'.join(parts[:depth]) or 'the config'
            if node is None:
                break  # a new entry under an empty one
            names = _children(node)
            if part in names:
                node = _child(node, part)
                continue
            if isinstance(node, (list, tuple)):
                raise ConfigKeyError(
                    f"--cfg-options key '{key}': {where} has no '{part}'; it "
                    f'is a list of {len(node)}')
            if not _is_mapping(node):
                raise ConfigKeyError(
                    f"--cfg-options key '{key}': {where} is "
                    f'{node!r}, not a dict or list')
            close = difflib.get_close_matches(part, names, n=1, cutoff=0.75)
            if close:
                raise ConfigKeyError(
                    f"--cfg-options key '{key}': {where} has no '{part}'; "
                    f"did you mean '{'.'.join(parts[:depth] + close)}'?")
            break  # a new entry: allowed
