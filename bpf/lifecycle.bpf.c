/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Connection lifecycle: every TCP state change, and the socket's destruction.
 *
 * The tracepoint fields are read straight from the context (CO-RE still relocates each offset):
 * a helper call per field cost more than the rest of the program on the busiest event. The
 * programs whose tracepoint had several layouts (retransmit, send_reset) keep BPF_CORE_READ, since
 * the compiler shares address arithmetic between the layouts and the verifier refuses a context
 * pointer that was modified before the load.
 */

SEC("tracepoint/sock/inet_sock_set_state")
int handle_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	const __u32 type = TCPREC_EV_INET_SOCK_SET_STATE;
	const struct sock *sk = ctx->skaddr;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = ctx->family;
	__u16 sport = ctx->sport;
	__u16 dport = ctx->dport;
	int newstate = ctx->newstate;
	struct tcprec_event *e;

	if (ctx->protocol != IPPROTO_TCP)
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
	e->oldstate = ctx->oldstate;
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
	const struct sock *sk = ctx->skaddr;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 family = bpf_core_field_exists(ctx->family) ? ctx->family : sock_family(sk);
	__u16 sport = ctx->sport;
	__u16 dport = ctx->dport;
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
			e->sock_cookie = ctx->sock_cookie;
			e->present |= TCPREC_HAS_COOKIE;
		}
		submit(e, type);
	}
	forget_socket(sk);
	return 0;
}
