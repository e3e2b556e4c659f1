"""Differential fuzzing of the engine: random programs run in rungrad and in PyTorch.

hypothesis draws a program (leaves, then instructions: op, operand indices, parameters),
runs it in rungrad and in PyTorch, and compares forward values, requires_grad flags and
gradients (float64 at rtol 1e-9) for every backward variant in variants.py; where PyTorch
is not installed, rungrad is checked against numerical differentiation instead. A failure
prints the program as a runnable rungrad snippet.

In CI (the `ci` hypothesis profile) the tests are derandomized and small: a few hundred
programs in all. Set RUNGRAD_FUZZ_EXAMPLES to run each test on that many fresh random
programs (e.g. `RUNGRAD_FUZZ_EXAMPLES=20000 pytest tests/autograd/random_programs`).

Files: program.py (a program and its snippet), generator.py (the hypothesis strategy),
more_ops.py (its builders for the less common ops), values.py (what the builders share),
frameworks.py (rungrad and the NumPy forward reference), torch_runner.py (PyTorch),
variants.py (the backward variants), test_random_programs.py (the tests).
"""
