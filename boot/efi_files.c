/* Files next to BOOTX64.EFI on the boot volume (\EFI\BOOT\HV.CFG, \EFI\BOOT\GUEST.BIN). */
#include "boot/efi_boot.h"

#include "arch/lib/fmt.h"

#define BOOT_DIR L"\\EFI\\BOOT\\"

EFI_STATUS efi_read_boot_file(EFI_LOADED_IMAGE *li, const CHAR16 *name, UINTN max, UINT8 **data, UINTN *size,
			      char *err, UINTN err_len)
{
	CHAR16 path[64];
	EFI_FILE_HANDLE root, fh;
	EFI_FILE_INFO *info;
	EFI_STATUS st;
	UINTN want;

	err[0] = '\0';
	*data = NULL;
	*size = 0;
	root = LibOpenRoot(li->DeviceHandle);
	if (!root)
		return EFI_NOT_FOUND;      /* not booted from a file system: no side files */
	StrCpy(path, BOOT_DIR);
	StrCat(path, (CHAR16 *)name);
	st = uefi_call_wrapper(root->Open, 5, root, &fh, path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(root->Close, 1, root);
		return EFI_NOT_FOUND;
	}
	info = LibFileInfo(fh);
	want = info ? info->FileSize : 0;
	if (info)
		FreePool(info);
	if (!info) {
		hv_snprintf(err, err_len, "cannot read its size");
		st = EFI_DEVICE_ERROR;
	} else if (want == 0) {
		hv_snprintf(err, err_len, "file is empty");
		st = EFI_END_OF_FILE;
	} else if (want > max) {
		hv_snprintf(err, err_len, "file is %llu bytes, more than the limit of %llu", (unsigned long long)want,
			    (unsigned long long)max);
		st = EFI_BAD_BUFFER_SIZE;
	} else {
		*data = AllocatePool(want + 1);
		*size = want;
		st = *data ? uefi_call_wrapper(fh->Read, 3, fh, size, *data) : EFI_OUT_OF_RESOURCES;
		if (!EFI_ERROR(st) && *size != want)
			st = EFI_END_OF_FILE;
		if (EFI_ERROR(st)) {
			hv_snprintf(err, err_len, "read failed (EFI status 0x%llx)", (unsigned long long)st);
			if (*data)
				FreePool(*data);
			*data = NULL;
		} else {
			(*data)[want] = 0;
		}
	}
	uefi_call_wrapper(fh->Close, 1, fh);
	uefi_call_wrapper(root->Close, 1, root);
	return st;
}
