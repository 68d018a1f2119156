from .evolution_search_loop import EvolutionSearchLoop
from .rl_controller_search_loop import RLControllerSearchLoop

__all__ = ['EvolutionSearchLoop', 'RLControllerSearchLoop']
