#!/bin/sh
# Installs the machine policy on macOS: as a package's postinstall script, or from an MDM's script
# payload (Jamf, Kandji, Intune). Root-owned, readable by everyone, writable by root only.
set -eu
dir="/Library/Application Support/ScriptDesk"
install -d -o root -g wheel -m 0755 "$dir"
install -o root -g wheel -m 0644 "$(dirname "$0")/policy.json" "$dir/policy.json"
