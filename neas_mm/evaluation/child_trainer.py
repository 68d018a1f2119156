"""What a controller search does with a child: train it on the cluttered
task with a recipe and score it on named splits."""
import dataclasses
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from neas_mm.search.decision_space_builder import build_decision_space
from .standalone_trainer import StandaloneRecipe

BUDGETS = ('search', 'final')
SPLITS = ('search', 'val')


def recipe_of(value: Union[StandaloneRecipe, Mapping[str, Any]]
              ) -> StandaloneRecipe:
    """A :class:`StandaloneRecipe` from itself or its fields."""
    if isinstance(value, StandaloneRecipe):
        return value
    fields = {f.name for f in dataclasses.fields(StandaloneRecipe)}
    unknown = sorted(set(value) - fields)
    if unknown:
        raise ValueError(f'unknown recipe field(s) {unknown}; allowed: '
                         f'{sorted(fields)}')
    return StandaloneRecipe(**value)


class ChildTrainer:
    """Trains a search's children from scratch on the cluttered-digits task
    (``tools/prepare_data.py --only cluttered``) and scores them.

    A child is trained with ``search_recipe`` (the reduced budget) during
    the search and scored on the ``search`` split only; the best children
    are retrained with ``final_recipe`` and scored on ``search`` and
    ``val``. NASNet children are :class:`NASNetTrainer` networks of
    ``network``; NEAS ensembles are :class:`StandaloneTrainer` ones with the
    widths of the space's ``model_config``. Built once per worker process
    (it loads the task's images).

    Args:
        space: The decision space config (``'nasnet'``, ``'neas'`` or a
            dict, see :func:`build_decision_space`).
        data_root: The task folder (prepared if missing).
        search_recipe: Recipe (or its fields) of the children.
        final_recipe: Recipe (or its fields) of the retrained children.
        network: NASNet children's ``NASNetTrainer`` network (``channels``,
            ``num_cells``, ...).
        search_images: Score children on the first ``search_images`` images
            of the search split (None: all); retrained ones on all.
        train_images: Train on the first ``train_images`` images (None:
            all).
        channels_last: Channels-last memory format (faster on CPU).
    """

    def __init__(self, space: Union[str, Dict[str, Any]],
                 data_root: Union[str, Path],
                 search_recipe: Mapping[str, Any] = dict(steps=300),
                 final_recipe: Mapping[str, Any] = dict(steps=1000,
                                                        batch_size=128,
                                                        lr=0.1,
                                                        warmup_steps=100),
                 network: Optional[Mapping[str, Any]] = None,
                 search_images: Optional[int] = None,
                 train_images: Optional[int] = None,
                 channels_last: bool = True) -> None:
        from .ground_truth_setup import load_task, model_widths
        from .nasnet_trainer import NASNetTrainer
        from .standalone_trainer import StandaloneTrainer
        self.space = build_decision_space(space)
        self.recipes = dict(search=recipe_of(search_recipe),
                            final=recipe_of(final_recipe))
        _, splits = load_task(Path(data_root), train_images)
        self.splits = dict(splits)
        if search_images is not None:
            x, y = splits['search']
            self.search_subset = (x[:search_images], y[:search_images])
        else:
            self.search_subset = splits['search']
        self.trainers = {}
        for budget, recipe in self.recipes.items():
            if self.space.kind == 'nasnet':
                self.trainers[budget] = NASNetTrainer(
                    network or {}, 10, recipe, splits['train'], {},
                    channels_last=channels_last)
            else:
                config = getattr(self.space, 'model_config', None)
                if config is None:
                    raise ValueError('NEAS children need the space\'s '
                                     'model_config (their widths)')
                widths = model_widths(config)
                self.trainers[budget] = StandaloneTrainer(
                    widths['backbone'], widths['head'], recipe,
                    splits['train'], {}, channels_last=channels_last)

    def __call__(self, arch: Dict[str, Any], seed: int, budget: str,
                 splits: Sequence[str]) -> Dict[str, Any]:
        """Train the child of ``arch`` (its dict) with ``budget``'s recipe
        and ``seed``; its accuracy (fraction) on each of ``splits``."""
        if budget not in BUDGETS:
            raise ValueError(f'budget must be one of {BUDGETS}, got '
                             f'{budget!r}')
        unknown = [s for s in splits if s not in SPLITS]
        if unknown:
            raise ValueError(f'splits must be among {SPLITS}, got {unknown}')
        trainer = self.trainers[budget]
        trainer.evals = {
            s: self.search_subset if (s == 'search' and budget == 'search')
            else self.splits[s] for s in splits}
        return trainer.run(self.space.arch_from_dict(arch), seed)
