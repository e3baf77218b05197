# Suspend to RAM and resume while perf counts on a port's CXL PMU (the
# series: crp0's CPMU, an auxiliary device of the port).  The wakeup resets
# the port, and with it the CPMU's counters (QEMU's wakeup resets every
# device; firmware does much the same to a port).  cxl_pmu stops the
# port's counting events before the port suspends and programs them again
# after it resumed: the count goes on from where it was, with no jump (a
# counter read after the reset, without that, adds 2^48 minus the old
# value) and keeps growing after the resume.  The Type 3 devices are
# unbound from cxl_mem meanwhile (the kernel does not suspend to RAM with
# CXL memory active).
#
# The sleep itself runs on both kernels, so that the base's debug kernel
# makes the same resume (and any lockdep report of it) as the series', and
# the ports' services after it are facts compared with the base.  QEMU's
# wakeup resets the switch, and pciehp on its downstream ports may take the
# Type 3 devices for replaced cards and remove them (on the base as on the
# series, depending on timing): they are bound to cxl_mem again only if
# they are still there.  Topology "cxl".
grep -qw mem /sys/power/state || { not_ok setup "no 'mem' in /sys/power/state"; return 0; }
need_ids port=crp0 || return 0
counting=
if [ "$KERNEL_LABEL" != base ]; then
	pmu=cxl_pmu_port_$(echo "$port" | tr : _).0
	[ -e "/sys/bus/event_source/devices/$pmu" ] || { not_ok setup "no PMU $pmu"; return 0; }
	counting=y
fi

# The kernel refuses suspend to RAM while cxl_mem drives a memory device
# (cxl_mem_active(): CXL memory does not survive it): unbind them for the
# test, bind again after it those that are still there.
mems=
for m in /sys/bus/cxl/drivers/cxl_mem/mem*; do
	[ -e "$m" ] || continue
	mems="$mems ${m##*/}"
	echo "${m##*/}" > /sys/bus/cxl/drivers/cxl_mem/unbind
done
rebind_mems() {
	local m
	for m in $mems; do
		[ -e "/sys/bus/cxl/devices/$m" ] || continue
		echo "$m" > /sys/bus/cxl/drivers/cxl_mem/bind ||
			not_ok rebind "$m could not be bound to cxl_mem again"
	done
}
# The ports' PCIe services (the series' CPMUs left out: the base has none)
# as facts; the memory devices (PCI class 0x050210) logged: whether pciehp
# takes them for replaced cards depends on timing.
state() {
	local d m=
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/class")" = 0x050210 ] && m="$m ${d##*/}"
	done
	log "memory devices $1 the sleep:${m:- none}"
	port_services | grep -v ' cxl_pmu ' | sort | while read -r p s drv; do
		fact cpmu-suspend "$1" "$p" "$s" "$([ "$drv" = - ] && echo unbound || echo bound)"
	done
}
state before

out=/tmp/cpmu-suspend.out
if [ -n "$counting" ]; then
	# 12 s of counting, the sleep not included: the sleep must fall
	# inside it also on the debug kernel, where the host requests and
	# the suspend before it take seconds (with 6 s, the sampler ended
	# before the sleep there: no gap in its samples).
	cpmu hold "$pmu" 12000 > "$out" 2>&1 &
	pid=$!
	usleep 1500000
fi
mark=$(dmesg_mark)
# The wakeup 6 s after the request, so that the sleep lasts seconds
# also where suspending is slow.  QEMU refuses a wakeup that comes
# before the guest reaches S3: the later ones wake a guest that got
# there late, and are refused by one that runs again.
host later 6 qmp '{"execute": "system_wakeup"}' &&
	host later 20 qmp '{"execute": "system_wakeup"}' &&
	host later 45 qmp '{"execute": "system_wakeup"}' || {
	not_ok setup "host cannot schedule the wakeup: $HOST_OUT"
	[ -n "$counting" ] && kill "$pid"
	rebind_mems
	return 0
}
if echo mem > /sys/power/state; then ok suspend-resume
else not_ok suspend-resume "echo mem > /sys/power/state failed"; fi
check suspended "no 'PM: suspend exit' in the kernel log" dmesg_has "$mark" "PM: suspend exit"
[ -n "$counting" ] && wait "$pid"
# pciehp's removals after the resume run in its IRQ threads: let them end.
usleep 2000000
state after
rebind_mems
[ -n "$counting" ] || return 0
grep -q '^error=' "$out" && { not_ok counting "$(cat "$out")"; return 0; }

# The sleep is the longest gap between two samples.
verdict=$(cpmu_across "$out")
log "$pmu across the sleep: $verdict"
check slept-while-counting "no gap of 2 s between samples: $verdict" [ "$(cpmu_val "$verdict" gap_ms)" -ge 2000 ]
cpmu_check_across "" "$verdict"
