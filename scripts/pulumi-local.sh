#!/usr/bin/env bash
# Runs `pulumi <args>` on this project with no Pulumi account: the state lives in ./.pulumi-state
# (local file backend), the engine is the installed one or the one scripts/install-pulumi.sh
# builds, and the stack (default dev, or $BCOS_STACK) is created on first use. Plugins are
# downloaded as usual with an installed Pulumi, and not at all with the locally built engine
# (scripts/plugin-acquisition.sh).
#   bash scripts/pulumi-local.sh preview
#   bash scripts/pulumi-local.sh up --yes
#   BCOS_STACK=prod PULUMI_CONFIG_PASSPHRASE=… bash scripts/pulumi-local.sh up
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(bash scripts/install-pulumi.sh)
export PATH="$bin:$PATH"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$PWD/.pulumi-state}"
export PULUMI_SKIP_UPDATE_CHECK=true
source scripts/plugin-acquisition.sh
plugin_acquisition_for "$bin"

stack="${BCOS_STACK:-dev}"
if [[ -z "${PULUMI_CONFIG_PASSPHRASE:-}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
  if [[ "$stack" != dev ]]; then
    echo "error: stack $stack: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE); it encrypts the chain's private keys in the state" >&2
    exit 2
  fi
  # The embedded dev chain only: a fixed passphrase so the quick start needs no setup.
  export PULUMI_CONFIG_PASSPHRASE=bcos-dev-only
  echo "note: using the dev stack's fixed passphrase; set PULUMI_CONFIG_PASSPHRASE for any real chain" >&2
fi

[[ "$PULUMI_BACKEND_URL" == file://"$PWD"/.pulumi-state ]] && mkdir -p .pulumi-state
pulumi stack select "$stack" >/dev/null 2>&1 || pulumi stack init "$stack" >&2
exec pulumi "$@" --stack "$stack"
