"""`python -m mtfix …`: the same command line as `mtfix …`."""

from mtfix.cli import main

main()
