"""Allow ``python -m bhi_audit``."""

from bhi_audit.cli import main

if __name__ == "__main__":
    main()
