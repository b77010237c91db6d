"""Amortisation maths for fixed-rate loans repaid in equal monthly instalments.

Everything is computed with :class:`decimal.Decimal`. Money amounts are rounded to cents
with ROUND_HALF_UP at each step a bank would round: the instalment, and each month's
interest. The last instalment absorbs the rounding so the balance ends at exactly 0.00.
With high rates over long terms the fraction of a cent rounded off the instalment
compounds, so the final instalment can then differ noticeably from the others; callers
that show a schedule should show the final instalment too.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import List, Tuple, Union

#: What the public functions accept as an amount or a rate. Floats are converted through
#: ``str()`` so that ``0.1`` means one tenth, not the nearest binary fraction.
Number = Union[Decimal, int, float, str]

CENT = Decimal("0.01")

# More than enough digits for (1 + r) ** 480 with r a monthly rate.
_PRECISION = 40


@dataclass(frozen=True)
class ScheduleRow:
    """One instalment of a repayment schedule.

    ``principal`` is the part of ``payment`` that repays the loan, ``interest`` the part that
    pays the month's interest, and ``balance`` what is still owed after this payment.
    """

    period: int
    date: datetime.date
    payment: Decimal
    interest: Decimal
    principal: Decimal
    balance: Decimal


@dataclass(frozen=True)
class LoanSummary:
    """Totals of a schedule: what an analyst usually wants to know first."""

    monthly_payment: Decimal
    final_payment: Decimal
    payments: int
    total_paid: Decimal
    total_interest: Decimal
    first_payment_date: datetime.date
    payoff_date: datetime.date


def to_decimal(value: Number, what: str = "value") -> Decimal:
    """Convert ``value`` to a finite Decimal, or raise ValueError naming ``what``."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a boolean")
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return result


def round_cents(amount: Decimal) -> Decimal:
    """Round a money amount to cents, halves away from zero (0.005 -> 0.01)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(start: datetime.date, months: int) -> datetime.date:
    """Return the same day ``months`` calendar months after ``start``.

    When that month is shorter, the last day of the month is used (31 January + 1 month is
    28 or 29 February). Always computed from ``start``, so days never drift.
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(start.day, last_day))


def _check_terms(
    principal: Number, annual_rate_percent: Number, months: int
) -> Tuple[Decimal, Decimal, int]:
    """Validate loan terms; return (principal rounded to cents, annual rate, months)."""
    amount = to_decimal(principal, "principal")
    rate = to_decimal(annual_rate_percent, "annual_rate_percent")
    if amount <= 0:
        raise ValueError("principal must be greater than zero")
    if rate < 0:
        raise ValueError("annual_rate_percent must not be negative")
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError("months must be a whole number of at least 1")
    return round_cents(amount), rate, months


def monthly_payment(principal: Number, annual_rate_percent: Number, months: int) -> Decimal:
    """The equal monthly instalment that repays ``principal`` in ``months`` payments.

    Uses the annuity formula ``P * r / (1 - (1 + r) ** -n)`` with ``r`` the monthly rate
    (``annual_rate_percent / 1200``), rounded to cents. With a 0% rate the instalment is
    simply ``principal / months``.

    >>> monthly_payment(10000, 5, 12)
    Decimal('856.07')
    """
    amount, rate, count = _check_terms(principal, annual_rate_percent, months)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        if rate == 0:
            return round_cents(amount / count)
        monthly_rate = rate / Decimal(1200)
        factor = (1 + monthly_rate) ** count
        return round_cents(amount * monthly_rate * factor / (factor - 1))


def amortisation_schedule(
    principal: Number,
    annual_rate_percent: Number,
    months: int,
    start_date: datetime.date,
) -> List[ScheduleRow]:
    """The full repayment schedule, one row per monthly instalment.

    The loan is paid out on ``start_date``; instalment ``k`` is due ``k`` months later (see
    :func:`add_months`). Each month's interest is the outstanding balance times the monthly
    rate, rounded to cents; the rest of the instalment repays principal. The final
    instalment is adjusted so the closing balance is exactly ``Decimal('0.00')``.

    >>> rows = amortisation_schedule(10000, 5, 12, datetime.date(2025, 1, 15))
    >>> rows[0].payment, rows[0].interest, rows[0].date.isoformat()
    (Decimal('856.07'), Decimal('41.67'), '2025-02-15')
    >>> rows[-1].balance
    Decimal('0.00')
    """
    if not isinstance(start_date, datetime.date):
        raise ValueError("start_date must be a datetime.date")
    amount, rate, count = _check_terms(principal, annual_rate_percent, months)
    payment = monthly_payment(amount, rate, count)
    rows: List[ScheduleRow] = []
    balance = amount
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        monthly_rate = rate / Decimal(1200)
        for period in range(1, count + 1):
            interest = round_cents(balance * monthly_rate)
            if period == count or payment >= balance + interest:
                repaid = balance
            else:
                repaid = payment - interest
            balance = balance - repaid
            rows.append(
                ScheduleRow(
                    period=period,
                    date=add_months(start_date, period),
                    payment=repaid + interest,
                    interest=interest,
                    principal=repaid,
                    balance=balance,
                )
            )
            if balance == 0:
                break
    return rows


def summarise(rows: List[ScheduleRow]) -> LoanSummary:
    """Totals of a schedule made by :func:`amortisation_schedule`."""
    if not rows:
        raise ValueError("a schedule has at least one row")
    total_paid = sum((row.payment for row in rows), Decimal("0.00"))
    total_interest = sum((row.interest for row in rows), Decimal("0.00"))
    return LoanSummary(
        monthly_payment=rows[0].payment,
        final_payment=rows[-1].payment,
        payments=len(rows),
        total_paid=total_paid,
        total_interest=total_interest,
        first_payment_date=rows[0].date,
        payoff_date=rows[-1].date,
    )
