#!/usr/bin/env bash
# Reproduce every figure of bench/RESULTS.md (each script rewrites its own section).
#   bash bench/run_all.sh            # all
#   bash bench/run_all.sh locate     # one: locate | join | chunked | annex | html | ingest
set -euo pipefail
cd "$(dirname "$0")"
run() {
    case "$1" in
        locate)  python bench_locate.py ;;                      # 1. cold `geo-coi locate` vs import geopandas
        join)    python bench_join.py ;;                        # 2. lookup vs sjoin, 1 M and 10 M points
        chunked) [ -f _work/events_10M.csv ] || python make_events_csv.py
                 python bench_chunked.py ;;                     # 3. 10 M events from CSV, peak RSS
        annex)   python bench_annex.py ;;                       # 4. full default annex, profiled
        html)    python bench_html.py ;;                        # 5. 50,000-event HTML map in Chromium
        ingest)  for rows in 100000 1000000 5000000; do [ -f "_work/acled_$((rows / 1000))k.csv" ] || [ -f "_work/acled_$((rows / 1000000))M.csv" ] || python make_acled_csv.py --rows "$rows"; done
                 python bench_ingest.py ;;                      # 6. read + validate + join vs pandas+sjoin, DuckDB
        *) echo "unknown bench $1 (locate | join | chunked | annex | html | ingest)"; exit 2 ;;
    esac
}
if [ $# -eq 0 ]; then set -- locate join chunked annex html ingest; fi
for name in "$@"; do run "$name"; done
