"""Entry point of ``python -m sk_rnn``."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
