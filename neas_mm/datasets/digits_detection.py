"""The embedded detection set: digits pasted at several scales onto textured
canvases, written as COCO JSON (loaded by mmdet's ``CocoDataset``).

Layout written under ``root`` (the COCO 2017 layout)::

    root/train2017/<id>.png    root/annotations/instances_train2017.json
    root/val2017/<id>.png      root/annotations/instances_val2017.json
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from PIL import Image

from .digits_classification import DIGIT_CLASSES, load_digit_images
from .prepared_folder import prepare_folder


def textured_canvas(rng: np.random.RandomState, size: int) -> np.ndarray:
    """A ``size`` x ``size`` x 3 float canvas in [0, 1]: a random base colour,
    two random sinusoidal gratings and pixel noise."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    canvas = np.empty((size, size, 3), np.float32)
    base = rng.uniform(0.35, 0.75, size=3)
    for c in range(3):
        canvas[..., c] = base[c]
    for _ in range(2):
        freq = rng.uniform(1.0, 6.0)
        angle = rng.uniform(0, np.pi)
        phase = rng.uniform(0, 2 * np.pi)
        amp = rng.uniform(0.05, 0.15, size=3)
        wave = np.sin(2 * np.pi * freq *
                      (np.cos(angle) * xx + np.sin(angle) * yy) + phase)
        canvas += wave[..., None] * amp
    canvas += rng.normal(0, 0.04, size=canvas.shape)
    return np.clip(canvas, 0, 1)


def _ink_box(alpha: np.ndarray) -> Tuple[int, int, int, int]:
    """Tight box (x0, y0, x1, y1), exclusive end, of the visible ink."""
    ys, xs = np.nonzero(alpha > 0.15)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _overlaps(box: Sequence[int], boxes: List[Sequence[int]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1
               for b in boxes)


def _make_image(rng: np.random.RandomState, digits: np.ndarray,
                labels: np.ndarray, canvas_size: int,
                digit_sizes: Sequence[int], max_objects: int
                ) -> Tuple[np.ndarray, List[Tuple[List[float], int]]]:
    canvas = textured_canvas(rng, canvas_size)
    objects, boxes = [], []
    wanted = rng.randint(1, max_objects + 1)
    for _ in range(wanted * 10):
        if len(objects) == wanted:
            break
        size = int(digit_sizes[rng.randint(len(digit_sizes))])
        if size > canvas_size:
            continue
        index = rng.randint(len(digits))
        alpha = np.asarray(
            Image.fromarray(np.uint8(np.round(digits[index] * 255)),
                            mode='L').resize((size, size),
                                             Image.BILINEAR),
            np.float32) / 255.0
        ix0, iy0, ix1, iy1 = _ink_box(alpha)
        x = rng.randint(0, canvas_size - size + 1)
        y = rng.randint(0, canvas_size - size + 1)
        box = (x + ix0, y + iy0, x + ix1, y + iy1)
        if _overlaps(box, boxes):
            continue
        ink = rng.uniform(0.0, 0.2, size=3) if rng.rand() < 0.5 else \
            rng.uniform(0.85, 1.0, size=3)
        region = canvas[y:y + size, x:x + size]
        region[:] = region * (1 - alpha[..., None]) + ink * alpha[..., None]
        boxes.append(box)
        objects.append(([float(box[0]), float(box[1]),
                         float(box[2] - box[0]),
                         float(box[3] - box[1])], int(labels[index])))
    return np.uint8(np.round(canvas * 255)), objects


def _write_split(folder: Path, split: str, num_images: int, seed: int,
                 canvas_size: int, digit_sizes: Sequence[int],
                 max_objects: int, digits: np.ndarray,
                 labels: np.ndarray) -> int:
    rng = np.random.RandomState(seed)
    image_dir = folder / f'{split}2017'
    image_dir.mkdir(parents=True)
    images, annotations = [], []
    for image_id in range(1, num_images + 1):
        pixels, objects = _make_image(rng, digits, labels, canvas_size,
                                      digit_sizes, max_objects)
        name = f'{image_id:06d}.png'
        Image.fromarray(pixels).save(image_dir / name)
        images.append(dict(id=image_id, file_name=name, width=canvas_size,
                           height=canvas_size))
        for bbox, label in objects:
            annotations.append(
                dict(id=len(annotations) + 1, image_id=image_id,
                     category_id=label + 1, bbox=bbox,
                     area=bbox[2] * bbox[3], iscrowd=0,
                     segmentation=[]))
    categories = [dict(id=i + 1, name=name, supercategory='digit')
                  for i, name in enumerate(DIGIT_CLASSES)]
    (folder / 'annotations').mkdir(exist_ok=True)
    (folder / 'annotations' / f'instances_{split}2017.json').write_text(
        json.dumps(dict(images=images, annotations=annotations,
                        categories=categories)))
    return len(annotations)


def prepare_digits_detection(root: str,
                             num_train: int = 2048,
                             num_val: int = 256,
                             canvas_size: int = 128,
                             digit_sizes: Sequence[int] = (16, 24, 32, 48),
                             max_objects: int = 4,
                             seed: int = 0,
                             force: bool = False) -> Dict[str, Any]:
    """Write (or reuse) the digits detection set under ``root``.

    Train digits come from the first 80% of scikit-learn's digits and val
    digits from the rest, so no val image shows a training digit.

    Args:
        root: Output folder.
        num_train: Number of training images (>= 1).
        num_val: Number of validation images (>= 1).
        canvas_size: Side of each square canvas, in pixels (>= 32).
        digit_sizes: Sides, in pixels, at which digits are pasted.
        max_objects: At most this many digits per image (>= 1).
        seed: Seed of every random choice.
        force: Rebuild even if a complete folder exists.

    Returns:
        A summary: folder, whether it was rebuilt, images and boxes.
    """
    if num_train < 1 or num_val < 1:
        raise ValueError('num_train and num_val must be >= 1, got '
                         f'{num_train!r} and {num_val!r}')
    if canvas_size < 32:
        raise ValueError(f'canvas_size must be >= 32, got {canvas_size!r}')
    digit_sizes = [int(s) for s in digit_sizes]
    if not digit_sizes or min(digit_sizes) < 8 or \
            max(digit_sizes) > canvas_size:
        raise ValueError(f'digit_sizes must lie in [8, canvas_size='
                         f'{canvas_size}], got {digit_sizes!r}')
    if max_objects < 1:
        raise ValueError(f'max_objects must be >= 1, got {max_objects!r}')
    params = dict(kind='digits_detection', num_train=num_train,
                  num_val=num_val, canvas_size=canvas_size,
                  digit_sizes=digit_sizes, max_objects=max_objects,
                  seed=seed)
    digits, labels = load_digit_images()
    cut = int(len(digits) * 0.8)
    counts = {}

    def write(folder: Path) -> None:
        counts['train_boxes'] = _write_split(folder, 'train', num_train,
                                             seed, canvas_size, digit_sizes,
                                             max_objects, digits[:cut],
                                             labels[:cut])
        counts['val_boxes'] = _write_split(folder, 'val', num_val, seed + 1,
                                           canvas_size, digit_sizes,
                                           max_objects, digits[cut:],
                                           labels[cut:])

    rebuilt = prepare_folder(Path(root), params, write, force=force)
    return dict(root=str(Path(root).resolve()), rebuilt=rebuilt,
                train=num_train, val=num_val, **counts)
