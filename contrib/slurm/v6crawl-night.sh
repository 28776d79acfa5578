#!/bin/sh
# Submit one night to Slurm: the shards as a job array of N tasks, then
# the merge as a job that waits for the whole array (afterany: it runs
# even when a shard failed, and says which).
#
#   SITES=/srv/v6crawl/portals.txt SHARDS=/srv/v6crawl/shards \
#   CENTRAL=/srv/v6crawl/central N=8 contrib/slurm/v6crawl-night.sh
#
# LABEL defaults to today's date at submission, so that every task of the
# night has the same label whenever it starts. Extra sbatch options (a
# partition, an account) in SBATCH_OPTS. Prints the two job ids.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${SITES:?}" "${SHARDS:?}" "${CENTRAL:?}"
N=${N:-4}
LABEL=${LABEL:-$(date +%Y-%m-%d)}
export SITES SHARDS CENTRAL LABEL
# shellcheck disable=SC2086 # SBATCH_OPTS is a list of options
array=$(sbatch --parsable ${SBATCH_OPTS:-} --array="0-$((N - 1))" \
  --export=ALL "$here/v6crawl-shard.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTS:-} --dependency="afterany:$array" \
  --export=ALL "$here/v6crawl-merge.sbatch")
echo "shards: job $array (array 0-$((N - 1))), merge: job ${merge%%;*}"
