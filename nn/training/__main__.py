"""`python -m nn.training ...` is the `rungrad` command (see nn.training.cli)."""
import sys

from .cli import main

sys.exit(main())
