# DOE claim: the PCI core claims every DOE mailbox's config range for the
# kernel.  A user-space config write into it, through sysfs "config" or
# /proc/bus/pci, is reported once per device and taints the kernel
# (TAINT_USER); with pci=config_exclusive_strict it is refused and changes
# nothing.  Reads of the range, and writes elsewhere, are never affected.
#
# Registers written: the DOE Control register (PCIe r6.0 sec 7.9.24.3), with
# the value it reads (no Abort, no Go) and, in strict mode only, with DOE
# Interrupt Enable set, which must not reach the device; and, elsewhere, the
# Cache Line Size and Latency Timer (0x0c), rewritten with their own value.
# Emits no facts: the base kernel skips this test.
series_only || return 0

PCI_EXT_CAP_ID_DOE=$((0x2e))
DOE_CTRL=8		# DOE Control register, from the capability
DOE_CTRL_INT_EN=2	# DOE Interrupt Enable
CLS=$((0x0c))		# Cache Line Size + Latency Timer
TAINT_USER=6

# proc_file BDF: the device's /proc/bus/pci file (domain 0 only).
proc_file() {
	local b=${1#*:}
	echo "/proc/bus/pci/${b%%:*}/${b#*:}"
}

# proc_write16 BDF OFFSET VALUE: a 16-bit config write through /proc/bus/pci.
proc_write16() {
	printf "\\$(printf %03o $(($3 & 255)))\\$(printf %03o $((($3 >> 8) & 255)))" |
		dd of="$(proc_file "$1")" bs=2 seek=$(($2 / 2)) count=1 \
		conv=notrunc 2>/dev/null
}

# proc_cfg BDF OFFSET SIZE: a config register read through /proc/bus/pci.
proc_cfg() { hexdump -s "$2" -n "$3" -e "1/$3 \"%u\"" "$(proc_file "$1")"; }

tainted_user() { [ $(($(cat /proc/sys/kernel/tainted) >> TAINT_USER & 1)) -eq 1 ]; }

# reports MARK BDF: how many write reports (or refusals) for BDF since MARK.
reports() {
	dmesg_since "$1" | grep -c -E "$2: .*(Unexpected|Refused) write to kernel-exclusive config"
}

doe_devs=
for d in /sys/bus/pci/devices/*; do
	[ -d "$d/doe_features" ] && doe_devs="$doe_devs ${d##*/}"
done
set -- $doe_devs
if [ $# -lt 3 ]; then
	not_ok setup "expected 3 devices with DOE mailboxes, found $#:$doe_devs"
	return 0
fi
d1=$1 d2=$2 d3=$3
doe1=$(ecap "$d1" $PCI_EXT_CAP_ID_DOE)
doe2=$(ecap "$d2" $PCI_EXT_CAP_ID_DOE)
doe3=$(ecap "$d3" $PCI_EXT_CAP_ID_DOE)
log "DOE mailboxes: $d1@$doe1 $d2@$doe2 $d3@$doe3"
ctrl1=$(cfg "$d1" $((doe1 + DOE_CTRL)) 2)
ctrl2=$(cfg "$d2" $((doe2 + DOE_CTRL)) 2)
cls1=$(cfg "$d1" $CLS 2)
cls3=$(cfg "$d3" $CLS 2)

# Reads of the claimed range work, through both interfaces.
check read-sysfs "$d1: DOE capability header not readable through sysfs" \
	[ $(($(cfg "$d1" "$doe1" 4) & 0xffff)) -eq $PCI_EXT_CAP_ID_DOE ]
check read-proc "$d1: DOE capability header not readable through /proc/bus/pci" \
	[ $(($(proc_cfg "$d1" "$doe1" 4) & 0xffff)) -eq $PCI_EXT_CAP_ID_DOE ]
check read-range "$d1: the DOE registers do not read as 24 bytes through sysfs" \
	[ "$(hexdump -s "$doe1" -n 24 -v -e '1/1 "x"' "/sys/bus/pci/devices/$d1/config" | wc -c)" -eq 24 ]

if grep -q -E 'pci=([^ ]*,)?config_exclusive_strict' /proc/cmdline; then
	# Strict mode: writes into the mailbox are refused and change nothing.
	mark=$(dmesg_mark)
	check strict-sysfs-refused "$d1: a sysfs write into the DOE mailbox succeeded" \
		eval '! cfg_write16 "$d1" $((doe1 + DOE_CTRL)) $((ctrl1 | DOE_CTRL_INT_EN))'
	now=$(cfg "$d1" $((doe1 + DOE_CTRL)) 2)
	check strict-sysfs-unchanged "$d1: DOE Control changed from $ctrl1 to $now" [ "$now" = "$ctrl1" ]
	[ "$now" = "$ctrl1" ] || cfg_write16 "$d1" $((doe1 + DOE_CTRL)) "$ctrl1"
	check strict-proc-refused "$d2: a /proc/bus/pci write into the DOE mailbox succeeded" \
		eval '! proc_write16 "$d2" $((doe2 + DOE_CTRL)) $((ctrl2 | DOE_CTRL_INT_EN))'
	now=$(cfg "$d2" $((doe2 + DOE_CTRL)) 2)
	check strict-proc-unchanged "$d2: DOE Control changed from $ctrl2 to $now" [ "$now" = "$ctrl2" ]
	[ "$now" = "$ctrl2" ] || proc_write16 "$d2" $((doe2 + DOE_CTRL)) "$ctrl2"
	check strict-report "$d1: refusal not reported in dmesg" dmesg_has "$mark" \
		"$d1: .*Refused write to kernel-exclusive config"
	check strict-proc-report "$d2: refusal not reported in dmesg" dmesg_has "$mark" \
		"$d2: .*Refused write to kernel-exclusive config"
	cfg_write16 "$d1" $((doe1 + DOE_CTRL)) "$ctrl1"
	n=$(reports "$mark" "$d1")
	check strict-report-once "$d1: refusals reported $n times, expected once per device" [ "$n" -eq 1 ]
	check strict-no-taint "refused writes tainted the kernel" eval '! tainted_user'
	check strict-elsewhere-sysfs "$d1: sysfs write to 0x0c failed" cfg_write16 "$d1" $CLS "$cls1"
	check strict-elsewhere-proc "$d3: /proc/bus/pci write to 0x0c failed" proc_write16 "$d3" $CLS "$cls3"
	check strict-elsewhere-silent "$d3: write outside the DOE mailbox reported" \
		[ "$(reports "$mark" "$d3")" -eq 0 ]
	return 0
fi

# Default: writes into the mailbox go through, reported once per device,
# and taint.
check untainted-before "TAINT_USER already set before the test" eval '! tainted_user'
mark=$(dmesg_mark)
check sysfs-write "$d1: sysfs write into the DOE mailbox failed" \
	cfg_write16 "$d1" $((doe1 + DOE_CTRL)) "$ctrl1"
check sysfs-report "$d1: sysfs write into the DOE mailbox not reported in dmesg" \
	dmesg_has "$mark" "$d1: .*Unexpected write to kernel-exclusive config"
check taint "TAINT_USER not set after a write into a DOE mailbox" tainted_user
check sysfs-write-again "$d1: second sysfs write into the DOE mailbox failed" \
	cfg_write16 "$d1" $((doe1 + DOE_CTRL)) "$ctrl1"
check proc-write-same-dev "$d1: /proc/bus/pci write into the DOE mailbox failed" \
	proc_write16 "$d1" $((doe1 + DOE_CTRL)) "$ctrl1"
n=$(reports "$mark" "$d1")
check report-once "$d1: reported $n times, expected once per device" [ "$n" -eq 1 ]
check proc-write "$d2: /proc/bus/pci write into the DOE mailbox failed" \
	proc_write16 "$d2" $((doe2 + DOE_CTRL)) "$ctrl2"
check proc-report "$d2: /proc/bus/pci write into the DOE mailbox not reported in dmesg" \
	dmesg_has "$mark" "$d2: .*Unexpected write to kernel-exclusive config"
check unchanged "$d1: DOE Control changed by rewriting its value" \
	[ "$(cfg "$d1" $((doe1 + DOE_CTRL)) 2)" = "$ctrl1" ]

# Writes elsewhere on a device not reported yet: not reported.
check elsewhere-sysfs "$d3: sysfs write to 0x0c failed" cfg_write16 "$d3" $CLS "$cls3"
check elsewhere-proc "$d3: /proc/bus/pci write to 0x0c failed" proc_write16 "$d3" $CLS "$cls3"
check elsewhere-silent "$d3: write outside the DOE mailbox reported" \
	[ "$(reports "$mark" "$d3")" -eq 0 ]
check elsewhere-value "$d3: 0x0c changed by rewriting its value" [ "$(cfg "$d3" $CLS 2)" = "$cls3" ]

