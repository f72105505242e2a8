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
	const struct sock *sk = has_skaddr ? ctx->skaddr : 0;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = ctx->family;
	__u16 sport = ctx->sport;
	__u16 dport = ctx->dport;
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
