#!/usr/bin/env python3
"""Works out tcplife, tcpstates and tcpretrans for a trace from its raw rows (CSV from a plain
DuckDB SELECT over the Parquet file), by libbpf-tools' tcplife.c/tcpstates.c and bcc's
tcpretrans.py rules and format strings. Usage: derive-reports.py ROWS.csv OUTDIR NAME (see README.md: how the rows were read)"""
import csv, sys, time, os

rows = list(csv.DictReader(open(sys.argv[1])))
out, name = sys.argv[2], sys.argv[3]
setstate = [r for r in rows if r['event'] == 'inet_sock_set_state']
EARLY = ('ESTABLISHED', 'SYN_SENT', 'SYN_RECV')  # newstate < TCP_FIN_WAIT1

# tcplife (libbpf-tools): birth at each move into an early state, ident at SYN_SENT/LAST_ACK,
# a line at CLOSE when there is a birth; both maps forget the socket at CLOSE.
birth, idents, life = {}, {}, []
life.append("%-7s %-16s %-*s %-5s %-*s %-5s %-6s %-6s %-s" % ("PID", "COMM", 15, "LADDR", "LPORT", 15, "RADDR", "RPORT", "TX_KB", "RX_KB", "MS"))
for r in setstate:
    sk, t = r['skaddr'], int(r['t'])
    if r['newstate'] in EARLY:
        birth[sk] = t
    if r['newstate'] in ('SYN_SENT', 'LAST_ACK'):
        idents[sk] = (int(r['tgid']), r['comm'])
    if r['newstate'] != 'CLOSE':
        continue
    start = birth.pop(sk, None)
    ident = idents.pop(sk, None)
    if start is None:
        continue
    pid, comm = ident if ident else (int(r['tgid']), r['comm'])
    span_us = (t - start) // 1000
    life.append("%-7d %-16s %-*s %-5d %-*s %-5d %-6.2f %-6.2f %-.2f" % (pid, comm, 15, r['laddr'], int(r['lport']), 15,
                r['raddr'], int(r['rport']), int(r['bytes_acked']) / 1024, int(r['bytes_received']) / 1024, span_us / 1000))

# tcpstates (libbpf-tools): MS is the time since the socket's previous transition, 0 for the
# first; a move to CLOSE forgets the socket.
last, states = {}, []
states.append("%-16s %-7s %-10s %-15s %-5s %-15s %-5s %-11s -> %-11s %s" % ("SKADDR", "PID", "COMM", "LADDR", "LPORT", "RADDR", "RPORT", "OLDSTATE", "NEWSTATE", "MS"))
for r in setstate:
    sk, t = r['skaddr'], int(r['t'])
    delta_us = (t - last[sk]) // 1000 if sk in last else 0
    if r['newstate'] == 'CLOSE':
        last.pop(sk, None)
    else:
        last[sk] = t
    states.append("%-16x %-7d %-10.10s %-15s %-5d %-15s %-5d %-11s -> %-11s %.3f" % (int(sk), int(r['tgid']), r['comm'], r['laddr'],
                  int(r['lport']), r['raddr'], int(r['rport']), r['oldstate'], r['newstate'], delta_us / 1000))

# tcpretrans (bcc): one line per tcp_retransmit_skb, time of day in the trace's zone (UTC here).
retrans = ["%-8s %-7s %-2s %-20s %1s> %-20s %s" % ("TIME", "PID", "IP", "LADDR:LPORT", "T", "RADDR:RPORT", "STATE")]
for r in rows:
    if r['event'] != 'tcp_retransmit_skb':
        continue
    hms = time.strftime("%H:%M:%S", time.gmtime(int(r['t']) // 10**9))
    ip = 4 if r['family'] == '2' else 6
    retrans.append("%-8s %-7d %-2d %-20s %1s> %-20s %s" % (hms, int(r['tgid']), ip, "%s:%s" % (r['laddr'], r['lport']), "R",
                   "%s:%s" % (r['raddr'], r['rport']), r['state']))

for suffix, lines in (("tcplife", life), ("tcpstates", states), ("tcpretrans", retrans)):
    with open(os.path.join(out, "%s.%s.out" % (name, suffix)), "w") as f:
        f.write("\n".join(lines) + "\n")
