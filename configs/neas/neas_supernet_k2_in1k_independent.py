# The paper's supernet on ImageNet-1k: independent weights per operator
# (SPOS-like). Search its checkpoint with
# `--cfg-options model.backbone.operators=independent`.
_base_ = ['./neas_supernet_k2_in1k.py']

model = dict(backbone=dict(operators='independent'))
