/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcp_probe fires on every segment an established socket receives, so its volume follows packets,
 * not connections. probe_interval_ns bounds it per socket: one record per socket per interval.
 */

/*
 * Before tcp_probe carried skaddr (6.1 has only the tuple and the cookie) there is no socket in the
 * event, so the netns, cgroup and -p filters could not keep any of them. tcp_rcv_established is
 * the tracepoint's only caller and gets the socket as its first argument: its entry remembers it per
 * CPU, and the tracepoint takes it when the ports agree (a softirq on the same CPU between the
 * entry and the tracepoint may have replaced it). The recorder loads this only on such kernels.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} probe_sk SEC(".maps");

SEC("fentry/tcp_rcv_established")
int remember_probe_socket(__u64 *args)
{
	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&probe_sk, &zero);

	if (slot)
		*slot = args[0];
	return 0;
}

static __always_inline const struct sock *probe_socket(__u16 sport, __u16 dport)
{
	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&probe_sk, &zero);
	const struct sock *sk;

	if (!slot || !*slot)
		return 0;
	sk = (const struct sock *)*slot;
	*slot = 0;
	if (BPF_CORE_READ(sk, __sk_common.skc_num) != sport ||
	    __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport)) != dport)
		return 0;
	return sk;
}

SEC("tracepoint/tcp/tcp_probe")
int handle_tcp_probe(struct trace_event_raw_tcp_probe *ctx)
{
	const __u32 type = TCPREC_EV_TCP_PROBE;
	bool has_skaddr = bpf_core_field_exists(ctx->skaddr);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = 0;
	__u16 sport = ctx->sport;
	__u16 dport = ctx->dport;
	const struct sock *sk = has_skaddr ? ctx->skaddr : probe_socket(sport, dport);
	struct tcprec_event *e;
	__u16 unused_port, unused_family;

	/* 5.10's tcp_probe has no family field: its saddr is a sockaddr that starts with one */
	if (bpf_core_field_exists(ctx->family))
		family = ctx->family;
	else
		bpf_probe_read_kernel(&family, sizeof(family), ctx->saddr);
	if (!tuple_wanted(family, sport, dport) || !context_wanted(sk, 0, pid_tgid >> 32, type)) {
		count(TCPREC_CNT_FILTERED, type);
		return 0;
	}
	if (probe_interval_ns) {
		__u64 key = sk ? (__u64)sk : ((__u64)sport << 16 | dport);
		__u64 now = bpf_ktime_get_boot_ns();
		__u64 *last = bpf_map_lookup_elem(&probe_last, &key);

		if (last && now - *last < probe_interval_ns) {
			count(TCPREC_CNT_SAMPLED, type);
			return 0;
		}
		bpf_map_update_elem(&probe_last, &key, &now, BPF_ANY);
	}
	e = reserve(type);
	if (!e)
		return 0;
	fill_common(e, type, sk, 0, pid_tgid);
	e->family = family;
	e->sport = sport;
	e->dport = dport;
	read_sockaddr(ctx->saddr, e->saddr, &unused_port, &unused_family);
	read_sockaddr(ctx->daddr, e->daddr, &unused_port, &unused_family);
	e->mark = ctx->mark;
	e->data_len = ctx->data_len;
	e->snd_nxt = ctx->snd_nxt;
	e->snd_una = ctx->snd_una;
	e->snd_cwnd = ctx->snd_cwnd;
	e->ssthresh = ctx->ssthresh;
	e->snd_wnd = ctx->snd_wnd;
	e->srtt_us = ctx->srtt;
	e->rcv_wnd = ctx->rcv_wnd;
	if (bpf_core_field_exists(ctx->sock_cookie)) {
		e->sock_cookie = ctx->sock_cookie;
		e->present |= TCPREC_HAS_COOKIE;
	}
	if (bpf_core_field_exists(ctx->skbaddr))
		e->skbaddr = (__u64)ctx->skbaddr;
	submit(e, type);
	return 0;
}
