/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Resets: RSTs this host sent, and RSTs it received on a socket. */

SEC("tracepoint/tcp/tcp_send_reset")
int handle_tcp_send_reset(void *raw)
{
	const __u32 type = TCPREC_EV_TCP_SEND_RESET;
	/* Three layouts over time: tcp_event_sk_skb (before 6.10), an own class with reason and split
	 * address fields, and the current one with sockaddr-sized addresses that hold the ports. */
	struct trace_event_raw_tcp_send_reset *cur = raw;
	struct trace_event_raw_tcp_send_reset___fields *mid = raw;
	struct trace_event_raw_tcp_event_sk_skb *old = raw;
	bool own_class = bpf_core_type_exists(struct trace_event_raw_tcp_send_reset);
	bool split_fields = !own_class || bpf_core_field_exists(mid->family);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u8 saddr[16] = {}, daddr[16] = {};
	__u16 family = 0, sport = 0, dport = 0, dfamily = 0;
	const struct sk_buff *skb;
	const struct sock *sk;
	struct tcprec_event *e;

	if (!own_class) {
		sk = BPF_CORE_READ(old, skaddr);
		skb = BPF_CORE_READ(old, skbaddr);
		family = bpf_core_field_exists(old->family) ? BPF_CORE_READ(old, family) : sock_family(sk);
		sport = BPF_CORE_READ(old, sport);
		dport = BPF_CORE_READ(old, dport);
	} else if (split_fields) {
		sk = BPF_CORE_READ(mid, skaddr);
		skb = BPF_CORE_READ(mid, skbaddr);
		family = BPF_CORE_READ(mid, family);
		sport = BPF_CORE_READ(mid, sport);
		dport = BPF_CORE_READ(mid, dport);
	} else {
		/* The kernel stores the reply's tuple when there is no socket: saddr stays local. */
		sk = BPF_CORE_READ(cur, skaddr);
		skb = BPF_CORE_READ(cur, skbaddr);
		read_sockaddr(cur->saddr, saddr, &sport, &family);
		read_sockaddr(cur->daddr, daddr, &dport, &dfamily);
	}
	if (!tuple_wanted(family, sport, dport) || !context_wanted(sk, skb, pid_tgid >> 32, type)) {
		count(TCPREC_CNT_FILTERED, type);
		return 0;
	}
	e = reserve(type);
	if (!e)
		return 0;
	fill_common(e, type, sk, skb, pid_tgid);
	e->family = family;
	e->sport = sport;
	e->dport = dport;
	if (!own_class) {
		e->skbaddr = (__u64)BPF_CORE_READ(old, skbaddr);
		e->oldstate = BPF_CORE_READ(old, state);
		COPY_SPLIT_ADDRS(e, old);
	} else if (split_fields) {
		e->skbaddr = (__u64)BPF_CORE_READ(mid, skbaddr);
		e->oldstate = BPF_CORE_READ(mid, state);
		e->reason = BPF_CORE_READ(mid, reason);
		e->present |= TCPREC_HAS_REASON;
		COPY_SPLIT_ADDRS(e, mid);
	} else {
		e->skbaddr = (__u64)BPF_CORE_READ(cur, skbaddr);
		e->oldstate = BPF_CORE_READ(cur, state);
		e->reason = BPF_CORE_READ(cur, reason);
		e->present |= TCPREC_HAS_REASON;
		__builtin_memcpy(e->saddr, saddr, 16);
		__builtin_memcpy(e->daddr, daddr, 16);
	}
	submit(e, type);
	return 0;
}

SEC("tracepoint/tcp/tcp_receive_reset")
int handle_tcp_receive_reset(struct trace_event_raw_tcp_event_sk *ctx)
{
	const __u32 type = TCPREC_EV_TCP_RECEIVE_RESET;
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
	COPY_SPLIT_ADDRS(e, ctx);
	if (bpf_core_field_exists(ctx->sock_cookie)) {
		e->sock_cookie = BPF_CORE_READ(ctx, sock_cookie);
		e->present |= TCPREC_HAS_COOKIE;
	}
	submit(e, type);
	return 0;
}
