#!/usr/bin/env bash
# The system tools the tests use, checked before every `npm test` (package.json "pretest") and by
# .ci/run, so the two never differ. Missing ones are installed with apt-get when this runs as
# root; otherwise it stops at once with the one command to run.
set -euo pipefail

missing=()
# need <Debian package> <command or absolute path>...: the package is missing if any of them is.
need() {
  local package=$1 tool
  shift
  for tool in "$@"; do
    if [[ $tool == /* ]]; then [[ -x $tool ]] && continue; else command -v "$tool" >/dev/null 2>&1 && continue; fi
    missing+=("$package")
    return
  done
}
need openssl openssl # the crypto tests check every key and certificate with the real OpenSSL
need tar tar
need util-linux flock
need procps ps # a node's start.sh looks for a running node with ps
# The remote-install tests run Debian's sshd on loopback addresses (test/rig/sshd.ts) and reach it
# with the OpenSSH client tools.
need openssh-server /usr/sbin/sshd
need openssh-client ssh /usr/bin/ssh-keygen /usr/bin/ssh-keyscan

((${#missing[@]})) || exit 0
if [[ $(id -u) != 0 ]]; then
  echo "test prerequisites: missing ${missing[*]}; install them and run the tests again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites: missing ${missing[*]} (Debian package names) and there is no apt-get here; install them with this system's package manager" >&2
  exit 1
fi
echo "test prerequisites: installing ${missing[*]}" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
