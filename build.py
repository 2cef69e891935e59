#!/usr/bin/env python3
"""Factsheet's command line: `python build.py [build|check] [--content DIR] [--output DIR] [--config FILE]`."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main(exit_at_once=True))
