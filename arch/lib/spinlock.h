/* A ticket spinlock for the few places several processors change the same data (the log ring,
 * the shared EPT tables). Never taken on the path of a common exit. Freestanding: GCC's __atomic
 * builtins only, so host tests run it over threads (and ThreadSanitizer understands it). */
#ifndef ARCH_LIB_SPINLOCK_H
#define ARCH_LIB_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
	uint32_t next;      /* the ticket the next taker draws */
	uint32_t owner;     /* the ticket being served */
};

#ifdef HV_HOST_TEST
int sched_yield(void);
#endif

static inline void cpu_relax(void)
{
#ifdef HV_HOST_TEST
	/* Host tests run more threads than processors: a ticket holder that is not running would
	 * keep every waiter spinning for a whole time slice. */
	sched_yield();
#elif defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("pause" ::: "memory");
#endif
}

static inline void spin_lock(struct spinlock *l)
{
	uint32_t t = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != t)
		cpu_relax();
}

/* Take the lock only if nobody holds or waits for it. */
static inline bool spin_trylock(struct spinlock *l)
{
	/* Acquire: the last holder's release of owner is what orders its writes before ours. */
	uint32_t o = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);
	uint32_t expected = o;

	return __atomic_compare_exchange_n(&l->next, &expected, o + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif
