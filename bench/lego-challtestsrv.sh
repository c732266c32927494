#!/bin/sh
# lego's exec DNS provider for the bench: present|cleanup <fqdn> <value> through pebble-challtestsrv.
case "$1" in
  present) curl -s -X POST -d "{\"host\":\"$2\",\"value\":\"$3\"}" "$CHALLTESTSRV/set-txt" ;;
  cleanup) curl -s -X POST -d "{\"host\":\"$2\"}" "$CHALLTESTSRV/clear-txt" ;;
esac
