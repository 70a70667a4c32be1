"""``python -m segmentation ...``: the batch CLI of :mod:`segmentation.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
