#!/usr/bin/env bash
# The recording tests make their own calls with known truth: espeak-ng speaks the lines,
# sox mixes, adds noise and writes compressed forms. Both come from Debian's packages.
set -euo pipefail
missing=()
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v sox >/dev/null || missing+=(sox libsox-fmt-mp3)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} from Debian's packages for the recording tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    exit 0
fi
if [ "${CI:-}" = "true" ]; then
    echo "${missing[*]} missing and cannot be installed here." >&2
    exit 1
fi
echo "${missing[*]} not found: the recording tests that synthesise calls will be skipped."
echo "Enable them with: sudo apt-get install espeak-ng sox libsox-fmt-mp3"
