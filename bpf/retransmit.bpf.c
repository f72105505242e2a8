/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Retransmissions: data segments and SYN/ACKs. */

SEC("tracepoint/tcp/tcp_retransmit_skb")
int handle_tcp_retransmit_skb(void *raw)
{
	const __u32 type = TCPREC_EV_TCP_RETRANSMIT_SKB;
	/* 6.4 gave this tracepoint its own class (adding err); before, it was tcp_event_sk_skb. */
	struct trace_event_raw_tcp_retransmit_skb *ctx = raw;
	struct trace_event_raw_tcp_event_sk_skb *old = raw;
	bool own_class = bpf_core_type_exists(struct trace_event_raw_tcp_retransmit_skb);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	const struct sock *sk;
	__u16 family, sport, dport;
	struct tcprec_event *e;

	if (own_class) {
		sk = BPF_CORE_READ(ctx, skaddr);
		family = BPF_CORE_READ(ctx, family);
		sport = BPF_CORE_READ(ctx, sport);
		dport = BPF_CORE_READ(ctx, dport);
	} else {
		sk = BPF_CORE_READ(old, skaddr);
		family = bpf_core_field_exists(old->family) ? BPF_CORE_READ(old, family) : sock_family(sk);
		sport = BPF_CORE_READ(old, sport);
		dport = BPF_CORE_READ(old, dport);
	}
	if (!tuple_wanted(family, sport, dport) || !context_wanted(sk, 0, pid_tgid >> 32, type)) {
		count(TCPREC_CNT_FILTERED, type);
		return 0;
	}
	e = reserve(type);
	if (!e)
		return 0;
	fill_common(e, type, sk, 0, pid_tgid);
	e->family = family;
	e->sport = sport;
	e->dport = dport;
	if (own_class) {
		e->skbaddr = (__u64)BPF_CORE_READ(ctx, skbaddr);
		e->oldstate = BPF_CORE_READ(ctx, state);
		COPY_SPLIT_ADDRS(e, ctx);
		if (bpf_core_field_exists(ctx->err)) {
			e->err = BPF_CORE_READ(ctx, err);
			e->present |= TCPREC_HAS_ERR;
		}
	} else {
		e->skbaddr = (__u64)BPF_CORE_READ(old, skbaddr);
		e->oldstate = BPF_CORE_READ(old, state);
		COPY_SPLIT_ADDRS(e, old);
	}
	submit(e, type);
	return 0;
}

SEC("tracepoint/tcp/tcp_retransmit_synack")
int handle_tcp_retransmit_synack(struct trace_event_raw_tcp_retransmit_synack *ctx)
{
	const __u32 type = TCPREC_EV_TCP_RETRANSMIT_SYNACK;
	/* skaddr is the listener; the connection being set up is the request socket, req. */
	const struct sock *sk = BPF_CORE_READ(ctx, skaddr);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = bpf_core_field_exists(ctx->family) ? BPF_CORE_READ(ctx, family) : sock_family(sk);
	__u16 sport = BPF_CORE_READ(ctx, sport);
	__u16 dport = BPF_CORE_READ(ctx, dport);
	struct tcprec_event *e;

	if (!tuple_wanted(family, sport, dport) || !context_wanted(sk, 0, pid_tgid >> 32, type)) {
		count(TCPREC_CNT_FILTERED, type);
		return 0;
	}
	e = reserve(type);
	if (!e)
		return 0;
	fill_common(e, type, sk, 0, pid_tgid);
	e->family = family;
	e->sport = sport;
	e->dport = dport;
	e->skbaddr = (__u64)BPF_CORE_READ(ctx, req);
	COPY_SPLIT_ADDRS(e, ctx);
	submit(e, type);
	return 0;
}
