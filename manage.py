#!/usr/bin/env python
from cchc.cli import main

if __name__ == "__main__":
    main()
