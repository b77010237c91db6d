#!/bin/sh
# Installs the machine policy on Linux: root-owned, readable by everyone, writable by root only.
# Run as root from configuration management (Ansible, Puppet, Salt) with the policy beside it.
set -eu
install -d -o root -g root -m 0755 /etc/scriptdesk
install -o root -g root -m 0644 "$(dirname "$0")/policy.json" /etc/scriptdesk/policy.json
