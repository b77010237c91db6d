"""Check that the reporting API token reaches the script, without ever showing it.

Run by ScriptDesk (see examples/README.md for the protocol). The token is the secret
DEMO_API_TOKEN, declared in script.json: ScriptDesk reads it from the computer's keychain
and passes it in the environment variable of that name, only for this run. Inputs, from
the JSON file named by SCRIPTDESK_INPUTS:

- note: optional words to print in the log;
- simulateOutage: end as if the API had not answered (to show a retriable outcome).

This demo does not contact any server: it reports the token's length, never the token.

Exit codes (as declared in script.json): 0 success; 75 the API did not answer (try again
later); 2 the script was started without usable inputs or without the token; 1 an
unexpected error.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import NoReturn

EXIT_NO_INPUTS = 2
EXIT_TRY_LATER = 75
TOKEN_NAME = "DEMO_API_TOKEN"
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


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


def load_inputs() -> dict:
    """The validated inputs."""
    inputs_path = os.environ.get("SCRIPTDESK_INPUTS")
    if not inputs_path:
        stop(EXIT_NO_INPUTS, "This script must be run from ScriptDesk (no inputs were passed).")
    try:
        with open(inputs_path, encoding="utf-8") as handle:
            inputs = json.load(handle)
    except (OSError, ValueError) as error:
        stop(EXIT_NO_INPUTS, f"The inputs file could not be read: {error}.")
    if not isinstance(inputs, dict):
        stop(EXIT_NO_INPUTS, "The inputs file does not hold an object.")
    return inputs


def main() -> int:
    inputs = load_inputs()
    progress(10, "Reading the token")
    token = os.environ.get(TOKEN_NAME, "")
    if not token:
        stop(
            EXIT_NO_INPUTS,
            f"The secret {TOKEN_NAME} did not reach the script. Set it in ScriptDesk and run again.",
        )
    note = CONTROL_RE.sub(" ", str(inputs.get("note") or "")).strip()
    if note:
        log(f"Note: {note}")
    characters = len(token)
    log(f"Received a token of {characters} character{'s' if characters != 1 else ''}.")
    progress(60, "Contacting the API")
    if inputs.get("simulateOutage") is True:
        stop(EXIT_TRY_LATER, "The reporting API did not answer (simulated outage). Try again later.")
    log("The token is in place: scripts that call the reporting API can use it.")
    progress(100, "Done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
