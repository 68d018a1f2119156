from .neas_ensemble_head import NEASEnsembleHead

__all__ = ['NEASEnsembleHead']
