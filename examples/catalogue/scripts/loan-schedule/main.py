"""Work out the repayment schedule of a fixed-rate loan repaid monthly.

Run by ScriptDesk (see examples/README.md for the protocol). Uses the approved package
``loancalc`` (pinned in requirements.lock, installed from the catalogue's wheelhouse).
Inputs, from the JSON file named by SCRIPTDESK_INPUTS:

- principal: the amount borrowed;
- annualRatePercent: the yearly interest rate in percent (5 means 5% a year);
- years: the term in whole years (12 monthly payments each);
- startDate: the date the loan is paid out (YYYY-MM-DD); payments fall due monthly from
  one month later;
- label: an optional name for the loan, shown in the outputs.

Writes to SCRIPTDESK_OUTPUT_DIR:

- schedule.csv: period, date, payment, interest, principal, balance (one row a month);
- summary.txt: monthly payment, total interest, payoff date and the other totals.

Exit codes (as declared in script.json): 0 success; 3 the inputs do not describe a loan
that can be scheduled; 4 the loancalc package is missing from the environment; 2 the
script was started without usable inputs; 1 an unexpected error.
"""

from __future__ import annotations

import csv
import datetime
import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import List, NoReturn, Tuple

EXIT_NO_INPUTS = 2
EXIT_BAD_LOAN = 3
EXIT_NO_PACKAGE = 4

try:
    import loancalc
except ImportError:
    print(
        "The loancalc package is not installed in this script's environment. "
        "Ask the catalogue administrator to check the script's requirements.lock.",
        file=sys.stderr,
    )
    sys.exit(EXIT_NO_PACKAGE)

CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


# --------------------------------------------------------------------------- protocol


def progress(percent: int, label: str) -> None:
    """Report progress to ScriptDesk (a ::progress line on stdout)."""
    print(f"::progress {max(0, min(100, percent))} {label}", flush=True)


def log(message: str) -> None:
    """A line for the log the analyst sees."""
    print(message, flush=True)


def stop(code: int, message: str) -> NoReturn:
    """Explain the problem on stderr and exit with a declared exit code."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


def load_inputs() -> Tuple[dict, Path]:
    """The validated inputs (numbers as exact Decimals) and the output folder."""
    inputs_path = os.environ.get("SCRIPTDESK_INPUTS")
    output_dir = os.environ.get("SCRIPTDESK_OUTPUT_DIR")
    if not inputs_path or not output_dir:
        stop(EXIT_NO_INPUTS, "This script must be run from ScriptDesk (no inputs were passed).")
    try:
        with open(inputs_path, encoding="utf-8") as handle:
            inputs = json.load(handle, parse_float=Decimal)
    except (OSError, ValueError) as error:
        stop(EXIT_NO_INPUTS, f"Could not read the inputs file: {error}")
    if not isinstance(inputs, dict):
        stop(EXIT_NO_INPUTS, "The inputs file does not hold a JSON object.")
    return inputs, Path(output_dir)


# --------------------------------------------------------------------------- formatting


def money(amount: Decimal) -> str:
    """12,345.60: thousands separators and always two decimals, for people."""
    return f"{amount:,.2f}"


def rate_text(rate: Decimal) -> str:
    """5 -> '5%', 4.250 -> '4.25%'."""
    text = format(rate, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def write_schedule(rows: List[loancalc.ScheduleRow], target: Path) -> None:
    """schedule.csv with plain numbers (no thousands separators) for spreadsheets."""
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["period", "date", "payment", "interest", "principal", "balance"])
        for row in rows:
            writer.writerow(
                [
                    row.period,
                    row.date.isoformat(),
                    row.payment,
                    row.interest,
                    row.principal,
                    row.balance,
                ]
            )


def summary_text(
    label: str,
    principal: Decimal,
    rate: Decimal,
    years: int,
    start: datetime.date,
    summary: loancalc.LoanSummary,
) -> str:
    """summary.txt: the figures an analyst asks for first, one per line."""
    term = f"{years} year{'s' if years != 1 else ''} ({summary.payments} monthly payments)"
    lines = [
        f"Loan schedule: {label}" if label else "Loan schedule",
        "",
        f"Principal:             {money(principal)}",
        f"Annual interest rate:  {rate_text(rate)}",
        f"Term:                  {term}",
        f"Loan start date:       {start.isoformat()}",
        f"First payment date:    {summary.first_payment_date.isoformat()}",
        "",
        f"Monthly payment:       {money(summary.monthly_payment)}",
        f"Final payment:         {money(summary.final_payment)}",
        f"Total paid:            {money(summary.total_paid)}",
        f"Total interest:        {money(summary.total_interest)}",
        f"Payoff date:           {summary.payoff_date.isoformat()}",
        "",
        "Interest is charged monthly at the annual rate / 12 on the outstanding balance and",
        "rounded to the cent; the final payment settles what rounding left over.",
        f"Calculated with loancalc {loancalc.__version__}.",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- main


def main() -> int:
    inputs, output_dir = load_inputs()
    label = CONTROL_RE.sub(" ", str(inputs.get("label") or "")).strip()
    try:
        amount = loancalc.to_decimal(inputs.get("principal", ""), "principal")
        principal = loancalc.round_cents(amount)
        rate = loancalc.to_decimal(inputs.get("annualRatePercent", ""), "annual interest rate")
        years = int(inputs.get("years", 0))
        start = datetime.date.fromisoformat(str(inputs.get("startDate", "")))
    except (TypeError, ValueError) as error:
        stop(EXIT_BAD_LOAN, f"The loan inputs are not usable: {error}.")

    progress(10, "Calculating the schedule")
    term = f"{years} year{'s' if years != 1 else ''}"
    log(
        f"Scheduling {money(principal)} at {rate_text(rate)} a year over {term}, "
        f"paid out on {start.isoformat()}."
    )
    try:
        rows = loancalc.amortisation_schedule(principal, rate, years * 12, start)
    except (ValueError, OverflowError) as error:
        stop(EXIT_BAD_LOAN, f"This loan cannot be scheduled: {error}.")
    summary = loancalc.summarise(rows)
    log(f"Monthly payment: {money(summary.monthly_payment)} for {summary.payments} months.")
    log(f"Total interest: {money(summary.total_interest)}; paid off on {summary.payoff_date}.")
    if abs(summary.final_payment - summary.monthly_payment) > summary.monthly_payment / 100:
        log(
            f"Note: the final payment is {money(summary.final_payment)}, because rounding "
            "the monthly payment to the cent adds up over a long term at this rate."
        )

    progress(80, "Writing schedule.csv and summary.txt")
    write_schedule(rows, output_dir / "schedule.csv")
    text = summary_text(label, principal, rate, years, start, summary)
    (output_dir / "summary.txt").write_text(text, encoding="utf-8")
    log("Wrote schedule.csv (one row per payment) and summary.txt (the totals).")
    progress(100, "Done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
