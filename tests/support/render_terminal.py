"""Renders what a program wrote to a terminal (bytes on stdin, as `script` recorded them) into
the lines a user sees at the end, with pyte (a terminal emulator), one per line on stdout.

usage: python3 render_terminal.py COLUMNS ROWS < output
"""
import sys

import pyte

columns, rows = int(sys.argv[1]), int(sys.argv[2])
screen = pyte.Screen(columns, rows)
pyte.ByteStream(screen).feed(sys.stdin.buffer.read())
for line in screen.display:
    if line.strip():
        print(line.rstrip())
