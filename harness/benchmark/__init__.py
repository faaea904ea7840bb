"""The benchmark, as a package: what each part measures or writes, one module each.

scripts/bench.py (throughput under wrk) and scripts/bench_report.py (the
page's report) are the commands; the parts:

- `workloads`: the servers, each framework's advised configuration, the workloads and the plan;
- `wrk`: the load generator, run and read;
- `measure`: each point measured until its runs agree, saved as it goes;
- `data`: where the data file lives, its JSON Schema (`schema.json`) and the check every reader runs;
- `processes`: a server's processes read from /proc (memory, threads, CPU time);
- `hold_client`: holds N requests open against a server and says when each was answered;
- `waiting`: what a waiting request costs each server, in memory and threads;
- `analysis`: what the data says, as values (pairings, verdicts, the tie rule);
- `report` and `report.md.j2`: the page's sentences and tables, from those values;
- `charts`: the page's charts, drawn by matplotlib.
"""
