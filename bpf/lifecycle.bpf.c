/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Connection lifecycle: every TCP state change, and the socket's destruction. */

SEC("tracepoint/sock/inet_sock_set_state")
int handle_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	const __u32 type = TCPREC_EV_INET_SOCK_SET_STATE;
	const struct sock *sk = BPF_CORE_READ(ctx, skaddr);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = BPF_CORE_READ(ctx, family);
	__u16 sport = BPF_CORE_READ(ctx, sport);
	__u16 dport = BPF_CORE_READ(ctx, dport);
	int newstate = BPF_CORE_READ(ctx, newstate);
	struct tcprec_event *e;

	if (BPF_CORE_READ(ctx, protocol) != IPPROTO_TCP)
		return 0;
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
	e->protocol = IPPROTO_TCP;
	e->oldstate = BPF_CORE_READ(ctx, oldstate);
	e->newstate = newstate;
	COPY_SPLIT_ADDRS(e, ctx);
	/* tcplife's TX/RX columns: the tracepoint payload has no byte counts. */
	e->bytes_acked = BPF_CORE_READ((struct tcp_sock *)sk, bytes_acked);
	e->bytes_received = BPF_CORE_READ((struct tcp_sock *)sk, bytes_received);
	e->present |= TCPREC_HAS_SOCK_BYTES;
	submit(e, type);
	return 0;
}

SEC("tracepoint/tcp/tcp_destroy_sock")
int handle_tcp_destroy_sock(struct trace_event_raw_tcp_event_sk *ctx)
{
	const __u32 type = TCPREC_EV_TCP_DESTROY_SOCK;
	const struct sock *sk = BPF_CORE_READ(ctx, skaddr);
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = BPF_CORE_READ(ctx, family);
	__u16 sport = BPF_CORE_READ(ctx, sport);
	__u16 dport = BPF_CORE_READ(ctx, dport);
	struct tcprec_event *e;

	if (!tuple_wanted(family, sport, dport) || !context_wanted(sk, 0, pid_tgid >> 32, type)) {
		count(TCPREC_CNT_FILTERED, type);
		return 0;
	}
	e = reserve(type);
	if (e) {
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
	}
	forget_socket(sk);
	return 0;
}
