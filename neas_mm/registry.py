"""neas_mm's registries, children of mmengine's root registries.

Their scope is ``neas_mm``, so a config in any other scope (mmdet,
mmpretrain, mmengine) can name ``type='neas_mm.NEASSupernet'``: mmengine
imports ``neas_mm.registry`` for the scope prefix, and each registry imports
its ``locations`` on first use, so no ``custom_imports`` is needed.
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as \
    MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TASK_UTILS as MMENGINE_TASK_UTILS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import Registry

SCOPE = 'neas_mm'

# Networks, their parts, and the classifier models.
MODELS = Registry('model', parent=MMENGINE_MODELS, scope=SCOPE,
                  locations=['neas_mm.models'])
MODEL_WRAPPERS = Registry('model_wrapper', parent=MMENGINE_MODEL_WRAPPERS,
                          scope=SCOPE, locations=['neas_mm.models'])
TASK_UTILS = Registry('task util', parent=MMENGINE_TASK_UTILS, scope=SCOPE,
                      locations=['neas_mm.models', 'neas_mm.search'])
# Data.
DATASETS = Registry('dataset', parent=MMENGINE_DATASETS, scope=SCOPE,
                    locations=['neas_mm.datasets'])
DATA_SAMPLERS = Registry('data sampler', parent=MMENGINE_DATA_SAMPLERS,
                         scope=SCOPE, locations=['neas_mm.datasets'])
TRANSFORMS = Registry('transform', parent=MMENGINE_TRANSFORMS, scope=SCOPE,
                      locations=['neas_mm.datasets'])
# Runner glue: hooks, loops, optimisation.
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, scope=SCOPE,
                 locations=['neas_mm.engine'])
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, scope=SCOPE,
                 locations=['neas_mm.engine'])
OPTIMIZERS = Registry('optimizer', parent=MMENGINE_OPTIMIZERS, scope=SCOPE,
                      locations=['neas_mm.engine'])
OPTIM_WRAPPERS = Registry('optim_wrapper', parent=MMENGINE_OPTIM_WRAPPERS,
                          scope=SCOPE, locations=['neas_mm.engine'])
PARAM_SCHEDULERS = Registry('parameter scheduler',
                            parent=MMENGINE_PARAM_SCHEDULERS, scope=SCOPE,
                            locations=['neas_mm.engine'])
# Evaluation and visualisation.
METRICS = Registry('metric', parent=MMENGINE_METRICS, scope=SCOPE,
                   locations=['neas_mm.engine'])
EVALUATOR = Registry('evaluator', parent=MMENGINE_EVALUATOR, scope=SCOPE,
                     locations=['neas_mm.engine'])
VISUALIZERS = Registry('visualizer', parent=MMENGINE_VISUALIZERS,
                       scope=SCOPE, locations=['neas_mm.engine'])
VISBACKENDS = Registry('vis_backend', parent=MMENGINE_VISBACKENDS,
                       scope=SCOPE, locations=['neas_mm.engine'])
