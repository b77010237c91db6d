"""loancalc: fixed-rate loan amortisation schedules, in exact decimal arithmetic.

A small demo package for the ScriptDesk example catalogue. It shows how an approved
third-party package reaches a script: built into a wheel, pinned by hash in the script's
requirements.lock, installed offline into the script's own environment.

Public API (all amounts are :class:`decimal.Decimal`, rounded to cents):

- :func:`monthly_payment` -- the equal monthly instalment for a loan;
- :func:`amortisation_schedule` -- one :class:`ScheduleRow` per instalment
  (period, date, payment, interest, principal, balance);
- :func:`summarise` -- totals of a schedule as a :class:`LoanSummary`
  (total paid, total interest, payoff date, ...);
- :func:`add_months`, :func:`round_cents`, :func:`to_decimal` -- the helpers they use.

Example::

    >>> import datetime, loancalc
    >>> loancalc.monthly_payment(10000, 5, 12)
    Decimal('856.07')
    >>> rows = loancalc.amortisation_schedule(10000, 5, 12, datetime.date(2025, 1, 15))
    >>> loancalc.summarise(rows).total_interest
    Decimal('272.89')
"""

from .amortisation import (
    CENT,
    LoanSummary,
    Number,
    ScheduleRow,
    add_months,
    amortisation_schedule,
    monthly_payment,
    round_cents,
    summarise,
    to_decimal,
)

__version__ = "1.0.0"

__all__ = [
    "CENT",
    "LoanSummary",
    "Number",
    "ScheduleRow",
    "__version__",
    "add_months",
    "amortisation_schedule",
    "monthly_payment",
    "round_cents",
    "summarise",
    "to_decimal",
]
