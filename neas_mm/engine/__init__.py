"""Runner glue: hooks, loops and BN recalibration (filled by later phases)."""
