#!/bin/sh
# The image's start command: runs the hub from the directory holding routes/ and kamelets/ (its
# working directory), with the jars in ./lib. Configuration comes from MSTORE_* variables.
set -eu
cd "$(dirname "$0")"
exec java ${JAVA_OPTS:-} -cp "lib/*" com.mstore.hub.HubApplication "$@"
