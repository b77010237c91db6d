"""Build-time tests of the loan schedule script (run by `scriptdesk catalogue build`).

They run in a venv built from this script's own requirements.lock, so ``loancalc`` is the
approved version; the script folder is on ``sys.path``, so ``import main`` finds main.py.
They are never published to devices.
"""

import unittest
from decimal import Decimal

import main


class MoneyAndRateText(unittest.TestCase):
    def test_money_has_thousands_separators_and_cents(self):
        self.assertEqual(main.money(Decimal("12345.6")), "12,345.60")

    def test_rate_text_drops_trailing_zeros(self):
        self.assertEqual(main.rate_text(Decimal("4.250")), "4.25%")
        self.assertEqual(main.rate_text(Decimal("5")), "5%")


class UsesTheApprovedPackage(unittest.TestCase):
    def test_loancalc_is_the_locked_version(self):
        self.assertEqual(main.loancalc.__version__, "1.0.0")


if __name__ == "__main__":
    unittest.main()
