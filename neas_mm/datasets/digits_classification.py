"""The embedded classification set: scikit-learn digits, ImageNet layout.

Layout written under ``root`` (mmpretrain's ``CustomDataset`` and ``ImageNet``
layout, class folders plus annotation lists)::

    root/{train,search,val}/<class>/<index>.png
    root/meta/{train,search,val}.txt   (lines "<class>/<file> <label>")
    root/meta/classes.txt

``train`` is trained on; ``search`` (disjoint from train) is what shrinking
scores candidate ensembles on; ``val`` is for reported figures.
"""
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
from PIL import Image

from .prepared_folder import prepare_folder

DIGIT_CLASSES = tuple(str(i) for i in range(10))


def load_digit_images() -> Tuple[np.ndarray, np.ndarray]:
    """The 1,797 bundled 8x8 digits as float images in [0, 1] and labels."""
    from sklearn.datasets import load_digits
    digits = load_digits()
    return digits.images.astype(np.float32) / 16.0, digits.target.astype(
        np.int64)


def digit_to_rgb(image: np.ndarray, size: int) -> np.ndarray:
    """An 8x8 digit in [0, 1] as a ``size`` x ``size`` uint8 RGB image,
    white ink on black, upsampled bilinearly."""
    gray = Image.fromarray(np.uint8(np.round(image * 255)), mode='L')
    gray = gray.resize((size, size), Image.BILINEAR)
    return np.repeat(np.asarray(gray)[:, :, None], 3, axis=2)


def _split(labels: np.ndarray, val_fraction: float, search_fraction: float,
           seed: int) -> Tuple[List[int], List[int], List[int]]:
    """Stratified split: the same share of every class goes to val, then
    to search (the val draw is the same whatever ``search_fraction``)."""
    rng = np.random.RandomState(seed)
    train, search, val = [], [], []
    for label in range(len(DIGIT_CLASSES)):
        idx = np.flatnonzero(labels == label)
        rng.shuffle(idx)
        num_val = int(round(len(idx) * val_fraction))
        num_search = int(round(len(idx) * search_fraction))
        val.extend(idx[:num_val].tolist())
        search.extend(idx[num_val:num_val + num_search].tolist())
        train.extend(idx[num_val + num_search:].tolist())
    return sorted(train), sorted(search), sorted(val)


def prepare_digits_classification(root: str,
                                  image_size: int = 32,
                                  val_fraction: float = 0.2,
                                  search_fraction: float = 0.15,
                                  max_per_split: int = 0,
                                  seed: int = 0,
                                  force: bool = False) -> Dict[str, Any]:
    """Write (or reuse) the digits classification set under ``root``.

    Args:
        root: Output folder.
        image_size: Side of the written square images, in pixels (>= 8).
        val_fraction: Share of each class held out as ``val``, in (0, 1).
        search_fraction: Share of each class held out as ``search``, in
            (0, 1), with ``val_fraction + search_fraction < 1``.
        max_per_split: Keep at most this many images per split (0: all).
        seed: Seed of the split.
        force: Rebuild even if a complete folder exists.

    Returns:
        A summary: folder, whether it was rebuilt, images per split.
    """
    if not isinstance(image_size, int) or image_size < 8:
        raise ValueError(f'image_size must be an int >= 8, got {image_size!r}')
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(
            f'val_fraction must be in (0, 1), got {val_fraction!r}')
    if not 0.0 < search_fraction < 1.0 - val_fraction:
        raise ValueError(
            f'search_fraction must be in (0, 1 - val_fraction = '
            f'{1.0 - val_fraction:g}), got {search_fraction!r}')
    if max_per_split < 0:
        raise ValueError(f'max_per_split must be >= 0, got {max_per_split!r}')
    params = dict(kind='digits_classification', image_size=image_size,
                  val_fraction=val_fraction,
                  search_fraction=search_fraction, max_per_split=max_per_split,
                  seed=seed)
    images, labels = load_digit_images()
    train, search, val = _split(labels, val_fraction, search_fraction, seed)
    if max_per_split:
        train, search, val = (train[:max_per_split], search[:max_per_split],
                              val[:max_per_split])

    def write(folder: Path) -> None:
        (folder / 'meta').mkdir()
        (folder / 'meta' / 'classes.txt').write_text(
            '\n'.join(DIGIT_CLASSES) + '\n')
        for split, indices in (('train', train), ('search', search),
                               ('val', val)):
            lines = []
            for index in indices:
                name = DIGIT_CLASSES[labels[index]]
                rel = f'{name}/{index:04d}.png'
                path = folder / split / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                Image.fromarray(digit_to_rgb(images[index],
                                             image_size)).save(path)
                lines.append(f'{rel} {labels[index]}')
            text = '\n'.join(lines) + '\n'
            (folder / 'meta' / f'{split}.txt').write_text(text)

    rebuilt = prepare_folder(Path(root), params, write, force=force)
    return dict(root=str(Path(root).resolve()), rebuilt=rebuilt,
                train=len(train), search=len(search), val=len(val),
                classes=len(DIGIT_CLASSES))
