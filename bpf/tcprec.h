/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The wire record: what every tcprec BPF program writes into the ring buffer.
 *
 * One fixed-size record for all seven tracepoints. The tracepoints share most of their payload
 * (socket pointer, addresses, ports, family), and a single layout keeps the user-space decoder and
 * the crash journal trivial: the journal is a sequence of these records, so a torn tail is cut at a
 * record boundary. The Java mirror is org.tcprec.recorder.wire.WireEvent; WireLayoutTest compares
 * its offsets with the BTF of the compiled object, so the two cannot drift apart silently.
 */
#ifndef TCPREC_H
#define TCPREC_H

#define TCPREC_COMM_LEN 16
#define TCPREC_MAX_PORTS 8

enum tcprec_event_type {
	TCPREC_EV_INET_SOCK_SET_STATE = 1,
	TCPREC_EV_TCP_DESTROY_SOCK = 2,
	TCPREC_EV_TCP_PROBE = 3,
	TCPREC_EV_TCP_RECEIVE_RESET = 4,
	TCPREC_EV_TCP_RETRANSMIT_SKB = 5,
	TCPREC_EV_TCP_RETRANSMIT_SYNACK = 6,
	TCPREC_EV_TCP_SEND_RESET = 7,
	TCPREC_EV_TYPE_COUNT = 8, /* index 0 unused */
};

/* Which optional fields the running kernel's tracepoint carried (bits of tcprec_event.present). */
enum tcprec_present {
	TCPREC_HAS_ERR = 1 << 0,         /* tcp_retransmit_skb.err (6.4+) */
	TCPREC_HAS_REASON = 1 << 1,      /* tcp_send_reset.reason (6.10+) */
	TCPREC_HAS_COOKIE = 1 << 2,      /* sock_cookie */
	TCPREC_HAS_SOCK_BYTES = 1 << 3,  /* bytes_acked / bytes_received read from the tcp_sock */
	TCPREC_HAS_SKADDR = 1 << 4,      /* the tracepoint had a socket (send_reset may not) */
	TCPREC_HAS_SOCK_INFO = 1 << 5,   /* netns and cgroup_id were read from the socket */
	TCPREC_HAS_NETNS = 1 << 6,       /* no socket: netns was read from the packet's device */
};

/* The counters: for each CPU, TCPREC_CNT_SLOTS u64s, kind * TCPREC_EV_TYPE_COUNT + type. */
enum tcprec_counter {
	TCPREC_CNT_EMITTED = 0,   /* records submitted to the ring */
	TCPREC_CNT_LOST = 1,      /* ring reservation failed: the event is lost */
	TCPREC_CNT_SAMPLED = 2,   /* tcp_probe events skipped by the per-socket interval */
	TCPREC_CNT_FILTERED = 3,  /* events dropped by the user's filters */
	TCPREC_CNT_KINDS = 4,
	TCPREC_CNT_SLOTS = TCPREC_CNT_KINDS * TCPREC_EV_TYPE_COUNT, /* 256 bytes: a CPU's own cache lines */
};

struct tcprec_event {
	__u64 ts_boot_ns;        /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME */
	__u64 skaddr;
	__u64 skbaddr;           /* tcp_retransmit_synack: the request_sock (req) */
	__u64 sock_cookie;
	__u64 cgroup_id;         /* cgroup v2 id of the socket (sk_cgrp_data) */
	__u64 bytes_acked;       /* inet_sock_set_state only: tcp_sock.bytes_acked */
	__u64 bytes_received;    /* inet_sock_set_state only: tcp_sock.bytes_received */
	__u32 netns;             /* inode of the socket's network namespace */
	__u32 tgid;
	__u32 tid;
	__u16 cpu;
	__u8 type;               /* enum tcprec_event_type */
	__u8 present;            /* enum tcprec_present bits */
	char comm[TCPREC_COMM_LEN];
	__u8 saddr[16];          /* local address: IPv4 in the first 4 bytes */
	__u8 daddr[16];          /* remote address */
	__u16 sport;             /* local port, host order */
	__u16 dport;             /* remote port, host order */
	__u16 family;            /* AF_INET or AF_INET6 */
	__u16 protocol;          /* inet_sock_set_state only */
	__s32 oldstate;          /* set_state: oldstate; retransmit_skb, send_reset: state */
	__s32 newstate;
	__s32 err;
	__s32 reason;
	__u32 mark;              /* tcp_probe only, from here on */
	__u32 data_len;
	__u32 snd_nxt;
	__u32 snd_una;
	__u32 snd_cwnd;
	__u32 ssthresh;
	__u32 snd_wnd;
	__u32 srtt_us;
	__u32 rcv_wnd;
	__u32 pad;
};

#endif /* TCPREC_H */
