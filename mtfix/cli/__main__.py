"""`python -m mtfix.cli`, the same as `mtfix`."""

from mtfix.cli import main

main()
