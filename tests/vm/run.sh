#!/bin/bash
# tests/vm/run.sh -- run one command as root in a throwaway virtual machine whose
# kernel has every cgroup controller on cgroup v2 (cgroup_no_v1=all), for tests
# that cannot run on a host that keeps controllers bound to cgroup v1.
#
#   tests/vm/run.sh [-m MEM_MB] -- COMMAND [ARGS...]
#
# How: boots the newest /boot/vmlinuz-* under qemu (KVM, or TCG: see ACCEL) with
# a busybox initramfs (cached in ${STACKLAB_BUILD:-$PWD/build}/vm/, one per
# kernel version). The initramfs loads the virtio/9p/overlay modules, mounts the host's
# / read-only over 9p, puts an overlayfs with a tmpfs upper layer on top (the
# guest may write anywhere, nothing reaches the host) and switch_roots into it.
# A fresh host folder is shared read-write at /job: it holds cmd.sh (cd to $PWD,
# exported PATH, STACKLAB_* and SBX_* variables, then the command); the guest
# writes the output to /job/out and the exit status to /job/rc, then powers off.
# Exit: the command's status; 125 if the VM gave no status (console log on
# stderr); 77 if no VM can run here (for TAP skips). VM_TIMEOUT (default 600 s)
# bounds the whole run.
set -eu

MEM=2048
usage() { echo "usage: $0 [-m MEM_MB] -- COMMAND [ARGS...]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	-m) [ $# -ge 2 ] || usage; MEM=$2; shift 2 ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || usage
case $MEM in ''|*[!0-9]*) usage ;; esac

skip() { echo "vm: cannot run: $*" >&2; exit 77; }
# Accelerator: KVM needs a hardware backend (kvm_intel/kvm_amd); the PVM backend
# of some nested hosts cannot run a stock kernel at usable speed, so there (or
# with VM_ACCEL=tcg) qemu emulates the CPU instead, a few times slower.
ACCEL=${VM_ACCEL:-auto}
if [ "$ACCEL" = auto ]; then
	ACCEL=kvm
	[ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ] || [ ! -d /sys/module/kvm_pvm ] || ACCEL=tcg
fi
case $ACCEL in
kvm) [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] || skip "/dev/kvm missing or not writable"
	ACCEL_ARGS=(-enable-kvm -cpu host) ;;
tcg) ACCEL_ARGS=(-accel tcg,thread=multi -cpu max) ;;
*) echo "vm: VM_ACCEL must be auto, kvm or tcg" >&2; exit 2 ;;
esac
QEMU=$(command -v qemu-system-x86_64) || skip "no qemu-system-x86_64"
KERNEL=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1) || true
[ -n "$KERNEL" ] && [ -r "$KERNEL" ] || skip "no readable kernel /boot/vmlinuz-*"
KVER=${KERNEL#/boot/vmlinuz-}
MODDIR=/lib/modules/$KVER
[ -r "$MODDIR/modules.dep" ] || skip "no $MODDIR/modules.dep"
BUSYBOX=$(command -v busybox) || skip "no busybox"
! ldd "$BUSYBOX" >/dev/null 2>&1 || skip "busybox $BUSYBOX is not static (install busybox-static)"
command -v timeout >/dev/null || skip "no timeout"

BUILD=${STACKLAB_BUILD:-$PWD/build}
CACHE=$BUILD/vm
INITRD=$CACHE/initramfs-$KVER.cpio.gz
mkdir -p "$CACHE"

# Stage 1, /init in the initramfs (busybox sh): modules, root, mounts, switch_root.
INIT1='#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
while read -r m; do insmod "/lib/modules/$m" || echo "vm: insmod $m failed"; done </modules.load
mkdir -p /lower /upper /newroot
o=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$o,ro,cache=loose" hostroot /lower || { echo "vm: no 9p root"; poweroff -f; }
mount -t tmpfs -o mode=755 upper /upper
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w root /newroot
r=/newroot
mkdir -p $r/job $r/proc $r/sys $r/dev $r/tmp $r/run
mount -t 9p -o "$o" job $r/job
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
exec </$r/dev/console >$r/dev/console 2>&1
umount /proc /sys; umount -l /dev
mkdir -p $r/dev/pts $r/dev/shm
ln -s /proc/self/fd $r/dev/fd; ln -s fd/0 $r/dev/stdin; ln -s fd/1 $r/dev/stdout; ln -s fd/2 $r/dev/stderr
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts $r/dev/pts
mount -t tmpfs -o mode=1777 shm $r/dev/shm
mount -t tmpfs -o mode=1777 tmp $r/tmp
mount -t tmpfs -o mode=755 run $r/run
mount -t cgroup2 -o nsdelegate cgroup2 $r/sys/fs/cgroup
hostname stacklab-vm
ip link set lo up
mkdir -p $r/run/vm
cp /bin/busybox /init2 $r/run/vm/
exec switch_root $r /run/vm/busybox sh /run/vm/init2
echo "vm: switch_root failed"; poweroff -f
'
# Stage 2, run from the new root: the command, its status, power off.
INIT2='export PATH=/run/vm:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
/bin/sh /job/cmd.sh </dev/null >/job/out 2>&1
echo $? >/job/rc.tmp && mv /job/rc.tmp /job/rc
/run/vm/busybox sync
/run/vm/busybox poweroff -f
echo o >/proc/sysrq-trigger
'

# Module files to load, dependencies first, from modules.dep (which lists each
# module's dependencies transitively, the last one to be loaded first).
modules() {
	for want in virtio_pci 9pnet_virtio 9p overlay; do
		line=$(grep -E "^([^:]*/)?${want}\.ko(\.[a-z]+)?:" "$MODDIR/modules.dep") ||
			{ echo "vm: module $want not in $MODDIR/modules.dep" >&2; return 1; }
		path=${line%%:*} deps=${line#*:}
		printf '%s\n' $deps | sed '/^$/d' | tac
		echo "$path"
	done | awk '!seen[$0]++'
}

build_initrd() {
	tmp=$(mktemp -d "$CACHE/initramfs.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	mkdir -p "$tmp/root/bin" "$tmp/root/lib/modules" "$tmp/root/dev" "$tmp/root/proc" "$tmp/root/sys"
	cp "$BUSYBOX" "$tmp/root/bin/busybox"
	printf '%s' "$INIT1" >"$tmp/root/init"
	printf '%s' "$INIT2" >"$tmp/root/init2"
	chmod 755 "$tmp/root/init"
	for m in $(modules); do
		f=$MODDIR/$m base=${m##*/}
		case $m in
		*.ko) cp "$f" "$tmp/root/lib/modules/$base" ;;
		*.ko.xz) xz -dc "$f" >"$tmp/root/lib/modules/${base%.xz}" ;;
		*.ko.zst) zstd -qdc "$f" >"$tmp/root/lib/modules/${base%.zst}" ;;
		*.ko.gz) gzip -dc "$f" >"$tmp/root/lib/modules/${base%.gz}" ;;
		*) echo "vm: unknown module format $m" >&2; return 1 ;;
		esac
		base=${base%.ko*}.ko
		echo "$base" >>"$tmp/root/modules.load"
	done
	CPIO="cpio --quiet"; command -v cpio >/dev/null || CPIO="$BUSYBOX cpio"
	(cd "$tmp/root" && find . | LC_ALL=C sort | $CPIO -o -H newc) | gzip -1 >"$tmp/initrd.gz"
	mv -f "$tmp/initrd.gz" "$INITRD"
	rm -rf "$tmp"; trap - EXIT
}
# Rebuilt when missing, or older than this script or busybox.
if [ ! -s "$INITRD" ] || [ "$0" -nt "$INITRD" ] || [ "$BUSYBOX" -nt "$INITRD" ]; then
	build_initrd
fi
# An emulated CPU takes seconds to decompress the kernel: when the kernel has a
# PVH entry point, boot the uncompressed ELF instead (cached beside the initramfs).
VMLINUX=$CACHE/vmlinux-$KVER
if [ ! -s "$VMLINUX" ] && grep -qx 'CONFIG_PVH=y' "/boot/config-$KVER" 2>/dev/null; then
	tmpv=$(mktemp "$CACHE/vmlinux.XXXXXX")
	for z in $'\xfd7zXZ:xz -dc --single-stream' $'\x28\xb5\x2f\xfd:zstd -qdc' $'\x1f\x8b\x08:gzip -dc'; do
		off=$(LC_ALL=C grep -abo -m1 "${z%%:*}" "$KERNEL" | head -n 1 | cut -d: -f1) || continue
		[ -n "$off" ] || continue
		tail -c +$((off + 1)) "$KERNEL" | ${z#*:} >"$tmpv" 2>/dev/null || true
		if [ "$(head -c 4 "$tmpv")" = $'\x7fELF' ]; then chmod 644 "$tmpv"; mv -f "$tmpv" "$VMLINUX"; break; fi
	done
	rm -f "$tmpv"
fi
[ -s "$VMLINUX" ] && KERNEL=$VMLINUX

JOB=$(mktemp -d "${TMPDIR:-/var/tmp}/stacklab-vm.XXXXXX")
trap 'rm -rf "$JOB"' EXIT
mkdir "$JOB/share"
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
	echo "cd $(q "$PWD") || exit 125"
	for v in $(compgen -e); do
		case $v in PATH|STACKLAB_*|SBX_*) echo "export $v=$(q "${!v}")" ;; esac
	done
	printf 'exec'; for a in "$@"; do printf ' %s' "$(q "$a")"; done; echo
} >"$JOB/share/cmd.sh"

BIOS=(); [ -r /usr/share/qemu/qboot.rom ] && BIOS=(-bios /usr/share/qemu/qboot.rom)
status=0
timeout -k 5 "${VM_TIMEOUT:-600}" "$QEMU" "${ACCEL_ARGS[@]}" -smp 2 -m "$MEM" \
	-nodefaults -no-user-config -display none -no-reboot "${BIOS[@]}" \
	-serial "file:$JOB/console.log" -nic none \
	-kernel "$KERNEL" -initrd "$INITRD" \
	-append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev "local,id=job,path=$JOB/share,security_model=none" \
	-device virtio-9p-pci,fsdev=job,mount_tag=job \
	</dev/null >"$JOB/qemu.log" 2>&1 || status=$?

if [ ! -s "$JOB/share/rc" ]; then
	echo "vm: no exit status from the VM (qemu status $status); console:" >&2
	cat "$JOB/console.log" "$JOB/qemu.log" >&2 2>/dev/null || true
	exit 125
fi
cat "$JOB/share/out"
exit "$(cat "$JOB/share/rc")"
