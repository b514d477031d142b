"""`python -m festival_cli` runs the `festival` command."""

from festival_cli.cli.entry import main

if __name__ == "__main__":
    main()
