#!/usr/bin/env bash
# The commands CI runs for this ScriptDesk catalogue source. Both CI files (GitHub Actions:
# .github/workflows/catalogue.yml, GitLab CI: .gitlab-ci.yml) call this script, so they do the
# same thing, and you can run it yourself:
#
#   ci/catalogue-ci.sh review    build with tests (signed with a throwaway key, then discarded)
#                                and write the review report: what the change does to the
#                                published catalogue (risks first) -> review.md
#   ci/catalogue-ci.sh publish   build with tests, sign with the key from the CI secret store,
#                                check the result against keys/catalogue-signing.pub, and copy it
#                                to the static host (blobs first, the signed document last)
#
# Settings, from CI variables (see ci/README.md):
#   CATALOGUE_URL           where devices sync from: https://host/path/ or a folder (file share)
#   CATALOGUE_PUBKEY        the public key devices trust (default keys/catalogue-signing.pub)
#   CATALOGUE_EXPIRES       how long a published catalogue stays valid (default 30d)
#   REVIEW_OUT              review: where the report goes (default review.md)
#   SCRIPTDESK_SIGNING_KEY  publish, secret: the text of catalogue-signing.key (or, as GitLab's
#                           "File" variables give it, the path of a file holding it)
#   PUBLISH_TARGET          publish: an rsync destination, user@host:/srv/catalogue/ or a folder
#   PUBLISH_SSH_KEY         publish over SSH, secret: a deploy key allowed to write PUBLISH_TARGET
#   PUBLISH_KNOWN_HOSTS     publish over SSH: the host's line(s) for known_hosts
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "catalogue-ci: $*" >&2; exit 2; }

mode="${1:-}"
[ "$mode" = review ] || [ "$mode" = publish ] || fail "usage: ci/catalogue-ci.sh review|publish"
pubkey="${CATALOGUE_PUBKEY:-keys/catalogue-signing.pub}"
# Every missing setting at once, one line each, so one fix-up round is enough.
problems=()
command -v scriptdesk >/dev/null || problems+=("the scriptdesk command is not on PATH; install it first (ci/README.md)")
[ -n "${CATALOGUE_URL:-}" ] || problems+=("CATALOGUE_URL is not set; set it to the address devices sync from (ci/README.md)")
[ -f "$pubkey" ] || problems+=("$pubkey is missing; commit the .pub file from scriptdesk keygen there")
if [ "$mode" = publish ]; then
  [ -n "${SCRIPTDESK_SIGNING_KEY:-}" ] || problems+=("SCRIPTDESK_SIGNING_KEY (a CI secret) is not set; add the text of catalogue-signing.key to the secret store")
  [ -n "${PUBLISH_TARGET:-}" ] || problems+=("PUBLISH_TARGET is not set; set it to an rsync destination (ci/README.md)")
  [ -z "${PUBLISH_SSH_KEY:-}" ] || [ -n "${PUBLISH_KNOWN_HOSTS:-}" ] || problems+=("PUBLISH_KNOWN_HOSTS is not set; with PUBLISH_SSH_KEY it is needed so the host is checked")
fi
if [ ${#problems[@]} -gt 0 ]; then
  for problem in "${problems[@]}"; do echo "catalogue-ci: $problem" >&2; done
  exit 2
fi

# Everything written on the way (keys included) lives here, readable by this user only, and goes
# when the script ends, however it ends.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes a secret from the environment to a file only this user can read (never echoed). A value
# that is the path of an existing file (a GitLab "File" variable) is copied instead.
secret_file() {
  local value="$1" file="$2"
  (umask 077 && if [ -f "$value" ]; then cat -- "$value" >"$file"; else printf '%s\n' "$value" >"$file"; fi)
}

# Puts the published catalogue.json (if any) into $1, so the new version follows it: devices
# refuse a version that does not rise.
fetch_current() {
  local into="$1" url="${CATALOGUE_URL%/}"
  case "$CATALOGUE_URL" in
    http://* | https://*)
      local status
      status="$(curl -sS -o "$into/catalogue.json" -w '%{http_code}' "$url/catalogue.json")"
      case "$status" in
        200) ;;
        404) rm -f "$into/catalogue.json"; echo "catalogue-ci: nothing published at $url yet; this is version 1" ;;
        *) fail "GET $url/catalogue.json answered $status; check CATALOGUE_URL" ;;
      esac
      ;;
    *)
      if [ -f "$url/catalogue.json" ]; then cp -- "$url/catalogue.json" "$into/catalogue.json"
      else echo "catalogue-ci: nothing published in $url yet; this is version 1"; fi
      ;;
  esac
}

# Copies the published folder $1 to PUBLISH_TARGET: the content-addressed blobs first (new ones
# only; old ones stay for devices still on the previous version), then catalogue.json and
# catalogue.sig, put in place together at the end of the transfer.
upload() {
  local from="$1" target="${PUBLISH_TARGET%/}"
  local ssh=()
  if [ -n "${PUBLISH_SSH_KEY:-}" ]; then
    secret_file "$PUBLISH_SSH_KEY" "$work/ssh-key"
    printf '%s\n' "$PUBLISH_KNOWN_HOSTS" >"$work/known_hosts"
    ssh=(-e "ssh -i $work/ssh-key -o IdentitiesOnly=yes -o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=yes")
  fi
  rsync -r --times --chmod=D755,F644 --ignore-existing "${ssh[@]}" "$from/blobs/" "$target/blobs/"
  rsync --times --chmod=F644 --delay-updates "${ssh[@]}" "$from/catalogue.json" "$from/catalogue.sig" "$target/"
}

case "$mode" in
  review)
    # The same build as publishing (tests included), so a change that would not publish fails here.
    scriptdesk keygen --out "$work/throwaway" >/dev/null
    scriptdesk catalogue build . --key "$work/throwaway/catalogue-signing.key" --out "$work/published" >/dev/null
    echo "catalogue-ci: the source builds (checks and tests passed)" >&2
    report="${REVIEW_OUT:-review.md}"
    scriptdesk catalogue diff "$CATALOGUE_URL" . --pubkey "$pubkey" --allow-missing-old >"$report"
    cat -- "$report"
    ;;
  publish)
    secret_file "$SCRIPTDESK_SIGNING_KEY" "$work/catalogue-signing.key"
    mkdir "$work/published"
    fetch_current "$work/published"
    scriptdesk catalogue build . --key "$work/catalogue-signing.key" --out "$work/published" --expires "${CATALOGUE_EXPIRES:-30d}"
    # A key that is not the one devices trust would publish a catalogue every device refuses.
    scriptdesk catalogue verify "$work/published" --pubkey "$pubkey"
    upload "$work/published"
    echo "catalogue-ci: published to $PUBLISH_TARGET"
    ;;
esac
