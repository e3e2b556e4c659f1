"""GPU helpers (CuPy). Every op runs on the array module of its inputs."""
from .backend import get_array_module, is_available, to_cpu, to_gpu

__all__ = ["is_available", "to_gpu", "to_cpu", "get_array_module"]
