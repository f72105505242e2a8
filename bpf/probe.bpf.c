/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tcp_probe fires on every segment an established socket receives, so its volume follows packets,
 * not connections. probe_interval_ns bounds it per socket: one record per socket per interval.
 */

SEC("tracepoint/tcp/tcp_probe")
int handle_tcp_probe(struct trace_event_raw_tcp_probe *ctx)
{
	const __u32 type = TCPREC_EV_TCP_PROBE;
	bool has_skaddr = bpf_core_field_exists(ctx->skaddr);
	const struct sock *sk = has_skaddr ? BPF_CORE_READ(ctx, skaddr) : 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = BPF_CORE_READ(ctx, family);
	__u16 sport = BPF_CORE_READ(ctx, sport);
	__u16 dport = BPF_CORE_READ(ctx, dport);
	struct tcprec_event *e;
	__u16 unused_port, unused_family;

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
	e->mark = BPF_CORE_READ(ctx, mark);
	e->data_len = BPF_CORE_READ(ctx, data_len);
	e->snd_nxt = BPF_CORE_READ(ctx, snd_nxt);
	e->snd_una = BPF_CORE_READ(ctx, snd_una);
	e->snd_cwnd = BPF_CORE_READ(ctx, snd_cwnd);
	e->ssthresh = BPF_CORE_READ(ctx, ssthresh);
	e->snd_wnd = BPF_CORE_READ(ctx, snd_wnd);
	e->srtt_us = BPF_CORE_READ(ctx, srtt);
	e->rcv_wnd = BPF_CORE_READ(ctx, rcv_wnd);
	if (bpf_core_field_exists(ctx->sock_cookie)) {
		e->sock_cookie = BPF_CORE_READ(ctx, sock_cookie);
		e->present |= TCPREC_HAS_COOKIE;
	}
	if (bpf_core_field_exists(ctx->skbaddr))
		e->skbaddr = (__u64)BPF_CORE_READ(ctx, skbaddr);
	submit(e, type);
	return 0;
}
