/* SPDX-License-Identifier: MIT */
/*
 * ept/ept_entry.h - how the library touches an entry of a table that may be
 * published, i.e. reachable by readers on other CPUs (the rule is in
 * ept/ept.h).  Each is one aligned 64-bit access, so no reader ever sees a
 * torn entry; on x86 all three compile to a plain MOV.
 *
 * Entries of a table not yet published (being zeroed, or filled by a split)
 * are written plainly: entry_publish() orders them before the entry that
 * makes the table reachable.  Reads under the writer lock may be plain too:
 * the lock holder is the only software writer.
 */
#ifndef EPT_EPT_ENTRY_H
#define EPT_EPT_ENTRY_H

#include <stdint.h>

/* Lock-free read: acquire, so a child table it points to is seen filled. */
static inline uint64_t entry_read(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Writer: change a leaf, or clear an entry; nothing new to order before it. */
static inline void entry_set(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* Writer: point an entry at a table whose contents are already written. */
static inline void entry_publish(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

#endif /* EPT_EPT_ENTRY_H */
