# A fatal error of the CXL switch upstream port us0 while perf counts on
# the CPMUs of us0 and of the root port crp0 above it (the series: port
# CPMUs are auxiliary devices of their ports).  AER's recovery resets the
# link below crp0 (a secondary bus reset), which resets the switch's ports
# and the memory devices below them, and with them us0's CPMU, not crp0's.
# cxl_pmu stops the events of us0's CPMU when the recovery reports the
# error to the port and programs them again when the recovery resumes it:
# the count goes on, with no jump (a counter read after the reset, without
# that, adds 2^48 minus the old value), as does crp0's.  The recovery
# itself (its messages, the services and the memory devices afterwards)
# runs on both kernels and is compared with the base as facts.  (An error
# of a downstream port resets only the link below that port, not the port
# and its CPMU.)  Topology "cxl".
need_ids rp=crp0 usp=us0 || return 0
pmu_of() { echo "cxl_pmu_port_$(echo "$1" | tr : _).0"; }
counting=
if [ "$KERNEL_LABEL" != base ]; then
	counting=y
	for p in "$rp" "$usp"; do
		[ -e "/sys/bus/event_source/devices/$(pmu_of "$p")" ] ||
			{ not_ok setup "no PMU $(pmu_of "$p")"; return 0; }
	done
fi

# What the recovery leaves: the memory devices (PCI class 0x050210) bound
# or not, the ports' PCIe services (the series' CPMUs left out).
state() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/class")" = 0x050210 ] || continue
		fact cpmu-aer "$1" memdev "${d##*/}" "$([ -e "$d/driver" ] && echo bound || echo unbound)"
	done
	port_services | grep -v ' cxl_pmu ' | sort | while read -r p s drv; do
		fact cpmu-aer "$1" "$p" "$s" "$([ "$drv" = - ] && echo unbound || echo bound)"
	done
}
state before

if [ -n "$counting" ]; then
	# 6 s of counting; the error comes at about 1.5 s.
	cpmu hold "$(pmu_of "$usp")" 6000 > /tmp/cpmu-aer.usp 2>&1 &
	pid_usp=$!
	cpmu hold "$(pmu_of "$rp")" 6000 > /tmp/cpmu-aer.rp 2>&1 &
	pid_rp=$!
	usleep 1500000
fi
mark=$(dmesg_mark)
# Uncorrectable fatal: Data Link Protocol Error (bit 4, fatal by default).
if hmp "pcie_aer_inject_error us0 0x10"; then ok inject
else not_ok inject "injection refused by QEMU: $HOST_OUT"; fi
recovered() { dmesg_has "$mark" "$rp: AER: device recovery (successful|failed)"; }
check recovery-done "no end of the recovery in the kernel log" wait_for 20 recovered
# The outcome and the AER lines of the recovery, without time stamps and
# with the devices' bound drivers' messages left out (cxl_pci's differ by
# what the memory devices hold): the same on both kernels.
dmesg_since "$mark" | sed 's/^\[[^]]*\] //' | grep -E '^pcieport .*AER: ' |
	grep -v -E 'AER: +\[|AER: +device \[' | sort -u |
	while IFS= read -r m; do fact cpmu-aer log "$m"; done
# cxl_pci binds the memory devices again after the recovery.
usleep 2000000
state after
[ -n "$counting" ] || return 0
wait "$pid_usp" "$pid_rp"

for p in usp rp; do
	out=/tmp/cpmu-aer.$p
	grep -q '^error=' "$out" && { not_ok "$p-counting" "$(cat "$out")"; continue; }
	# The error comes after 1.5 s: the steps of the first second are before it.
	verdict=$(cpmu_across "$out" 1000)
	log "$p ($(eval echo \$$p)) across the recovery: $verdict"
	cpmu_check_across "$p-" "$verdict"
done
