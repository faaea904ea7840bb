"""The benchmark, as a package: what each part measures, one module each.

scripts/bench.py (throughput under wrk) and scripts/bench_report.py (the page's
tables and charts) move here part by part; so far:

- `processes`: a server's processes read from /proc (memory, threads, CPU time);
- `hold_client`: holds N requests open against a server and says when each was answered;
- `waiting`: what a waiting request costs each server, in memory and threads;
- `charts`: the page's charts, drawn by matplotlib.
"""
