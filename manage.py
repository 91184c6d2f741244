#!/usr/bin/env python
"""Same as the `openics` command."""

from openics.cli import main

if __name__ == "__main__":
    main()
