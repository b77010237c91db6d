"""Rename files in a folder by a regular-expression search and replace on their names.

Run by ScriptDesk (see examples/README.md for the protocol). Inputs, from the JSON file
named by SCRIPTDESK_INPUTS:

- folder: the folder whose files are renamed;
- pattern: a Python regular expression, searched in each file name (not the folder path);
- replacement: what every match is replaced with; \\1 or \\g<name> insert captured groups;
- includeSubfolders: also rename files in subfolders.

SCRIPTDESK_DRY_RUN=1 asks for a dry run: the script reports what it would do and changes
nothing on disk.

Safety rules: only regular files are renamed (never folders or symbolic links); hidden
files and folders (names starting with ".") are left alone; a file is never renamed onto a
name that already exists or that another file in this run gets; a new name that is empty,
contains a path separator or is otherwise not allowed is skipped. Every matching file is
recorded in renames.csv (old, new, status) in SCRIPTDESK_OUTPUT_DIR.

Exit codes (as declared in script.json): 0 success; 3 no file name would change; 4 the
pattern or replacement is not valid; 5 the folder cannot be read; 6 some files were
skipped (name taken or not allowed); 7 some renames failed; 2 the script was started
without usable inputs; 1 an unexpected error.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, NoReturn, Optional, Pattern, Set, Tuple

EXIT_NO_INPUTS = 2
EXIT_NOTHING_TO_DO = 3
EXIT_BAD_PATTERN = 4
EXIT_BAD_FOLDER = 5
EXIT_SKIPPED = 6
EXIT_FAILED = 7

MAX_LOGGED_RENAMES = 200
MAX_NAME_BYTES = 255
WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{prefix}{number}" for prefix in ("COM", "LPT") for number in range(1, 10)
}


@dataclass
class Rename:
    """One file whose name the pattern changes, and what happened to it."""

    old: Path
    new: Path
    old_label: str
    new_label: str
    status: str = ""


# --------------------------------------------------------------------------- protocol


def progress(percent: int, label: str) -> None:
    """Report progress to ScriptDesk (a ::progress line on stdout)."""
    print(f"::progress {max(0, min(100, percent))} {label}", flush=True)


def log(message: str) -> None:
    """A line for the log the analyst sees."""
    print(message, flush=True)


def counted(count: int, noun: str) -> str:
    """'1 file', '12 files'."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def stop(code: int, message: str) -> NoReturn:
    """Explain the problem on stderr and exit with a declared exit code."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(code)


def load_inputs() -> Tuple[dict, Path, bool]:
    """The validated inputs, the output folder and whether this is a dry run."""
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
    return inputs, Path(output_dir), os.environ.get("SCRIPTDESK_DRY_RUN") == "1"


# --------------------------------------------------------------------------- planning


def is_hidden(name: str) -> bool:
    return name.startswith(".")


def candidate_files(folder: Path, include_subfolders: bool) -> List[Path]:
    """Regular, non-hidden files in ``folder`` (and its subfolders if asked), sorted."""
    files: List[Path] = []

    def unreadable(error: OSError) -> None:
        if Path(error.filename or "") == folder:
            raise error
        log(
            f"Warning: could not read the subfolder {error.filename} ({error.strerror}); "
            "its files were left alone."
        )

    for current, subfolders, names in os.walk(folder, onerror=unreadable):
        if include_subfolders:
            subfolders[:] = sorted(d for d in subfolders if not is_hidden(d))
        else:
            subfolders[:] = []
        for name in sorted(names):
            path = Path(current, name)
            if not is_hidden(name) and path.is_file() and not path.is_symlink():
                files.append(path)
    return files


def name_problem(name: str) -> Optional[str]:
    """Why ``name`` cannot be a file name, or None when it can."""
    if not name.strip():
        return "the new name would be empty"
    if name in (".", ".."):
        return f"'{name}' is not a file name"
    if "/" in name or "\x00" in name or (os.sep != "/" and os.sep in name):
        return "the new name contains a path separator"
    if len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        return "the new name is too long"
    if os.name == "nt":
        if WINDOWS_FORBIDDEN & set(name) or any(ord(c) < 32 for c in name):
            return "the new name contains a character Windows does not allow"
        if name[-1] in ". " or name.split(".")[0].upper() in WINDOWS_RESERVED:
            return "the new name is not allowed on Windows"
    return None


def same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def plan_renames(
    files: List[Path], folder: Path, regex: Pattern[str], replacement: str
) -> Tuple[List[Rename], int]:
    """The renames the pattern asks for, each already marked if it must be skipped.

    Returns the renames and how many names matched without changing.
    """
    renames: List[Rename] = []
    unchanged = 0
    claimed: Set[Path] = set()
    for path in files:
        if not regex.search(path.name):
            continue
        new_name = regex.sub(replacement, path.name)
        if new_name == path.name:
            unchanged += 1
            continue
        problem = name_problem(new_name)
        target = path if problem else path.with_name(new_name)
        old_label = path.relative_to(folder).as_posix()
        rename = Rename(
            old=path,
            new=target,
            old_label=old_label,
            new_label=old_label[: len(old_label) - len(path.name)] + new_name,
        )
        if problem:
            rename.status = f"skipped: {problem}"
        elif target in claimed:
            rename.status = "skipped: another file in this run gets the same name"
        elif os.path.lexists(target) and not same_file(path, target):
            rename.status = "skipped: a file with the new name already exists"
        else:
            claimed.add(target)
        renames.append(rename)
    return renames, unchanged


# --------------------------------------------------------------------------- doing


def apply(renames: List[Rename], dry_run: bool) -> None:
    """Rename the files that were not skipped (or, in a dry run, say they would be)."""
    reported = 0
    for done, rename in enumerate(renames, start=1):
        if rename.status:
            pass  # skipped while planning
        elif dry_run:
            rename.status = "would rename"
        elif os.path.lexists(rename.new) and not same_file(rename.old, rename.new):
            rename.status = "skipped: a file with the new name appeared meanwhile"
        else:
            try:
                os.rename(rename.old, rename.new)
                rename.status = "renamed"
            except OSError as error:
                rename.status = f"failed: {error.strerror or error}"
        if done <= MAX_LOGGED_RENAMES:
            verb = {"would rename": "Would rename", "renamed": "Renamed"}.get(rename.status)
            if verb:
                log(f"{verb}: {rename.old_label} → {rename.new_label}")
            else:
                log(f"Not renamed: {rename.old_label} ({rename.status})")
        elif done == MAX_LOGGED_RENAMES + 1:
            log("… more renames are listed in renames.csv only.")
        percent = 10 + (85 * done) // len(renames)
        if percent > reported:
            reported = percent
            progress(percent, "Renaming files")


def spreadsheet_safe(text: str) -> str:
    """Text that a spreadsheet will not run as a formula when the CSV is opened."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_record(renames: List[Rename], target: Path) -> None:
    """renames.csv: one row per matching file, with what happened to it."""
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["old", "new", "status"])
        for rename in renames:
            writer.writerow(
                [
                    spreadsheet_safe(rename.old_label),
                    spreadsheet_safe(rename.new_label),
                    rename.status,
                ]
            )


# --------------------------------------------------------------------------- main


def main() -> int:
    inputs, output_dir, dry_run = load_inputs()
    folder = Path(str(inputs.get("folder", "")))
    pattern = str(inputs.get("pattern", ""))
    replacement = str(inputs.get("replacement", ""))
    include_subfolders = bool(inputs.get("includeSubfolders", False))

    if dry_run:
        log("DRY RUN: this run only reports what it would rename. Nothing changes on disk.")
    try:
        regex = re.compile(pattern)
    except re.error as error:
        stop(EXIT_BAD_PATTERN, f"The pattern is not a valid regular expression: {error}.")
    if not folder.is_dir():
        stop(EXIT_BAD_FOLDER, f"The folder {folder} does not exist or is not a folder.")

    progress(2, "Listing files")
    scope = "and its subfolders" if include_subfolders else "(not its subfolders)"
    log(f"Looking at the files in {folder} {scope}.")
    try:
        files = candidate_files(folder, include_subfolders)
    except OSError as error:
        stop(EXIT_BAD_FOLDER, f"Could not read the folder {folder}: {error.strerror or error}.")
    log(f"Found {counted(len(files), 'file')}; hidden files and symbolic links are left alone.")

    progress(8, "Working out new names")
    try:
        renames, unchanged = plan_renames(files, folder, regex, replacement)
    except (re.error, IndexError) as error:
        stop(EXIT_BAD_PATTERN, f"The replacement cannot be used with this pattern: {error}.")
    if unchanged:
        log(f"{counted(unchanged, 'name')} matched, but the replacement leaves them as they are.")

    apply(renames, dry_run)
    write_record(renames, output_dir / "renames.csv")
    progress(100, "Done")

    done = sum(1 for r in renames if r.status in ("renamed", "would rename"))
    skipped = sum(1 for r in renames if r.status.startswith("skipped"))
    failed = sum(1 for r in renames if r.status.startswith("failed"))
    verb = "would be renamed" if dry_run else "renamed"
    log(f"Summary: {counted(done, 'file')} {verb}, {skipped} skipped, {failed} failed.")
    if not renames:
        stop(EXIT_NOTHING_TO_DO, "No file name would change with this pattern and replacement.")
    if failed:
        stop(EXIT_FAILED, f"{counted(failed, 'file')} could not be renamed; renames.csv says why.")
    if skipped:
        stop(EXIT_SKIPPED, f"{counted(skipped, 'file')} skipped (new name taken or not allowed).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
