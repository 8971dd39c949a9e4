"""Run the command line: ``python -m ngayhoi``."""

from ngayhoi.cli import main

raise SystemExit(main())
