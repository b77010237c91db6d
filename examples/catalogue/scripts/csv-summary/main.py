"""Summarise a CSV file: row and column counts, number and date ranges, frequent values.

Run by ScriptDesk (see examples/README.md for the protocol). Inputs, from the JSON file
named by SCRIPTDESK_INPUTS:

- csvFile: path of the CSV file to read;
- delimiter: "comma", "semicolon", "tab" or "other";
- otherDelimiter: the one separating character when delimiter is "other";
- hasHeader: whether the first row holds the column names;
- topN: how many of the most frequent values to list per text column;
- reportTitle: the heading of the report.

Writes to SCRIPTDESK_OUTPUT_DIR:

- summary.md: the report an analyst reads;
- column-stats.csv: one row per column, for further work in a spreadsheet.

A column is a "number" column when every filled cell is a plain number (1234, -5.5, 1e3;
values with a leading zero such as 00123 are codes, so such columns are text), a "date"
column when every filled cell is a YYYY-MM-DD date, an "empty" column when no cell is
filled, and a "text" column otherwise. Rows whose cells are all empty are skipped.

Exit codes (as declared in script.json): 0 success; 3 the file has no data rows; 4 the file
cannot be read as a CSV (the message names the line); 2 the script was started without
usable inputs; 1 an unexpected error.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import json
import os
import re
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Dict, Iterator, List, NoReturn, Optional, Tuple

EXIT_NO_INPUTS = 2
EXIT_NO_DATA = 3
EXIT_UNREADABLE = 4

DELIMITERS: Dict[str, Tuple[str, str]] = {
    "comma": (",", "comma"),
    "semicolon": (";", "semicolon"),
    "tab": ("\t", "tab"),
}
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
CODE_RE = re.compile(r"^[+-]?0\d")  # 007, 01234: identifiers, not quantities
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
MARKDOWN_SPECIAL_RE = re.compile(r"([\\`\[\]<>|])")
FALLBACK_ENCODING = "cp1252"


class CsvProblem(Exception):
    """The file cannot be read as the CSV the user described; the message says why."""


class NotDecodable(Exception):
    """A line is not valid text in the encoding tried."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


# --------------------------------------------------------------------------- protocol


_last_progress = [0]


def progress(percent: int, label: str) -> None:
    """Report progress to ScriptDesk (a ::progress line on stdout); it never goes back."""
    percent = max(_last_progress[0], min(100, percent))
    _last_progress[0] = percent
    print(f"::progress {percent} {label}", flush=True)


def log(message: str) -> None:
    """A line for the log the analyst sees."""
    print(message, flush=True)


def stop(code: int, message: str) -> NoReturn:
    """Explain the problem on stderr and exit with a declared exit code."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


def load_inputs() -> Tuple[dict, Path]:
    """The validated inputs and the output folder that ScriptDesk passes in."""
    inputs_path = os.environ.get("SCRIPTDESK_INPUTS")
    output_dir = os.environ.get("SCRIPTDESK_OUTPUT_DIR")
    if not inputs_path or not output_dir:
        stop(EXIT_NO_INPUTS, "This script must be run from ScriptDesk (no inputs were passed).")
    try:
        with open(inputs_path, encoding="utf-8") as handle:
            inputs = json.load(handle)
    except (OSError, ValueError) as error:
        stop(EXIT_NO_INPUTS, f"Could not read the inputs file: {error}")
    if not isinstance(inputs, dict):
        stop(EXIT_NO_INPUTS, "The inputs file does not hold a JSON object.")
    return inputs, Path(output_dir)


# --------------------------------------------------------------------------- statistics


class ColumnStats:
    """Running statistics of one column, fed one cell at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.filled = 0
        self.empty = 0
        self.counts: Counter = Counter()
        self.could_be_number = True
        self.could_be_date = True
        self.total = Decimal(0)
        self.minimum: Optional[Decimal] = None
        self.maximum: Optional[Decimal] = None
        self.earliest: Optional[str] = None
        self.latest: Optional[str] = None

    def add(self, raw: str) -> None:
        value = raw.strip()
        if not value:
            self.empty += 1
            return
        self.filled += 1
        self.counts[value] += 1
        if self.could_be_number:
            self._add_number(value)
        if self.could_be_date:
            self._add_date(value)

    def _add_number(self, value: str) -> None:
        if not NUMBER_RE.match(value) or CODE_RE.match(value):
            self.could_be_number = False
            return
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.could_be_number = False
            return
        self.total += number
        if self.minimum is None or number < self.minimum:
            self.minimum = number
        if self.maximum is None or number > self.maximum:
            self.maximum = number

    def _add_date(self, value: str) -> None:
        if not DATE_RE.match(value):
            self.could_be_date = False
            return
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            self.could_be_date = False
            return
        if self.earliest is None or value < self.earliest:
            self.earliest = value
        if self.latest is None or value > self.latest:
            self.latest = value

    @property
    def kind(self) -> str:
        if self.filled == 0:
            return "empty"
        if self.could_be_number:
            return "number"
        if self.could_be_date:
            return "date"
        return "text"

    @property
    def mean(self) -> Optional[Decimal]:
        if self.kind != "number":
            return None
        mean = (self.total / self.filled).quantize(Decimal("0.0001"))
        return mean.normalize() if mean else Decimal(0)

    def top(self, count: int) -> List[Tuple[str, int]]:
        """The ``count`` most frequent values, most frequent first, ties alphabetically."""
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:count]


class Summary:
    """What was learnt from the whole file."""

    def __init__(self, columns: List[ColumnStats], rows: int, blank_rows: int, encoding: str):
        self.columns = columns
        self.rows = rows
        self.blank_rows = blank_rows
        self.encoding = encoding


# --------------------------------------------------------------------------- reading


def text_lines(path: Path, encoding: str, on_bytes: Callable[[int], None]) -> Iterator[str]:
    """The file's lines decoded as ``encoding``, reporting bytes read as it goes."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            on_bytes(len(raw))
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if b"\x00" in raw:
                raise CsvProblem(
                    f"Line {number} contains binary data, so this is not a CSV text file. "
                    "(Is it a spreadsheet file renamed to .csv? Save it from the spreadsheet "
                    "program as 'CSV UTF-8' instead.)"
                )
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError:
                raise NotDecodable(number) from None


def unique_names(header: List[str]) -> List[str]:
    """Column names from a header row: blanks become "Column N", repeats get " (2)"."""
    names: List[str] = []
    seen: Counter = Counter()
    for index, raw in enumerate(header, start=1):
        name = CONTROL_RE.sub(" ", raw).strip() or f"Column {index}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def read_csv(path: Path, delimiter: str, has_header: bool, encoding: str) -> Summary:
    """Read the whole file once, feeding every cell into its column's statistics."""
    size = max(path.stat().st_size, 1)
    state = {"read": 0, "reported": 0}

    def on_bytes(count: int) -> None:
        state["read"] += count
        percent = 5 + (80 * state["read"]) // size
        if percent >= state["reported"] + 10:
            state["reported"] = percent
            progress(percent, "Reading rows")

    reader = csv.reader(text_lines(path, encoding, on_bytes), delimiter=delimiter, strict=True)
    columns: List[ColumnStats] = []
    rows = 0
    blank_rows = 0
    width_source = "the header has"
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                blank_rows += 1
                continue
            if not columns:
                if has_header:
                    columns = [ColumnStats(name) for name in unique_names(cells)]
                    continue
                columns = [ColumnStats(f"Column {i}") for i in range(1, len(cells) + 1)]
                width_source = "the first row has"
            if len(cells) != len(columns):
                raise CsvProblem(
                    f"Line {reader.line_num} has {len(cells)} values but {width_source} "
                    f"{counted(len(columns), 'column')}. Check that line for a missing or extra "
                    "delimiter, or a value containing the delimiter without quotes."
                )
            rows += 1
            for column, cell in zip(columns, cells):
                column.add(cell)
    except csv.Error as error:
        raise CsvProblem(
            f"Line {reader.line_num} is not valid CSV ({error}). Look for a quote that is "
            "not closed."
        ) from None
    return Summary(columns, rows, blank_rows, encoding)


def read_with_fallback(path: Path, delimiter: str, has_header: bool) -> Summary:
    """Read as UTF-8; if the file is not UTF-8, read it again as Windows-1252."""
    try:
        return read_csv(path, delimiter, has_header, "utf-8")
    except NotDecodable as problem:
        log(
            f"Line {problem.line} is not UTF-8 text, so the whole file is read as "
            "Windows-1252 (Western European) instead. To avoid this, save the file as "
            "'CSV UTF-8'."
        )
    try:
        return read_csv(path, delimiter, has_header, FALLBACK_ENCODING)
    except NotDecodable as problem:
        raise CsvProblem(
            f"Line {problem.line} contains bytes that are not text in UTF-8 or Windows-1252."
        ) from None


# --------------------------------------------------------------------------- writing


def plain_number(value: Optional[Decimal]) -> str:
    """A number in fixed-point notation (never 1E+2), as precise as it was computed."""
    return "" if value is None else format(value, "f")


def grouped_number(value: Optional[Decimal]) -> str:
    """The same as :func:`plain_number` with thousands separators, for reading."""
    text = plain_number(value)
    if not text:
        return ""
    whole, _, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('+-')):,}"
    return sign + grouped + (f".{fraction}" if fraction else "")


def md(text: str) -> str:
    """Text made safe for a Markdown table cell or heading (no markup, no raw HTML)."""
    return MARKDOWN_SPECIAL_RE.sub(r"\\\1", CONTROL_RE.sub(" ", text))


def spreadsheet_safe(text: str) -> str:
    """Text that a spreadsheet will not run as a formula when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def counted(count: int, noun: str) -> str:
    """'1 data row', '2,500 data rows'."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def human_size(size: int) -> str:
    """A file size for people: 812 bytes, 2.4 KB, 31.0 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def summary_markdown(
    summary: Summary, title: str, source: Path, delimiter_name: str, has_header: bool, top_n: int
) -> str:
    """The report: overview, per-column table, numbers, dates and frequent values."""
    header_note = " plus a header row" if has_header else ", no header row"
    lines = [
        f"# {md(title)}",
        "",
        f"- **File:** {md(source.name)} ({human_size(source.stat().st_size)}, "
        f"{delimiter_name}-separated, read as {summary.encoding.upper()})",
        f"- **Rows:** {counted(summary.rows, 'data row')}{header_note}",
        f"- **Columns:** {len(summary.columns)}",
    ]
    if summary.blank_rows:
        lines.append(f"- **Skipped:** {counted(summary.blank_rows, 'blank row')}")
    lines += ["", "## Columns", "", "| Column | Type | Filled | Empty | Distinct values |"]
    lines.append("| --- | --- | ---: | ---: | ---: |")
    for column in summary.columns:
        lines.append(
            f"| {md(column.name)} | {column.kind} | {column.filled:,} | {column.empty:,} "
            f"| {len(column.counts):,} |"
        )
    numbers = [c for c in summary.columns if c.kind == "number"]
    if numbers:
        lines += ["", "## Numeric columns", "", "| Column | Min | Max | Mean | Sum |"]
        lines.append("| --- | ---: | ---: | ---: | ---: |")
        for column in numbers:
            lines.append(
                f"| {md(column.name)} | {grouped_number(column.minimum)} "
                f"| {grouped_number(column.maximum)} | {grouped_number(column.mean)} "
                f"| {grouped_number(column.total)} |"
            )
    dates = [c for c in summary.columns if c.kind == "date"]
    if dates:
        lines += ["", "## Date columns", "", "| Column | Earliest | Latest |"]
        lines.append("| --- | --- | --- |")
        for column in dates:
            lines.append(f"| {md(column.name)} | {column.earliest} | {column.latest} |")
    texts = [c for c in summary.columns if c.kind == "text"]
    if texts:
        lines += ["", f"## Most frequent values (top {top_n})"]
        for column in texts:
            lines += ["", f"### {md(column.name)}", "", "| Value | Count | Share |"]
            lines.append("| --- | ---: | ---: |")
            for value, count in column.top(top_n):
                share = 100 * count / column.filled
                lines.append(f"| {md(value)} | {count:,} | {share:.1f}% |")
    return "\n".join(lines) + "\n"


def write_column_stats(summary: Summary, top_n: int, target: Path) -> None:
    """One row per column, with plain numbers, for further work in a spreadsheet."""
    fields = ["column", "type", "filled", "empty", "distinct", "min", "max", "mean", "sum"]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields + ["top_values"])
        for column in summary.columns:
            if column.kind == "date":
                low, high = column.earliest or "", column.latest or ""
            else:
                low, high = plain_number(column.minimum), plain_number(column.maximum)
            number = column.kind == "number"
            top = ""
            if column.kind == "text":
                top = "; ".join(f"{value} ({count})" for value, count in column.top(top_n))
            writer.writerow(
                [
                    spreadsheet_safe(column.name),
                    column.kind,
                    column.filled,
                    column.empty,
                    len(column.counts),
                    low if column.kind in ("number", "date") else "",
                    high if column.kind in ("number", "date") else "",
                    plain_number(column.mean) if number else "",
                    plain_number(column.total) if number else "",
                    spreadsheet_safe(top),
                ]
            )


# --------------------------------------------------------------------------- main


def chosen_delimiter(inputs: dict) -> Tuple[str, str]:
    """The separating character and its name for the log, from the delimiter inputs."""
    if inputs.get("delimiter") == "other":
        other = str(inputs.get("otherDelimiter") or "")
        # The form allows exactly one character; anything else means the inputs were not checked.
        if len(other) != 1:
            stop(EXIT_NO_INPUTS, "The other separator must be exactly one character.")
        return other, f'"{other}"'
    return DELIMITERS.get(str(inputs.get("delimiter")), DELIMITERS["comma"])


def main() -> int:
    inputs, output_dir = load_inputs()
    source = Path(str(inputs.get("csvFile", "")))
    delimiter, delimiter_name = chosen_delimiter(inputs)
    has_header = bool(inputs.get("hasHeader", True))
    top_n = int(inputs.get("topN", 5))
    title = CONTROL_RE.sub(" ", str(inputs.get("reportTitle") or "")).strip() or "CSV summary"

    progress(2, "Opening the file")
    header_row = "yes" if has_header else "no"
    log(f"Reading {source.name} ({delimiter_name}-separated, header row: {header_row}).")
    if not source.is_file():
        stop(EXIT_UNREADABLE, f"The file {source} does not exist or is not a file.")
    try:
        summary = read_with_fallback(source, delimiter, has_header)
    except CsvProblem as problem:
        stop(EXIT_UNREADABLE, f"{source.name}: {problem}")
    except OSError as error:
        stop(EXIT_UNREADABLE, f"Could not read {source}: {error.strerror or error}.")

    if summary.rows == 0:
        what = "only a header row" if has_header and summary.columns else "no rows"
        stop(EXIT_NO_DATA, f"The CSV file has no data rows: {source.name} contains {what}.")
    log(f"Read {counted(summary.rows, 'data row')} and {counted(len(summary.columns), 'column')}.")
    if summary.blank_rows:
        log(f"Skipped {counted(summary.blank_rows, 'blank row')}.")
    if len(summary.columns) == 1 and delimiter != ";" and ";" in summary.columns[0].name:
        log(
            "Note: everything landed in one column. The file may use semicolons; "
            "try the Semicolon delimiter."
        )
    for kind in ("number", "date", "text", "empty"):
        names = [c.name for c in summary.columns if c.kind == kind]
        if names:
            log(f"{kind.capitalize()} columns: {', '.join(names)}")

    progress(90, "Writing the report")
    report = summary_markdown(summary, title, source, delimiter_name, has_header, top_n)
    (output_dir / "summary.md").write_text(report, encoding="utf-8")
    write_column_stats(summary, top_n, output_dir / "column-stats.csv")
    log("Wrote summary.md (the report) and column-stats.csv (one row per column).")
    progress(100, "Done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
