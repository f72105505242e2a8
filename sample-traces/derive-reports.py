#!/usr/bin/env python3
"""Works out what a tcprec report must print for a trace, from the trace's raw rows alone: a CSV
from a plain DuckDB SELECT over the Parquet file and its footer metadata (both read by
derive-expected.sh, see README.md), by the rules of bcc's and libbpf-tools' tools and tcprec's
documented additions, not by tcprec's own code.

Usage: derive-reports.py ROWS.csv META.json TRACE REPORT [OPTIONS...]
  TRACE the trace's path as ROWS.csv and META.json name it; REPORT OPTIONS as on tcprec's command
  line, for the reports and flags the diff tests use: tcplife [-s] [-w] [-4|-6] [-L PORTS]
  [--partial]; tcpstates; tcpretrans [--synack] [-c]; tcpconnect [-x]; tcpconnlat; tcpaccept;
  tcpreset; print -e tcp_send_reset.
ROWS.csv has a row per event (columns file, t, event, cpu, tgid, tid, comm, skaddr, family, laddr,
lport, raddr, rport, oldstate, newstate, state, bytes_acked, bytes_received, reason; t in ns since
the epoch; NULL for a null) in time order, and first_ns (the time of the trace's first event of
any kind) on every row. META.json has a line {"file": ..., "k": ..., "v": ...} per footer key of
each trace: tcprec.format_version and tcprec.metadata.
Prints the report on stdout; a case whose rule is not written down here stops it with an error
rather than a guess."""
import csv
import json
import re
import sys
import time

EARLY = ('ESTABLISHED', 'SYN_SENT', 'SYN_RECV')  # newstate < TCP_FIN_WAIT1: a tcplife birth


def fail(message):
    sys.exit("derive-reports.py: " + message)


def num(value):
    return None if value == 'NULL' else int(value)


def load(rows_path, meta_path, trace):
    rows = [r for r in csv.DictReader(open(rows_path, newline='')) if r['file'] == trace]
    for r in rows:
        r['t'] = int(r['t'])
        for key in ('skaddr', 'family', 'lport', 'rport', 'tgid', 'tid', 'cpu', 'bytes_acked', 'bytes_received',
                    'reason', 'first_ns'):
            r[key] = num(r[key])
    footer = {m['k']: m['v'] for m in map(json.loads, open(meta_path)) if m['file'] == trace}
    if 'tcprec.metadata' not in footer:
        fail("%s: no footer metadata in %s" % (trace, meta_path))
    return rows, json.loads(footer['tcprec.metadata']), rows[0]['first_ns'] if rows else None


def ip_version(r):
    return {2: 4, 10: 6}[r['family']]


def time_of_day(metadata, t):
    """bcc's strftime("%H:%M:%S"), taken at the event's time in the recording host's zone."""
    return time.strftime("%H:%M:%S", time.gmtime(t // 10**9 + metadata['host']['utc_offset_seconds']))


# --- tcplife (libbpf-tools tcplife.c; -s is bcc's tcplife.py CSV) --------------------------------

def lifetimes(rows, metadata, partial):
    """The lines tcplife prints, in print order: (pid, comm, last row, span_us, note). libbpf-tools:
    a birth at each move into ESTABLISHED/SYN_SENT/SYN_RECV, the process at SYN_SENT or LAST_ACK
    (else the task at CLOSE), a line at CLOSE when there is a birth; both maps forget the socket at
    CLOSE. --partial also prints a socket seen without a birth (from its first change seen to its
    CLOSE, `open-at-start`) and one with no CLOSE (to the recording's stop, `open-at-stop`, bytes of
    its last change), with the process seen with it when it had no SYN_SENT, LAST_ACK or CLOSE."""
    birth, ident, first_seen, last, listener, lines = {}, {}, {}, {}, set(), []
    for r in rows:
        if r['event'] != 'inet_sock_set_state':
            continue
        sk, t = r['skaddr'], r['t']
        if sk not in birth and sk not in first_seen:
            first_seen[sk] = t
        last[sk] = r
        if r['newstate'] == 'LISTEN' or r['oldstate'] == 'LISTEN' and r['newstate'] == 'CLOSE':
            listener.add(sk)  # a listening socket is no connection (bcc: no birth)
        if r['newstate'] in EARLY:
            birth[sk] = t
        if r['newstate'] in ('SYN_SENT', 'LAST_ACK'):
            ident[sk] = (r['tgid'], r['comm'])
        if r['newstate'] != 'CLOSE':
            continue
        start, who, seen = birth.pop(sk, None), ident.pop(sk, None), first_seen.pop(sk, None)
        del last[sk]
        is_listener = sk in listener
        listener.discard(sk)
        pid, comm = who if who else (r['tgid'], r['comm'])
        if start is not None:
            lines.append((pid, comm, r, (t - start) // 1000, ''))
        elif partial and not is_listener:
            lines.append((pid, comm, r, (t - seen) // 1000, 'open-at-start'))
    if partial:
        stop = metadata['clocks']['stop']['realtime_ns']
        for sk in sorted(last, key=lambda s: birth.get(s, first_seen.get(s))):
            if sk in listener:
                continue
            if sk not in birth:
                fail("socket %x open throughout the recording: no documented tcplife line" % sk)
            r = last[sk]
            pid, comm = ident.get(sk, (r['tgid'], r['comm']))
            lines.append((pid, comm, r, (stop - birth[sk]) // 1000, 'open-at-stop'))
    return lines


def tcplife(rows, metadata, options):
    csv_out = '-s' in options
    wide = '-w' in options
    partial = '--partial' in options
    family = 4 if '-4' in options else 6 if '-6' in options else None
    ports = None
    if '-L' in options:
        ports = {int(p) for p in options[options.index('-L') + 1].split(',')}
    lines = []
    for pid, comm, r, span_us, note in lifetimes(rows, metadata, partial):
        if family and ip_version(r) != family or ports and r['lport'] not in ports:
            continue
        if csv_out:
            # bcc's Python: "%d" of tx_b / 1024 truncates to whole KB
            lines.append("%d,%s,%d,%s,%d,%s,%d,%d,%d,%.2f" % (pid, comm, ip_version(r), r['laddr'], r['lport'], r['raddr'],
                         r['rport'], r['bytes_acked'] // 1024, r['bytes_received'] // 1024, span_us / 1000))
            if note:
                fail("tcplife -s --partial: no documented format")
            continue
        width = 39 if wide else 15
        line = "%-7d %-16s %-*s %-5d %-*s %-5d %-6.2f %-6.2f %-.2f" % (pid, comm, width, r['laddr'], r['lport'], width,
                r['raddr'], r['rport'], r['bytes_acked'] / 1024, r['bytes_received'] / 1024, span_us / 1000)
        if partial:
            if not note:
                fail("tcplife --partial of a complete connection: no documented NOTE")
            line += " " + note
        lines.append(line)
    if csv_out:
        header = "PID,COMM,IP,LADDR,LPORT,RADDR,RPORT,TX_KB,RX_KB,MS"
    else:
        width = 39 if wide else 15
        header = "%-7s %-16s %-*s %-5s %-*s %-5s %-6s %-6s %-s" % ("PID", "COMM", width, "LADDR", "LPORT", width, "RADDR",
                                                                 "RPORT", "TX_KB", "RX_KB", "MS")
        if partial:
            header += " NOTE"
    return [header] + lines


# --- tcpstates (libbpf-tools tcpstates.c) ---------------------------------------------------------

def tcpstates(rows, metadata, options):
    """MS is the time since the socket's previous transition (µs truncated), 0 for the first; a
    move to CLOSE forgets the socket."""
    last = {}
    lines = ["%-16s %-7s %-10s %-15s %-5s %-15s %-5s %-11s -> %-11s %s" % ("SKADDR", "PID", "COMM", "LADDR", "LPORT",
             "RADDR", "RPORT", "OLDSTATE", "NEWSTATE", "MS")]
    for r in rows:
        if r['event'] != 'inet_sock_set_state':
            continue
        sk, t = r['skaddr'], r['t']
        delta_us = (t - last[sk]) // 1000 if sk in last else 0
        if r['newstate'] == 'CLOSE':
            last.pop(sk, None)
        else:
            last[sk] = t
        lines.append("%-16x %-7d %-10.10s %-15s %-5d %-15s %-5d %-11s -> %-11s %.3f" % (sk, r['tgid'], r['comm'],
                     r['laddr'], r['lport'], r['raddr'], r['rport'], r['oldstate'], r['newstate'], delta_us / 1000))
    return lines


# --- tcpretrans (bcc tcpretrans.py) ---------------------------------------------------------------

def tcpretrans(rows, metadata, options):
    """A line per tcp_retransmit_skb with the socket's state; --synack adds each SYN/ACK
    retransmit as type S (sent by a request socket, so in SYN_RECV); -c counts per (local, remote)
    flow, fewest first (ties in the order the flows first retransmitted)."""
    synack = '--synack' in options
    chosen = [r for r in rows if r['event'] == 'tcp_retransmit_skb' or synack and r['event'] == 'tcp_retransmit_synack']
    if '-c' in options:
        counts = {}
        for r in chosen:
            key = (r['laddr'], r['lport'], r['raddr'], r['rport'])
            counts[key] = counts.get(key, 0) + 1
        lines = ["", "%-25s %-25s %-10s" % ("LADDR:LPORT", "RADDR:RPORT", "RETRANSMITS")]
        for (laddr, lport, raddr, rport), n in sorted(counts.items(), key=lambda kv: kv[1]):
            lines.append("%-20s <-> %-20s %10d" % ("[%s]#%d" % (laddr, lport), "[%s]#%d" % (raddr, rport), n))
        return lines
    lines = ["%-8s %-7s %-2s %-20s %1s> %-20s %s" % ("TIME", "PID", "IP", "LADDR:LPORT", "T", "RADDR:RPORT", "STATE")]
    for r in chosen:
        kind, state = ('R', r['state']) if r['event'] == 'tcp_retransmit_skb' else ('S', 'SYN_RECV')
        lines.append("%-8s %-7d %-2d %-20s %1s> %-20s %s" % (time_of_day(metadata, r['t']), r['tgid'], ip_version(r),
                     "%s:%s" % (r['laddr'], r['lport']), kind, "%s:%s" % (r['raddr'], r['rport']), state))
    return lines


# --- tcpconnect, tcpconnlat, tcpaccept (libbpf-tools' and bcc's columns) --------------------------

def connects(rows):
    """Each active open (a move CLOSE -> SYN_SENT) with the task at that moment, its ESTABLISHED
    time if it got there, and whether an RST answered it in SYN_SENT."""
    opens, current = [], {}
    for r in rows:
        sk = r['skaddr']
        if r['event'] == 'inet_sock_set_state':
            if r['oldstate'] == 'CLOSE' and r['newstate'] == 'SYN_SENT':
                current[sk] = {'open': r, 'established': None, 'reset': False, 'closed': False}
                opens.append(current[sk])
            elif sk in current:
                if r['oldstate'] == 'SYN_SENT' and r['newstate'] == 'ESTABLISHED':
                    current[sk]['established'] = r['t']
                if r['newstate'] == 'CLOSE':
                    current.pop(sk)['closed'] = True
        elif r['event'] == 'tcp_receive_reset' and sk in current and current[sk]['established'] is None:
            current[sk]['reset'] = True
    return opens


def tcpconnect(rows, metadata, options):
    extended = '-x' in options
    header = "%-6s %-16s %-2s %-16s %-16s %-5s %-9s %s" % ("PID", "COMM", "IP", "SADDR", "DADDR", "DPORT", "LAT(ms)",
                                                          "RESULT") if extended else \
        "%-6s %-16s %-2s %-16s %-16s %s" % ("PID", "COMM", "IP", "SADDR", "DADDR", "DPORT")
    lines = [header]
    for c in connects(rows):
        r = c['open']
        line = "%-6d %-16.16s %-2d %-16s %-16s " % (r['tgid'], r['comm'], ip_version(r), r['laddr'], r['raddr'])
        if not extended:
            lines.append(line + "%d" % r['rport'])
            continue
        if c['established'] is not None:
            latency, result = "%.2f" % (((c['established'] - r['t']) // 1000) / 1000), 'established'
        elif c['reset'] and c['closed']:
            latency, result = "-", 'refused'
        else:
            fail("tcpconnect -x: connect from %x neither established nor refused: no documented outcome" % r['skaddr'])
        lines.append(line + "%-5d %-9s %s" % (r['rport'], latency, result))
    return lines


def tcpconnlat(rows, metadata, options):
    """libbpf-tools: a line when the handshake completes, the latency in whole µs as ms."""
    lines = ["%-6s %-12s %-2s %-16s %-16s %-5s %s" % ("PID", "COMM", "IP", "SADDR", "DADDR", "DPORT", "LAT(ms)")]
    done = sorted((c for c in connects(rows) if c['established'] is not None), key=lambda c: c['established'])
    for c in done:
        r = c['open']
        lines.append("%-6d %-12.12s %-2d %-16s %-16s %-5d %.2f" % (r['tgid'], r['comm'], ip_version(r), r['laddr'],
                     r['raddr'], r['rport'], ((c['established'] - r['t']) // 1000) / 1000))
    return lines


def tcpaccept(rows, metadata, options):
    """A line per passive open (SYN_RECV -> ESTABLISHED), in that order. accept() has no tracepoint,
    so the process named is the one that closed the socket: the task whose close() moved it to
    LAST_ACK, or that moved it to CLOSE while sending an RST; `-` when neither was seen."""
    accepted, closer, resets_sent = [], {}, set()
    for r in rows:
        sk = r['skaddr']
        if r['event'] == 'tcp_send_reset' and sk is not None:
            resets_sent.add(sk)
        if r['event'] != 'inet_sock_set_state':
            continue
        if r['oldstate'] == 'SYN_RECV' and r['newstate'] == 'ESTABLISHED':
            accepted.append([r, None])
            closer[sk] = accepted[-1]
        elif sk in closer and closer[sk][1] is None and (r['newstate'] == 'LAST_ACK' or
                                                         r['newstate'] == 'CLOSE' and sk in resets_sent):
            closer[sk][1] = (r['tgid'], r['comm'])
        if r['newstate'] == 'CLOSE':
            closer.pop(sk, None)
            resets_sent.discard(sk)
    lines = ["%-7s %-16s %-2s %-16s %-5s %-16s %s" % ("PID", "COMM", "IP", "RADDR", "RPORT", "LADDR", "LPORT")]
    for r, who in accepted:
        pid, comm = (str(who[0]), who[1]) if who else ('-', '-')
        lines.append("%-7s %-16s %-2d %-16s %-5d %-16s %d" % (pid, comm, ip_version(r), r['raddr'], r['rport'],
                     r['laddr'], r['lport']))
    return lines


# --- tcpreset, print ------------------------------------------------------------------------------

def reset_reasons(metadata):
    """The names of tcp_send_reset's `reason` values, from the recorded format text's
    __print_symbolic(REC->reason, ...); none where the kernel has no such field."""
    text = metadata['tracepoints']['formats'].get('tcp:tcp_send_reset', '')
    m = re.search(r'__print_symbolic\(REC->reason,(.*?)\)\s*$', text, re.S)
    return {int(k): v for k, v in re.findall(r'\{\s*(\d+),\s*"([^"]*)"\s*\}', m.group(1))} if m else {}


def sent_reset_state(r):
    """A socketless RST (to a closed port) has no state: the row holds STATE_0."""
    return '-' if r['state'] in ('NULL', 'STATE_0') else r['state']


def tcpreset(rows, metadata, options):
    """Each RST sent (tcp_send_reset: its state, its reason by name) and received (tcp_receive_reset:
    the receiving socket's state, from its last state change), in time order."""
    reasons = reset_reasons(metadata)
    state_of = {}
    lines = ["%-8s %-7s %-16s %-2s %-25s %s %-25s %-11s %s" % ("TIME", "PID", "COMM", "IP", "LADDR:LPORT", "T",
             "RADDR:RPORT", "STATE", "REASON")]
    for r in rows:
        if r['event'] == 'inet_sock_set_state':
            state_of[r['skaddr']] = r['newstate']
            continue
        if r['event'] == 'tcp_send_reset':
            direction, state = '>', sent_reset_state(r)
            reason = '-' if r['reason'] is None else reasons[r['reason']]
        elif r['event'] == 'tcp_receive_reset':
            direction, state, reason = '<', state_of.get(r['skaddr'], '-'), '-'
        else:
            continue
        lines.append("%-8s %-7d %-16s %-2d %-25s %s %-25s %-11s %s" % (time_of_day(metadata, r['t']), r['tgid'], r['comm'],
                     ip_version(r), "%s:%d" % (r['laddr'], r['lport']), direction, "%s:%d" % (r['raddr'], r['rport']),
                     state, reason))
    return lines


def print_events(rows, metadata, first_ns, options):
    """print -e tcp_send_reset: seconds since the trace's first event, the task, CPU, event and its
    fields (sender > receiver, state, reason by name, socket or `-`)."""
    if options != ['-e', 'tcp_send_reset']:
        fail("print %s: only `print -e tcp_send_reset` is derived" % ' '.join(options))
    reasons = reset_reasons(metadata)
    lines = ["%-14s %-7s %-7s %-16s %-3s %-22s %s" % ("TIME(s)", "PID", "TID", "COMM", "CPU", "EVENT", "FIELDS")]
    for r in rows:
        if r['event'] != 'tcp_send_reset':
            continue
        if r['family'] != 2 or r['skaddr'] is not None:
            fail("print: the fields of an IPv6 or socket's RST are not derived")
        reason = '-' if r['reason'] is None else reasons[r['reason']]
        fields = "%s:%d > %s:%d state=%s reason=%s sk=-" % (r['laddr'], r['lport'], r['raddr'], r['rport'],
                                                          sent_reset_state(r), reason)
        lines.append("%-14s %-7d %-7d %-16s %-3d %-22s %s" % ("%.6f" % ((r['t'] - first_ns) / 1e9), r['tgid'], r['tid'],
                     r['comm'], r['cpu'], r['event'], fields))
    return lines


def main(argv):
    if len(argv) < 5:
        fail("usage: derive-reports.py ROWS.csv META.json TRACE REPORT [OPTIONS...]")
    rows, metadata, first_ns = load(argv[1], argv[2], argv[3])
    report, options = argv[4], argv[5:]
    reports = {'tcplife': tcplife, 'tcpstates': tcpstates, 'tcpretrans': tcpretrans, 'tcpconnect': tcpconnect,
               'tcpconnlat': tcpconnlat, 'tcpaccept': tcpaccept, 'tcpreset': tcpreset}
    known = {'tcplife': {'-s', '-w', '-4', '-6', '-L', '--partial'}, 'tcpretrans': {'--synack', '-c'},
             'tcpconnect': {'-x'}}
    if report == 'print':
        lines = print_events(rows, metadata, first_ns, options)
    elif report in reports:
        flags = [o for i, o in enumerate(options) if not (i > 0 and options[i - 1] == '-L')]
        unknown = [o for o in flags if o not in known.get(report, set())]
        if unknown:
            fail("%s %s: not derived" % (report, ' '.join(unknown)))
        lines = reports[report](rows, metadata, options)
    else:
        fail("%s: not derived" % report)
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == '__main__':
    main(sys.argv)
