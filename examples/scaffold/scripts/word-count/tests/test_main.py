"""Tests of the example script, run by `scriptdesk catalogue build` before it publishes."""

import os
import sys
import tempfile
import unittest
from pathlib import Path

# The script folder, so `import main` works however the tests are started.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import main  # noqa: E402


class CountWordsTest(unittest.TestCase):
    def test_counts_words_ignoring_case(self):
        counts = main.count_words("The cat and the hat. THE END", ignore_case=True)
        self.assertEqual(counts["the"], 3)
        self.assertEqual(counts["cat"], 1)

    def test_keeps_case_when_asked(self):
        counts = main.count_words("The the", ignore_case=False)
        self.assertEqual(counts["The"], 1)
        self.assertEqual(counts["the"], 1)

    def test_digits_are_not_words(self):
        self.assertEqual(main.count_words("2026 12 31"), {})


class MainTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.folder = Path(self.dir.name)
        previous = os.environ.get("SCRIPTDESK_OUTPUT_DIR")
        os.environ["SCRIPTDESK_OUTPUT_DIR"] = self.dir.name
        self.addCleanup(self.restore, previous)

    @staticmethod
    def restore(previous):
        if previous is None:
            os.environ.pop("SCRIPTDESK_OUTPUT_DIR", None)
        else:
            os.environ["SCRIPTDESK_OUTPUT_DIR"] = previous

    def test_writes_the_most_frequent_words(self):
        text = self.folder / "notes.txt"
        text.write_text("b a b c b a", encoding="utf-8")
        self.assertEqual(main.main(["--top=2", "--ignore-case", "--", str(text)]), 0)
        rows = (self.folder / "word-counts.csv").read_text(encoding="utf-8").splitlines()
        self.assertEqual(rows, ["word,count", "b,3", "a,2"])

    def test_a_file_without_words_is_an_expected_outcome(self):
        text = self.folder / "numbers.txt"
        text.write_text("1 2 3", encoding="utf-8")
        self.assertEqual(main.main([str(text)]), main.NO_WORDS)


if __name__ == "__main__":
    unittest.main()
