"""Differential fuzzing of the engine: random programs run in rungrad and in PyTorch.

hypothesis draws a program (leaves, then instructions: op, operand indices, parameters),
runs it in rungrad and in PyTorch, and compares forward values, requires_grad flags and
gradients (float64 at rtol 1e-9) for every backward variant in variants.py; where PyTorch
is not installed, rungrad is checked against numerical differentiation instead. A failure
prints the program as a runnable rungrad snippet.

In CI (the `ci` hypothesis profile) the tests are derandomized and small: a few hundred
programs in all. Set RUNGRAD_FUZZ_EXAMPLES to run each test on that many fresh random
programs (e.g. `RUNGRAD_FUZZ_EXAMPLES=20000 pytest tests/autograd/random_programs`), and
RUNGRAD_FUZZ_OPS to draw only some ops (comma-separated names; `new` for those added with
PyTorch's names), e.g. `RUNGRAD_FUZZ_OPS=new RUNGRAD_FUZZ_EXAMPLES=3000 pytest ...`.

Files: program.py (a program and its snippet), generator.py (the hypothesis strategy),
more_ops.py (its builders for the less common ops), new_elementwise.py, new_structure.py,
new_writes.py and new_order.py (the builders of the ops added with PyTorch's names),
values.py (what the builders share), frameworks.py (rungrad and the NumPy forward
reference; new_numpy.py its part for the added ops), torch_runner.py (PyTorch; new_torch.py
likewise), variants.py (the backward variants), test_random_programs.py (the tests).
"""
