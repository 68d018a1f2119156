# Phase 2 (Algorithm 2): K-path evolution search with the paper's settings:
# population 50, top 10, 20 generations, 25 mutations and 25 crossovers a
# generation, P_s = P_m = 0.1. The search loop replaces the training loop;
# no weight is updated (the optimizer is required by the Runner only).
train_cfg = dict(
    type='neas_mm.EvolutionSearchLoop',
    mode='evolution',
    population_size=50,
    top_k=10,
    max_generations=20,
    num_mutation=25,
    num_crossover=25,
    prob_split=0.1,
    prob_layer=0.1,
    flops_range=(None, 350),  # multiply-adds, millions
    input_size=224,
    calib_size=1024,
    calib_batch_size=128,
    score_key='accuracy/top1',
    seed=0)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.0))
param_scheduler = None
val_cfg = dict()
test_cfg = dict()
custom_hooks = []
