# AER: errors injected by QEMU (HMP pcie_aer_inject_error) on endpoints and on
# a root port are reported by the AER service and recovery runs; the endpoint
# keeps working.  Topology "ports": ep0 (e1000e) below rp0 (00:1c.0).

rp=0000:00:1c.0
ep=$(below $rp | head -1)
[ -n "$ep" ] && [ -e "/sys/bus/pci/devices/$ep/driver" ] ||
	{ not_ok setup "no endpoint with a driver below $rp"; return; }
sysdev=/sys/bus/pci/devices/$ep

# aer_count BDF FILE NAME: the counter NAME in aer_dev_{correctable,nonfatal,fatal},
# or, with NAME "-", the single number in FILE (aer_rootport_total_err_*).
aer_count() {
	if [ "$3" = - ]; then cat "/sys/bus/pci/devices/$1/$2"
	else awk -v n="$3" '$1 == n { print $2 }' "/sys/bus/pci/devices/$1/$2"; fi
}

# inject NAME QEMU-ID FLAGS STATUS COUNTER-FILE COUNTER DEV EXPECT-REGEX
inject() {
	local name=$1 id=$2 flags=$3 status=$4 file=$5 counter=$6 dev=$7 re=$8 before mark
	before=$(aer_count "$dev" "$file" "$counter")
	mark=$(dmesg_mark)
	if ! hmp "pcie_aer_inject_error $flags $id $status"; then
		not_ok "$name" "injection refused by QEMU: $HOST_OUT"; return 1
	fi
	if ! wait_for 10 dmesg_has "$mark" "$re"; then
		not_ok "$name" "no '$re' in the kernel log"; return 1
	fi
	counter_grew() { [ "$(aer_count "$dev" "$file" "$counter")" -gt "$before" ]; }
	wait_for 5 counter_grew || { not_ok "$name" "$file $counter did not increase from $before"; return 1; }
	ok "$name"
}

usable() {	# the endpoint answers config reads and keeps its driver
	[ "$(cat "$sysdev/vendor")" = 0x8086 ] && [ -e "$sysdev/driver" ] &&
	[ "$(hexdump -n 2 -e '1/2 "%04x"' "$sysdev/config")" = 8086 ]
}

# Correctable: Receiver Error (bit 0).
inject ep-correctable ep0 -c 0x1 aer_dev_correctable RxErr "$ep" \
	"AER: Correctable error message received from $ep|$ep.*AER: Correctable"
# Uncorrectable non-fatal: Completion Timeout (bit 14, non-fatal by default).
mark=$(dmesg_mark)
inject ep-nonfatal ep0 "" 0x4000 aer_dev_nonfatal CmpltTO "$ep" \
	"$ep.*(Uncorrectable \(Non-Fatal\)|Non-Fatal)"
check nonfatal-recovered "no successful recovery after the non-fatal error" \
	wait_for 15 dmesg_has "$mark" "$rp: AER: device recovery successful"
check usable-after-nonfatal "endpoint not usable after recovery" usable
# Uncorrectable fatal: Data Link Protocol Error (bit 4, fatal by default).
mark=$(dmesg_mark)
# The endpoint's AER registers are not read after a fatal error (the link is
# considered down): the Root Port's fatal count tells that it was received.
inject ep-fatal ep0 "" 0x10 aer_rootport_total_err_fatal - "$rp" \
	"AER: Uncorrectable \(Fatal\) error message received from $ep"
check fatal-recovered "no successful recovery after the fatal error" \
	wait_for 15 dmesg_has "$mark" "$rp: AER: device recovery successful"
check usable-after-fatal "endpoint not usable after recovery" wait_for 5 usable
# On the root port itself.
inject rp-correctable rp0 -c 0x1 aer_dev_correctable RxErr "$rp" \
	"AER: Correctable error message received from $rp|$rp.*AER: Correctable"
