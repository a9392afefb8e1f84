# Sourced by pulumi-local.sh: whether the Pulumi engine may download the plugins it lacks.
#
# A standard Pulumi install fetches missing plugins (the Command provider of an `install: true`
# stack) as usual, so it is left alone. The engine scripts/install-pulumi.sh builds is for machines
# that cannot reach Pulumi's downloads: there downloads are off and the engine uses the plugins on
# PATH. The build leaves .build-stamp beside its bin folder, which tells the two apart wherever
# that folder is found (the cache, or PATH). An explicit PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION
# always wins.

# plugin_acquisition_for <engine bin dir>: exports the setting and says so for the local build.
plugin_acquisition_for() {
  [[ -f "$1/../.build-stamp" ]] || return 0
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"
  echo "note: the locally built Pulumi engine ($1): PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=$PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, so plugins come from PATH, none are downloaded" >&2
}
