/* A Multiboot guest's memory: HV.CFG mem_mib MiB from UEFI, wherever the firmware has them, 2 MiB
 * aligned (so EPT maps it with large pages) and zeroed (the guest sees nothing the firmware left).
 * Its GPA 0 is this block's start: EPT translates (docs/guest-abi.md). */
#include "boot/efi_boot.h"

#include "arch/lib/fmt.h"

#define MIB (1ull << 20)
#define GUEST_MEM_ALIGN (2ull << 20)
#define ALIGN_SLACK (GUEST_MEM_ALIGN - EFI_PAGE_SIZE)   /* the most an aligned block can start late */

/* The largest free block (EfiConventionalMemory) in the firmware's memory map, in bytes; 0 if the
 * map cannot be read. */
static UINT64 largest_free_block(void)
{
	UINTN size = 0, key = 0, dsize = 0;
	UINT32 dver = 0;
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	UINT64 best = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &dsize, &dver);

	if (st != EFI_BUFFER_TOO_SMALL)
		return 0;
	size += 4 * dsize;   /* the pool allocation below may add descriptors */
	map = AllocatePool(size);
	if (!map)
		return 0;
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &dsize, &dver);
	for (UINTN off = 0; !EFI_ERROR(st) && off < size; off += dsize) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + off);
		UINT64 bytes = d->NumberOfPages * EFI_PAGE_SIZE;

		if (d->Type == EfiConventionalMemory && bytes > best)
			best = bytes;
	}
	FreePool(map);
	return best;
}

void efi_alloc_multiboot_memory(struct boot_info *bi)
{
	UINT64 size = (UINT64)bi->cfg.mem_mib * MIB, aligned, end, largest;
	UINTN pages = (size + ALIGN_SLACK) / EFI_PAGE_SIZE;
	EFI_PHYSICAL_ADDRESS a = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData, pages, &a);

	if (EFI_ERROR(st)) {
		largest = largest_free_block();
		hv_snprintf(bi->mb_mem_error, sizeof(bi->mb_mem_error),
			    "HV.CFG mem_mib=%u: the firmware has no %u MiB in one block (EFI status 0x%llx); the most it "
			    "could give is %llu MiB",
			    bi->cfg.mem_mib, bi->cfg.mem_mib, (unsigned long long)st,
			    (unsigned long long)(largest > ALIGN_SLACK ? (largest - ALIGN_SLACK) / MIB : 0));
		return;
	}
	/* Keep the aligned block, give the slack on both sides back. */
	aligned = (a + GUEST_MEM_ALIGN - 1) & ~(GUEST_MEM_ALIGN - 1);
	end = a + (UINT64)pages * EFI_PAGE_SIZE;
	if (aligned > a)
		uefi_call_wrapper(BS->FreePages, 2, a, (aligned - a) / EFI_PAGE_SIZE);
	if (end > aligned + size)
		uefi_call_wrapper(BS->FreePages, 2, aligned + size, (end - aligned - size) / EFI_PAGE_SIZE);
	uefi_call_wrapper(BS->SetMem, 3, (void *)aligned, size, 0);
	bi->mb_mem_hpa = aligned;
	bi->mb_mem_size = size;
}
