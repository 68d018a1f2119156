# The comparison for retinanet_neas_fpn_digits.py: the same detector, data
# and schedule with a MobileNetV2 backbone (width 0.5). mmpretrain's
# implementation (the same network as mmdet's, other parameter names), so
# that weights of configs/neas/mobilenetv2_digits_cls.py load as they are:
#   --cfg-options model.backbone.init_cfg.type=Pretrained \
#       model.backbone.init_cfg.checkpoint=CLS.pth \
#       model.backbone.init_cfg.prefix=backbone.
_base_ = './retinanet_neas_fpn_digits.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='mmpretrain.MobileNetV2',
        widen_factor=0.5,
        out_indices=(2, 4, 6),
        act_cfg=dict(type='ReLU6')),
    neck=dict(in_channels=[16, 48, 160]))
