# The controller search loop of nasnet_search_controller_cluttered.py over
# the NEAS K-path space of neas_supernet_k2_cluttered.py (K = 2, 10 layers,
# split 4..10) instead of NASNet cells: the controller emits a split point
# and per layer a shared operator and/or a pair of operators
# (neas_mm.search.NEASDecisions), each child is that ensemble trained
# standalone (the truth table's network) for 300 steps and rewarded on the
# `search` split. So the controller, random search and evolution compare on
# the NEAS space with the same children.
_base_ = ['./nasnet_search_controller_cluttered.py']

model = dict(space=dict(
    _delete_=True, type='neas',
    model_config='{{fileDirname}}/../neas/neas_supernet_k2_cluttered.py'))
