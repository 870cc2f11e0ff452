#!/bin/sh
# azd postdeploy hook. On Flex Consumption the inbox blob trigger is fed by Event Grid, whose webhook needs the
# blobs_extension key that exists only once the app has been deployed and started. After the first deploy this turns
# the Event Grid subscription on and provisions again; later deploys find it on and do nothing.
set -eu
if [ "${VNCH_INBOX_EVENTS_ENABLED:-false}" = "true" ]; then
  exit 0
fi
azd env set VNCH_INBOX_EVENTS_ENABLED true
azd provision --no-prompt
