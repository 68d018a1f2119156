# The paper's supernet on the digits: independent weights per operator
# (SPOS-like). Search its checkpoint with
# `--cfg-options model.backbone.operators=independent`.
_base_ = ['./neas_supernet_k2_digits.py']

model = dict(backbone=dict(operators='independent'))
