"""The harder embedded classification task: a digit in clutter.

Every image is a ``image_size`` px square: a textured background, several
*fragments* (random crops of other digits) scattered over it, the *target*
digit at a random scale and position, an occluding bar over part of the image
and pixel noise. The label is the target's class. Telling the whole digit
from the fragments needs a receptive field as large as the target and enough
depth, so the choices of the NEAS space (kernel size, expansion, skip, split
point) move the accuracy; the plain digits do not (every ensemble 97-99%).

Source digits (scikit-learn's 1,797) are divided once, stratified by class,
into three disjoint pools, one per split; an image only uses digits of its
split's pool, target and fragments alike, so no ``search`` or ``val`` image
shows a digit that training saw. ``meta/sources.json`` lists each split's
pool and, per image, the source digits it shows.

Layout written under ``root`` (mmpretrain's ``CustomDataset`` layout)::

    root/{train,search,val}/<class>/<index>.png
    root/meta/{train,search,val}.txt   (lines "<class>/<file> <label>")
    root/meta/classes.txt   root/meta/sources.json
"""
import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from PIL import Image

from .digits_classification import DIGIT_CLASSES, load_digit_images
from .digits_detection import textured_canvas
from .prepared_folder import prepare_folder

SPLITS = ('train', 'search', 'val')


def split_sources(labels: np.ndarray, fractions: Sequence[float],
                  seed: int) -> List[List[int]]:
    """Disjoint pools of source indices, one per fraction, stratified by
    class (every class gives each pool the same share)."""
    rng = np.random.RandomState(seed)
    pools: List[List[int]] = [[] for _ in fractions]
    bounds = np.cumsum([0.0] + list(fractions))
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        rng.shuffle(idx)
        cuts = np.round(bounds * len(idx)).astype(int)
        for pool, lo, hi in zip(pools, cuts[:-1], cuts[1:]):
            pool.extend(idx[lo:hi].tolist())
    return [sorted(pool) for pool in pools]


def _resize(image: np.ndarray, size: int) -> np.ndarray:
    """An 8x8 float image in [0, 1] resized bilinearly to ``size`` px."""
    gray = Image.fromarray(np.uint8(np.round(image * 255)), mode='L')
    return np.asarray(gray.resize((size, size), Image.BILINEAR),
                      np.float32) / 255.0


def _paste(canvas: np.ndarray, alpha: np.ndarray, x: int, y: int,
           ink: np.ndarray) -> None:
    """Alpha-blend ``ink`` through ``alpha`` at (x, y), clipped to the
    canvas."""
    size = canvas.shape[0]
    h, w = alpha.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, size), min(y + h, size)
    if x0 >= x1 or y0 >= y1:
        return
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x, None]
    region = canvas[y0:y1, x0:x1]
    region[:] = region * (1 - a) + ink * a


def _ink(rng: np.random.RandomState, dark_prob: float) -> np.ndarray:
    """A dark (with probability ``dark_prob``) or a light RGB ink colour."""
    if rng.rand() < dark_prob:
        return rng.uniform(0.0, 0.15, size=3)
    return rng.uniform(0.85, 1.0, size=3)


def make_image(rng: np.random.RandomState, digits: np.ndarray,
               target: int, pool: Sequence[int], params: Dict[str, Any]
               ) -> Tuple[np.ndarray, List[int]]:
    """One uint8 RGB image of ``digits[target]`` in clutter drawn from
    ``pool`` (see the module docstring for the recipe), and the indices of
    every source digit it shows (the target first)."""
    size = params['image_size']
    # The texture is pulled towards mid-grey so that ink keeps contrast.
    strength = params['texture_strength']
    canvas = 0.5 + strength * (textured_canvas(rng, size) - 0.5)
    dark = params['dark_ink_prob']
    lo, hi = params['digit_scale']
    used = [int(target)]
    for _ in range(params['num_fragments']):
        used.append(int(pool[rng.randint(len(pool))]))
        scale = rng.randint(lo, hi + 1)
        alpha = _resize(digits[used[-1]], scale)
        frac = params['fragment_fraction']
        fh = max(2, int(round(scale * rng.uniform(*frac))))
        fw = max(2, int(round(scale * rng.uniform(*frac))))
        fy, fx = rng.randint(scale - fh + 1), rng.randint(scale - fw + 1)
        piece = alpha[fy:fy + fh, fx:fx + fw]
        _paste(canvas, piece, rng.randint(-fw // 2, size - fw // 2),
               rng.randint(-fh // 2, size - fh // 2), _ink(rng, dark))
    scale = rng.randint(lo, hi + 1)
    _paste(canvas, _resize(digits[target], scale),
           rng.randint(0, size - scale + 1), rng.randint(0, size - scale + 1),
           _ink(rng, dark))
    if rng.rand() < params['occlusion_prob']:
        thick = max(1, int(round(size * rng.uniform(0.06, 0.12))))
        bar = np.ones((thick, size), np.float32)
        if rng.rand() < 0.5:
            _paste(canvas, bar, 0, rng.randint(0, size - thick + 1),
                   rng.uniform(0, 1, size=3))
        else:
            _paste(canvas, bar.T.copy(), rng.randint(0, size - thick + 1),
                   0, rng.uniform(0, 1, size=3))
    canvas += rng.normal(0, params['noise_std'], size=canvas.shape)
    return np.uint8(np.round(np.clip(canvas, 0, 1) * 255)), used


def _check(name: str, value: Any, ok: bool, allowed: str) -> None:
    if not ok:
        raise ValueError(f'{name} must be {allowed}, got {value!r}')


def prepare_cluttered_digits(root: str,
                             image_size: int = 32,
                             num_images: Sequence[int] = (12000, 2000, 3000),
                             source_fractions: Sequence[float] = (0.6, 0.15,
                                                                  0.25),
                             digit_scale: Sequence[int] = (14, 22),
                             num_fragments: int = 1,
                             fragment_fraction: Sequence[float] = (0.3,
                                                                   0.5),
                             occlusion_prob: float = 0.2,
                             noise_std: float = 0.03,
                             texture_strength: float = 0.5,
                             dark_ink_prob: float = 0.5,
                             seed: int = 0,
                             force: bool = False) -> Dict[str, Any]:
    """Write (or reuse) the cluttered-digits set under ``root``.

    Args:
        root: Output folder.
        image_size: Side of each square image in px (>= 16).
        num_images: Images written for (train, search, val), each >= 1.
        source_fractions: Shares of the source digits in the disjoint
            (train, search, val) pools; each > 0, summing to at most 1.
        digit_scale: Inclusive (min, max) side in px of the target digit
            and of the digits fragments are cut from; 8 <= min <= max <=
            image_size.
        num_fragments: Fragments of other digits per image (>= 0).
        fragment_fraction: Range of a fragment's side as a share of its
            digit's side, within (0, 1].
        occlusion_prob: Chance of one occluding bar per image, in [0, 1].
        noise_std: Standard deviation of the pixel noise (>= 0; pixels in
            [0, 1]).
        texture_strength: How much of the textured background is kept,
            in [0, 1] (0: flat mid-grey).
        dark_ink_prob: Chance that a digit or fragment is drawn in dark
            rather than light ink, in [0, 1].
        seed: Seed of every random choice.
        force: Rebuild even if a complete folder exists.

    Returns:
        A summary: folder, whether it was rebuilt, images and source digits
        per split.
    """
    num_images = [int(n) for n in num_images]
    _check('image_size', image_size,
           isinstance(image_size, int) and image_size >= 16, 'an int >= 16')
    _check('num_images', num_images,
           len(num_images) == 3 and min(num_images) >= 1,
           '3 counts (train, search, val), each >= 1')
    _check('source_fractions', list(source_fractions),
           len(source_fractions) == 3 and min(source_fractions) > 0
           and sum(source_fractions) <= 1 + 1e-9,
           '3 shares (train, search, val), each > 0, summing to <= 1')
    lo, hi = (int(v) for v in digit_scale)
    _check('digit_scale', list(digit_scale), 8 <= lo <= hi <= image_size,
           f'(min, max) with 8 <= min <= max <= image_size={image_size}')
    _check('num_fragments', num_fragments,
           isinstance(num_fragments, int) and num_fragments >= 0,
           'an int >= 0')
    flo, fhi = (float(v) for v in fragment_fraction)
    _check('fragment_fraction', list(fragment_fraction),
           0 < flo <= fhi <= 1, '(min, max) with 0 < min <= max <= 1')
    _check('occlusion_prob', occlusion_prob, 0 <= occlusion_prob <= 1,
           'in [0, 1]')
    _check('noise_std', noise_std, noise_std >= 0, '>= 0')
    _check('texture_strength', texture_strength,
           0 <= texture_strength <= 1, 'in [0, 1]')
    _check('dark_ink_prob', dark_ink_prob, 0 <= dark_ink_prob <= 1,
           'in [0, 1]')
    params = dict(kind='cluttered_digits', image_size=image_size,
                  num_images=num_images,
                  source_fractions=[float(f) for f in source_fractions],
                  digit_scale=[lo, hi], num_fragments=num_fragments,
                  fragment_fraction=[flo, fhi],
                  occlusion_prob=float(occlusion_prob),
                  noise_std=float(noise_std),
                  texture_strength=float(texture_strength),
                  dark_ink_prob=float(dark_ink_prob), seed=seed)
    digits, labels = load_digit_images()
    pools = split_sources(labels, source_fractions, seed)

    def write(folder: Path) -> None:
        (folder / 'meta').mkdir()
        (folder / 'meta' / 'classes.txt').write_text(
            '\n'.join(DIGIT_CLASSES) + '\n')
        sources = {}
        for s, (split, pool, count) in enumerate(
                zip(SPLITS, pools, num_images)):
            rng = np.random.RandomState([seed, s])
            lines, shown = [], []
            for index in range(count):
                target = pool[index % len(pool)]
                pixels, used = make_image(rng, digits, target, pool, params)
                shown.append(used)
                name = DIGIT_CLASSES[labels[target]]
                rel = f'{name}/{index:05d}.png'
                path = folder / split / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                Image.fromarray(pixels).save(path)
                lines.append(f'{rel} {labels[target]}')
            (folder / 'meta' / f'{split}.txt').write_text(
                '\n'.join(lines) + '\n')
            sources[split] = dict(pool=pool, images=shown)
        (folder / 'meta' / 'sources.json').write_text(json.dumps(sources))

    rebuilt = prepare_folder(Path(root), params, write, force=force)
    summary = dict(root=str(Path(root).resolve()), rebuilt=rebuilt,
                   classes=len(DIGIT_CLASSES))
    for split, pool, count in zip(SPLITS, pools, num_images):
        summary[split] = count
        summary[f'{split}_sources'] = len(pool)
    return summary


def read_sources(root: str) -> Dict[str, Dict[str, list]]:
    """Per split of a prepared folder: its source-digit ``pool`` and, per
    image (in ``meta/<split>.txt`` order), the source digits it shows."""
    return json.loads((Path(root) / 'meta' / 'sources.json').read_text())

