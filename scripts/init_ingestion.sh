#!/bin/sh
# Compatibility shim for compose files written for the Python original, whose esco-init service ran
# `scripts/init_ingestion.sh`. The bash loop it ran (status → wait → ingest → verify) is now
# esco-supervise: exec it so it becomes PID 1's replacement (signals and exit codes reach compose).
exec esco-supervise run "$@"
