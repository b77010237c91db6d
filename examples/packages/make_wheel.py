#!/usr/bin/env python3
"""Build a reproducible pure-Python wheel (PEP 427) using only the standard library.

Usage::

    python3 examples/packages/make_wheel.py examples/packages/loancalc \\
        --out examples/catalogue/wheels

SOURCE is a folder holding ``pyproject.toml`` and the import package beside it: the folder
named after the project name, lower-cased, with ``-`` and ``.`` turned into ``_`` (so
project ``loancalc`` ships folder ``loancalc/``, which must contain ``__init__.py``).
Every regular file in that package goes into the wheel, except ``__pycache__`` folders,
``*.pyc``/``*.pyo`` files and hidden (dot) files.

The wheel is ``NAME-VERSION-py3-none-any.whl`` with ``NAME-VERSION.dist-info/METADATA``,
``WHEEL`` and ``RECORD`` (sha256 digests, urlsafe base64 without padding, and sizes). Its
bytes depend only on the source files: entries are sorted, every entry is dated
1980-01-01 00:00:00 with mode 0644 and "Unix" as the creating system, and every entry is
deflated at level 9. (Deflate output is the same for every release of zlib itself; a
machine whose Python is linked against a different deflate implementation, such as
zlib-ng, can produce other bytes.)

Only the static ``[project]`` keys a pure-Python library needs are supported: name,
version, description, requires-python, license (``{ text = "..." }``), authors,
dependencies, keywords and classifiers. Anything else (``dynamic``, entry points, readme,
...) is refused rather than silently left out.

Prints ``<sha256 hex>  <wheel path>`` (the format of ``sha256sum``) and exits 0; on an
error prints one line naming the problem to stderr and exits 1. Needs Python 3.11+
(``tomllib``).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import os
import re
import stat
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR = "scriptdesk-make-wheel 1.0"
FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = stat.S_IFREG | 0o644
UNIX_SYSTEM = 3
COMPRESS_LEVEL = 9
TAG = "py3-none-any"

SUPPORTED_KEYS = {
    "name",
    "version",
    "description",
    "requires-python",
    "license",
    "authors",
    "dependencies",
    "keywords",
    "classifiers",
}
# PEP 508 project names.
NAME_RE = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)
# PEP 440 versions already in normalised form (no epoch or local part, which a demo
# wheelhouse does not need).
VERSION_RE = re.compile(r"^[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$")
SKIPPED_SUFFIXES = (".pyc", ".pyo")


class BuildError(Exception):
    """A problem with the source that the user must fix; the message says what."""


@dataclass
class Project:
    """What the wheel needs from pyproject.toml."""

    name: str
    version: str
    metadata: list[tuple[str, str]] = field(default_factory=list)

    @property
    def escaped_name(self) -> str:
        """The name as it appears in file names: normalised, with ``_`` separators."""
        return re.sub(r"[-_.]+", "_", self.name).lower()

    @property
    def wheel_name(self) -> str:
        return f"{self.escaped_name}-{self.version}-{TAG}.whl"

    @property
    def dist_info(self) -> str:
        return f"{self.escaped_name}-{self.version}.dist-info"


def _single_line(key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or "\n" in value or "\r" in value:
        raise BuildError(f"pyproject.toml: [project] {key} must be a non-empty single-line string")
    return value.strip()


def _string_list(key: str, value: object) -> list[str]:
    if not isinstance(value, list):
        raise BuildError(f"pyproject.toml: [project] {key} must be a list of strings")
    return [_single_line(f"{key}[{index}]", item) for index, item in enumerate(value)]


def _authors(value: object) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        raise BuildError("pyproject.toml: [project] authors must be a list of tables")
    names: list[str] = []
    emails: list[str] = []
    for index, author in enumerate(value):
        if not isinstance(author, dict) or not set(author) <= {"name", "email"} or not author:
            raise BuildError(
                f"pyproject.toml: [project] authors[{index}] must be a table with name and/or email"
            )
        name = _single_line(f"authors[{index}].name", author["name"]) if "name" in author else ""
        if "email" in author:
            email = _single_line(f"authors[{index}].email", author["email"])
            emails.append(f"{name} <{email}>" if name else email)
        else:
            names.append(name)
    fields = [("Author", ", ".join(names))] if names else []
    return fields + ([("Author-email", ", ".join(emails))] if emails else [])


def read_project(source: Path) -> Project:
    """Read and check the ``[project]`` table of ``source/pyproject.toml``."""
    pyproject = source / "pyproject.toml"
    try:
        with pyproject.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise BuildError(f"{pyproject}: not found") from None
    except tomllib.TOMLDecodeError as error:
        raise BuildError(f"{pyproject}: not valid TOML ({error})") from None
    table = document.get("project")
    if not isinstance(table, dict):
        raise BuildError(f"{pyproject}: has no [project] table")
    unsupported = sorted(set(table) - SUPPORTED_KEYS)
    if unsupported:
        raise BuildError(f"{pyproject}: [project] keys not supported: {', '.join(unsupported)}")
    for key in ("name", "version"):
        if key not in table:
            raise BuildError(f"{pyproject}: [project] {key} is required")
    name = _single_line("name", table["name"])
    version = _single_line("version", table["version"])
    if not NAME_RE.match(name):
        raise BuildError(f"{pyproject}: [project] name {name!r} is not a valid project name")
    if not VERSION_RE.match(version):
        raise BuildError(
            f"{pyproject}: [project] version {version!r} is not a normalised PEP 440 version"
        )
    project = Project(name=name, version=version)
    if "description" in table:
        project.metadata.append(("Summary", _single_line("description", table["description"])))
    if "requires-python" in table:
        project.metadata.append(
            ("Requires-Python", _single_line("requires-python", table["requires-python"]))
        )
    if "license" in table:
        license_value = table["license"]
        if not isinstance(license_value, dict) or set(license_value) != {"text"}:
            raise BuildError(f'{pyproject}: [project] license must be {{ text = "..." }}')
        project.metadata.append(("License", _single_line("license.text", license_value["text"])))
    if "authors" in table:
        project.metadata.extend(_authors(table["authors"]))
    if "keywords" in table:
        project.metadata.append(("Keywords", ",".join(_string_list("keywords", table["keywords"]))))
    for classifier in _string_list("classifiers", table.get("classifiers", [])):
        project.metadata.append(("Classifier", classifier))
    for requirement in _string_list("dependencies", table.get("dependencies", [])):
        project.metadata.append(("Requires-Dist", requirement))
    return project


def package_files(source: Path, project: Project) -> list[tuple[str, bytes]]:
    """The import package's files as sorted ``(archive name, bytes)`` pairs."""
    package = source / project.escaped_name
    if not (package / "__init__.py").is_file():
        raise BuildError(f"{package}: expected the import package here, with an __init__.py")
    files: list[tuple[str, bytes]] = []
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = [d for d in subfolders if d != "__pycache__" and not d.startswith(".")]
        for name in names:
            if name.startswith(".") or name.endswith(SKIPPED_SUFFIXES):
                continue
            path = Path(folder, name)
            if path.is_symlink() or not path.is_file():
                raise BuildError(f"{path}: only regular files can go into a wheel")
            arcname = path.relative_to(source).as_posix()
            files.append((arcname, path.read_bytes()))
    return sorted(files)


def metadata_text(project: Project) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {project.name}", f"Version: {project.version}"]
    lines += [f"{key}: {value}" for key, value in project.metadata]
    return "\n".join(lines) + "\n"


def wheel_text() -> str:
    return (
        "Wheel-Version: 1.0\n"
        f"Generator: {GENERATOR}\n"
        "Root-Is-Purelib: true\n"
        f"Tag: {TAG}\n"
    )


def record_digest(data: bytes) -> str:
    """``sha256=`` plus the urlsafe base64 digest without padding, as RECORD wants."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def record_text(entries: list[tuple[str, bytes]], record_name: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for arcname, data in entries:
        writer.writerow([arcname, record_digest(data), len(data)])
    writer.writerow([record_name, "", ""])
    return buffer.getvalue()


def wheel_entries(source: Path, project: Project) -> list[tuple[str, bytes]]:
    """Every entry of the wheel, in archive order: package files, dist-info, RECORD last."""
    entries = package_files(source, project)
    entries.append((f"{project.dist_info}/METADATA", metadata_text(project).encode("utf-8")))
    entries.append((f"{project.dist_info}/WHEEL", wheel_text().encode("utf-8")))
    record_name = f"{project.dist_info}/RECORD"
    entries.append((record_name, record_text(entries, record_name).encode("utf-8")))
    return entries


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """A deterministic zip archive of ``entries``, in the given order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for arcname, data in entries:
            info = zipfile.ZipInfo(arcname, date_time=FIXED_DATE_TIME)
            info.create_system = UNIX_SYSTEM
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(
                info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
            )
    return buffer.getvalue()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(source: Path, out: Path) -> tuple[Path, str]:
    """Build the wheel of ``source`` into folder ``out``; return its path and sha256 hex."""
    project = read_project(source)
    data = zip_bytes(wheel_entries(source, project))
    target = out / project.wheel_name
    write_atomically(target, data)
    return target, hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build a reproducible pure-Python wheel with the standard library only."
    )
    parser.add_argument("source", type=Path, help="folder with pyproject.toml and the package")
    parser.add_argument(
        "--out", type=Path, default=Path("dist"), help="folder for the wheel (default: dist)"
    )
    args = parser.parse_args(argv)
    try:
        path, digest = build(args.source, args.out)
    except (BuildError, OSError) as error:
        print(f"make_wheel: {error}", file=sys.stderr)
        return 1
    print(f"{digest}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
