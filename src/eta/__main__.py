from eta.main import main

main()
