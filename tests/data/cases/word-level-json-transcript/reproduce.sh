#!/bin/bash
# Case word-level-json-transcript: see README.md. Run from anywhere:  MAIN=<a checkout of the project> bash reproduce.sh
exec bash "$(dirname "$0")/../run_case.sh" "$(dirname "$0")"
