#!/bin/sh
# certbot's manual auth/cleanup hook for the bench, through pebble-challtestsrv.
if [ -z "$CERTBOT_AUTH_OUTPUT" ]; then
  curl -s -X POST -d "{\"host\":\"_acme-challenge.$CERTBOT_DOMAIN.\",\"value\":\"$CERTBOT_VALIDATION\"}" "$CHALLTESTSRV/set-txt"
else
  curl -s -X POST -d "{\"host\":\"_acme-challenge.$CERTBOT_DOMAIN.\"}" "$CHALLTESTSRV/clear-txt"
fi
