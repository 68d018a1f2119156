# An ensemble of the digits space (10 searchable layers, split 7, K = 2):
# the default architecture of the digits retrain and detection configs.
# The demo replaces it with the search's best_arch.json.
neas_digits_arch = dict(
    split=7,
    stage_depths=[2, 2, 2, 2, 2],
    shared=['k3_e4', 'skip', 'k5_e4', 'k3_e6', 'k5_e6', 'skip', 'k7_e4'],
    paths=[['k3_e6', 'k5_e4', 'k3_e4'], ['k5_e4', 'k3_e4', 'k7_e6']])
