"""`python -m nn ...` is the `rungrad` command (see nn.cli)."""
import sys

from .cli import main

sys.exit(main())
