"""`python -m eta`: the same command as `eta`."""

from eta.main import main

main()
