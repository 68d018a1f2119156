# RetinaNet + FPN on COCO with the searched NEAS ensemble as backbone (paper
# Table 6): mmdet's own RetinaNet 1x config (SGD momentum 0.9, wd 1e-4, 12
# epochs, lr x0.1 at epochs 8 and 11) with the backbone replaced. The
# backbone returns the ends of stages 1, 2 and 4 (strides 8, 16, 32); path
# maps after the split are averaged, so the channels are those of the stages.
_base_ = 'mmdet::retinanet/retinanet_r50_fpn_1x_coco.py'

data_root = '{{fileDirname}}/../../data/coco/'
neas_arch = [20, 2, 0, 0, -1, 0, 2, 0, 0, 2, -1, 0, -1, 0, 3, 2, 4, 0, 2, 5,
             0, 4, 3, 0, 0]  # NEAS-S of the official release
model = dict(
    backbone=dict(
        _delete_=True,
        type='neas_mm.NEASEnsembleBackbone',
        arch=neas_arch,
        out_indices=(1, 2, 4),
        fuse='mean',
        frozen_stages=1,
        norm_eval=True,
        # The retrained ensemble (configs/neas/neas-s_retrain_in1k.py):
        init_cfg=dict(type='Pretrained', prefix='backbone.',
                      checkpoint='{{fileDirname}}/../../work_dirs/'
                      'neas-s_retrain_in1k/epoch_350.pth')),
    neck=dict(in_channels=[40, 80, 160], start_level=0, num_outs=5))

train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root +
                     'annotations/instances_val2017.json')
test_evaluator = val_evaluator
