"""neas_mm's modules resolve by name from other OpenMMLab scopes."""
import subprocess
import sys

import pytest
from mmengine.registry import DefaultScope

from neas_mm.registry import HOOKS, LOOPS, MODELS

SCRIPT = '''
import sys
from mmengine.registry import init_default_scope
from {scope}.registry import MODELS
init_default_scope('{scope}')
assert 'neas_mm' not in sys.modules, 'imported too early'
block = MODELS.build(dict(type='neas_mm.MBConv', in_channels=8,
                          out_channels=8, kernel_size=5, expand_ratio=6))
print(type(block).__module__, type(block).__name__,
      block.depthwise.conv.kernel_size[0])
'''


@pytest.mark.parametrize('scope', ['mmdet', 'mmpretrain'])
def test_builds_from_another_scope_without_custom_imports(scope):
    # A fresh interpreter: neas_mm is found through the 'neas_mm.' prefix.
    out = subprocess.run([sys.executable, '-c', SCRIPT.format(scope=scope)],
                         capture_output=True, text=True, check=True).stdout
    assert out.split()[-3:] == ['neas_mm.models.blocks.mbconv', 'MBConv',
                                '5']


def test_registries_are_children_of_mmengine():
    for registry in (MODELS, HOOKS, LOOPS):
        assert registry.scope == 'neas_mm'
        assert registry.parent.scope == 'mmengine'


def test_unknown_type_is_a_clear_error():
    with DefaultScope.overwrite_default_scope('neas_mm'):
        with pytest.raises(KeyError, match='NoSuchBlock'):
            MODELS.build(dict(type='NoSuchBlock'))
