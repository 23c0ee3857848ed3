#!/usr/bin/env bash
# Install the Debian packages minihv needs to build, test and run, when any are missing.
# As root: apt-get update + apt-get install. Otherwise: print the exact command and stop.
set -euo pipefail

# package        why
PKGS=(
  gcc make binutils  # the build
  gcc-multilib       # gcc -m32 for the Multiboot guest kernels (mk/guest_c.mk, guest/lib/)
  gnu-efi            # crt0, linker script, libefi/libgnuefi, headers
  nasm               # entry stubs and guests
  libcmocka-dev      # host unit tests
  clang llvm libclang-rt-14-dev  # libFuzzer and sanitizer runtimes
  cppcheck clang-tidy            # make lint (tools/lint.sh)
  python3            # boot-test driver and log checks
  bochs bochsbios vgabios  # VMX emulation for boot tests
  ovmf               # UEFI firmware
  qemu-system-x86    # QEMU boots (nested KVM, TCG refusal path)
  mtools dosfstools fdisk  # FAT images and GPT disk images without root
  console-setup-linux      # Terminus PSF console fonts for the screen console
  zlib1g-dev               # the screen-console test reads the .psf.gz fonts itself
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages: ${missing[*]}" >&2
  echo "deps: run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
