"""Counts the words of a text file: an example ScriptDesk script.

ScriptDesk passes the form's values as command-line arguments (the "args" template in
script.json), so the script is an ordinary argparse program you can also run by hand:

    SCRIPTDESK_OUTPUT_DIR=/tmp/out python3 main.py --top=5 --ignore-case -- notes.txt
"""

import argparse
import collections
import csv
import os
import re
import sys
from pathlib import Path

# Letters, with inner apostrophes or hyphens ("don't", "well-known"); digits are not words.
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
NO_WORDS = 3


def count_words(text, ignore_case=True):
    """How often each word occurs in `text`."""
    return collections.Counter(WORD.findall(text.lower() if ignore_case else text))


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Count the words of a text file.")
    parser.add_argument("--top", type=int, default=10, help="how many words to list")
    parser.add_argument("--ignore-case", action="store_true", help="count The and the as one")
    parser.add_argument("text_file", type=Path, help="the file to read")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    print("::progress 10 Reading the file", flush=True)
    text = args.text_file.read_text(encoding="utf-8", errors="replace")
    counts = count_words(text, args.ignore_case)
    if not counts:
        print(f"{args.text_file.name} holds no words; choose another file.", file=sys.stderr)
        return NO_WORDS
    print("::progress 80 Writing word-counts.csv", flush=True)
    out_dir = Path(os.environ.get("SCRIPTDESK_OUTPUT_DIR", "."))
    with open(out_dir / "word-counts.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["word", "count"])
        writer.writerows(counts.most_common(args.top))
    total = sum(counts.values())
    print(f"{total} words, {len(counts)} different; the {min(args.top, len(counts))} most frequent are in word-counts.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
