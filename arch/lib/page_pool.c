/* A bump allocator with a free list threaded through freed pages. Runs on the identity map. */
#include "arch/lib/page_pool.h"

static uint64_t pool_base, pool_end, pool_next, free_list, in_use;

void pool_init(uint64_t base, uint64_t size)
{
	pool_base = (base + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	pool_end = (base + size) & ~(PAGE_SIZE - 1);
	pool_next = pool_base;
	free_list = 0;
	in_use = 0;
}

static void zero_page(uint64_t pa)
{
	uint64_t *p = (uint64_t *)pa;
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		p[i] = 0;
}

uint64_t pool_alloc_page(void)
{
	uint64_t pa;

	if (free_list) {
		pa = free_list;
		free_list = *(uint64_t *)pa;
	} else if (pool_next < pool_end) {
		pa = pool_next;
		pool_next += PAGE_SIZE;
	} else {
		return 0;
	}
	zero_page(pa);
	in_use++;
	return pa;
}

uint64_t pool_alloc_contiguous(uint64_t n)
{
	uint64_t pa = pool_next;

	if (n == 0 || n > (pool_end - pool_next) / PAGE_SIZE)
		return 0;
	pool_next += n * PAGE_SIZE;
	for (uint64_t i = 0; i < n; i++)
		zero_page(pa + i * PAGE_SIZE);
	in_use += n;
	return pa;
}

void pool_free_page(uint64_t pa)
{
	*(uint64_t *)pa = free_list;
	free_list = pa;
	in_use--;
}

uint64_t pool_pages_in_use(void)
{
	return in_use;
}

uint64_t pool_pages_total(void)
{
	return (pool_end - pool_base) / PAGE_SIZE;
}

int pool_contains(uint64_t pa)
{
	return pa >= pool_base && pa < pool_end;
}
