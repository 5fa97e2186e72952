from eta.cli import main

main()
