"""rungrad.nn: modules, layers, losses and the training loop."""
