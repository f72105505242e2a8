/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The one compilation unit: the programs live in one file per concern, compiled together so that
 * they share the ring buffer, the counters and the filters without cross-object map linking.
 */
#include "common.bpf.h"

#include "lifecycle.bpf.c"
#include "retransmit.bpf.c"
#include "reset.bpf.c"
#include "probe.bpf.c"
