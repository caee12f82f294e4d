from kosovo_kg.console import main

main()
