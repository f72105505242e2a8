/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What every tcprec program shares: the ring buffer, the counters, the filters set by user space
 * before load, and the helpers that fill the common part of a record.
 */
#ifndef TCPREC_COMMON_BPF_H
#define TCPREC_COMMON_BPF_H

#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "tcprec.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Filters: set by the recorder in .rodata before load, so the verifier prunes disabled checks. */
const volatile __u32 filter_tgid = 0;
const volatile __u16 filter_family = 0;
const volatile __u32 filter_lport_count = 0;
const volatile __u16 filter_lports[TCPREC_MAX_PORTS] = {};
const volatile __u32 filter_rport_count = 0;
const volatile __u16 filter_rports[TCPREC_MAX_PORTS] = {};
const volatile __u32 filter_netns = 0;
const volatile __u64 filter_cgroup_id = 0;
/* tcp_probe: at most one record per socket per interval; 0 records every probe. */
const volatile __u64 probe_interval_ns = 0;
/* Wake the consumer only once this much data waits in the ring; it also polls on a timer. */
const volatile __u64 wakeup_bytes = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 * 1024 * 1024); /* resized by the recorder before load */
} events SEC(".maps");

/*
 * The counters, TCPREC_CNT_SLOTS per possible CPU, in a plain array that the recorder reads
 * through a memory mapping rather than a per-CPU map it would look up: the kernel runs no tracing
 * program on a CPU while a map syscall is inside it there, so each lookup would open a window in
 * which events (a softirq's worth, if one runs on the way out of an interrupt) are skipped.
 * Resized by the recorder before load to the possible CPUs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, TCPREC_CNT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* -p PID: sockets first seen in the target's context; later events of those sockets (often in
 * softirq context, where the current task is arbitrary) are kept too. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u8);
} pid_sockets SEC(".maps");

/* tcp_probe sampling: last recorded probe per socket. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);
	__type(value, __u64);
} probe_last SEC(".maps");

/* Keeps the wire record in the object's BTF, where the layout test reads it. */
struct tcprec_event *tcprec_event_btf_anchor __attribute__((unused));

static __always_inline void count(__u32 kind, __u32 type)
{
	__u32 key = bpf_get_smp_processor_id() * TCPREC_CNT_SLOTS + kind * TCPREC_EV_TYPE_COUNT + type;
	__u64 *value = bpf_map_lookup_elem(&counters, &key);

	/* atomic although only this CPU writes its slots: the fentry program (probe.bpf.c) is not
	 * kept from nesting in a tracepoint's by the guard that keeps tracepoint programs apart */
	if (value)
		__sync_fetch_and_add(value, 1);
}

static __always_inline bool port_listed(__u16 port, const volatile __u16 *ports, __u32 n)
{
	for (int i = 0; i < TCPREC_MAX_PORTS; i++) {
		if (i >= n)
			break;
		if (ports[i] == port)
			return true;
	}
	return false;
}

/*
 * The address/port/family filters. Called before reserving ring space so that a filtered event
 * costs nothing but this check.
 */
static __always_inline bool tuple_wanted(__u16 family, __u16 lport, __u16 rport)
{
	if (filter_family && family != filter_family)
		return false;
	if (filter_lport_count && !port_listed(lport, filter_lports, filter_lport_count))
		return false;
	if (filter_rport_count && !port_listed(rport, filter_rports, filter_rport_count))
		return false;
	return true;
}

static __always_inline __u32 sock_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

static __always_inline __u64 sock_cgroup_id(const struct sock *sk)
{
	struct cgroup *cgrp = BPF_CORE_READ(sk, sk_cgrp_data.cgroup);

	if (!cgrp)
		return 0;
	return BPF_CORE_READ(cgrp, kn, id);
}

/*
 * The tcp: tracepoints had no family field on 5.10 (only inet_sock_set_state had one); the kernel
 * filled the later field from the socket's family, so that is where it is taken from there.
 */
static __always_inline __u16 sock_family(const struct sock *sk)
{
	if (!sk)
		return 0;
	return BPF_CORE_READ(sk, __sk_common.skc_family);
}

/* The namespace of a packet that has no socket (an RST answering a segment to a closed port). */
static __always_inline __u32 skb_netns(const struct sk_buff *skb)
{
	if (!skb)
		return 0;
	return BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
}

/* The filters that need the socket or the task. skb may be null; it names the namespace when
 * there is no socket. */
static __always_inline bool context_wanted(const struct sock *sk, const struct sk_buff *skb, __u32 tgid,
					   __u32 type)
{
	__u64 key = (__u64)sk;

	if (filter_netns && (sk ? sock_netns(sk) : skb_netns(skb)) != filter_netns)
		return false;
	if (filter_cgroup_id && (!sk || sock_cgroup_id(sk) != filter_cgroup_id))
		return false;
	if (filter_tgid) {
		if (tgid == filter_tgid) {
			__u8 one = 1;

			if (sk)
				bpf_map_update_elem(&pid_sockets, &key, &one, BPF_ANY);
			return true;
		}
		if (!sk || !bpf_map_lookup_elem(&pid_sockets, &key))
			return false;
	}
	return true;
}

/* Forget a socket the -p filter was following, once the kernel is done with it. */
static __always_inline void forget_socket(const void *sk)
{
	__u64 key = (__u64)sk;

	if (filter_tgid)
		bpf_map_delete_elem(&pid_sockets, &key);
}

static __always_inline struct tcprec_event *reserve(__u32 type)
{
	struct tcprec_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		count(TCPREC_CNT_LOST, type);
		return 0;
	}
	return e;
}

/* Fills the fields every record has. The record comes from the ring and holds stale bytes: every
 * field is written here or by the caller. */
static __always_inline void fill_common(struct tcprec_event *e, __u32 type, const struct sock *sk,
					const struct sk_buff *skb, __u64 pid_tgid)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	e->tgid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->skaddr = (__u64)sk;
	if (sk) {
		e->present |= TCPREC_HAS_SKADDR | TCPREC_HAS_SOCK_INFO;
		e->netns = sock_netns(sk);
		e->cgroup_id = sock_cgroup_id(sk);
	} else if (skb) {
		e->netns = skb_netns(skb);
		if (e->netns)
			e->present |= TCPREC_HAS_NETNS;
	}
}

static __always_inline void submit(struct tcprec_event *e, __u32 type)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(e, flags);
	count(TCPREC_CNT_EMITTED, type);
}

/* Copies the classic tracepoint address fields: a 4-byte IPv4 and a 16-byte IPv6 pair. */
#define COPY_SPLIT_ADDRS(e, ctx)                                                         \
	do {                                                                             \
		if ((e)->family == AF_INET6) {                                           \
			bpf_core_read(&(e)->saddr, 16, &(ctx)->saddr_v6);                \
			bpf_core_read(&(e)->daddr, 16, &(ctx)->daddr_v6);                \
		} else {                                                                 \
			bpf_core_read(&(e)->saddr, 4, &(ctx)->saddr);                    \
			bpf_core_read(&(e)->daddr, 4, &(ctx)->daddr);                    \
		}                                                                        \
	} while (0)

/* Reads family, port and address out of a sockaddr_in / sockaddr_in6 stored in a tracepoint. */
static __always_inline void read_sockaddr(const __u8 *sa, __u8 *addr, __u16 *port, __u16 *family)
{
	__u16 fam = 0;
	__u16 port_be = 0;

	bpf_probe_read_kernel(&fam, sizeof(fam), sa);
	bpf_probe_read_kernel(&port_be, sizeof(port_be), sa + 2);
	*family = fam;
	*port = __builtin_bswap16(port_be);
	if (fam == AF_INET6)
		bpf_probe_read_kernel(addr, 16, sa + 8);
	else
		bpf_probe_read_kernel(addr, 4, sa + 4);
}

#endif /* TCPREC_COMMON_BPF_H */
