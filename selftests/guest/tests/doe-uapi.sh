# doe-uapi: the fwctl interface of DOE mailboxes (/dev/fwctl/fwctlN of each
# PCI function with mailboxes), user space's way into the kernel's DOE
# mailbox queues (the series).  First the series' kselftest
# (tools/testing/selftests/pci_doe, in /kselftest): FWCTL_INFO and DOE
# Discovery of each mailbox equal doe_features, CDAT through fwctl equals
# the CXL CDAT attributes, hostile requests get their documented errno and
# leave the mailbox usable, truncation shows the full length, privileges,
# claimed features, two processes at once, and the removal of a Type 3
# device (PCI_DOE_TEST_REMOVE) while a process exchanges with it, then a
# rescan.  Then the kernel and user space share the mailboxes: user space
# reads the CDAT of every CXL endpoint through fwctl (pci-doe) in a loop
# while the kernel re-reads it (cxl_mem unbind and bind of each memdev);
# every read on either side must give the table.  Last, runtime PM: a
# runtime-suspended function is woken by exchanges and stays usable.
# Emits no facts: the base kernel has no such interface and skips this test.
series_only || return 0

# The kernel reads an endpoint's CDAT when cxl_mem binds to its memdev
# and creates the endpoint port; the memdev is a child of the PCI device.
mem_bdf() { basename "$(dirname "$(readlink -f "/sys/bus/cxl/devices/$1")")"; }
mem_cdat() {	# MEMDEV: the CDAT attribute of its endpoint
	local e
	for e in /sys/bus/cxl/devices/endpoint*; do
		[ "$(basename "$(readlink -f "$e/uport")")" = "$1" ] && cat "$e/CDAT" && return
	done
	return 1
}
two_cdat_mems() {	# both memdevs are back, each with its endpoint's CDAT
	local m n=0
	for m in /sys/bus/cxl/devices/mem*; do
		[ -e "$m" ] || continue
		mem_cdat "${m##*/}" 2>/dev/null | head -c 1 | grep -q . && n=$((n + 1))
	done
	[ "$n" -eq 2 ]
}

kst=/kselftest/pci_doe/pci_doe_test
[ -x "$kst" ] || { not_ok setup "$kst missing: not in the kernel's tree?"; return; }
first=$(ls -d /sys/bus/cxl/devices/mem* 2>/dev/null | head -n 1)
victim=${first:+$(mem_bdf "${first##*/}")}
[ -n "$victim" ] || log "doe-uapi: no CXL memdev, the kselftest's removal case skips"
mark=$(dmesg_mark)
PCI_DOE_TEST_REMOVE=$victim "$kst" > /tmp/kst.out 2>&1
rc=$?
ktap_results /tmp/kst.out
check results "no KTAP results from $kst" [ "$nres" -gt 0 ]
if [ "$rc" -eq 0 ]; then ok exit-code
else
	not_ok exit-code "$kst exited with $rc: $(tail -n 3 /tmp/kst.out | tr '\n' ' ')"
	# The kselftest's diagnostics, for the console log
	grep -E '^#' /tmp/kst.out | tail -n 30 | while IFS= read -r l; do
		echo "doe-uapi: $l" > /dev/kmsg
	done
fi
# The removed function came back with the rescan: a memdev with a CDAT again.
check rescan "the CXL memdevs are not back with their CDAT after the rescan of $victim" \
	wait_for 20 two_cdat_mems

no_endpoint() { ! mem_cdat "$1" > /dev/null 2>&1; }
same_cdat() { mem_cdat "$1" > /tmp/kernel.cdat 2>/dev/null && cmp -s /tmp/kernel.cdat "/tmp/ref.$1"; }

mems=
for m in /sys/bus/cxl/devices/mem*; do
	m=${m##*/}
	mem_cdat "$m" > "/tmp/ref.$m" 2>/dev/null && [ -s "/tmp/ref.$m" ] && mems="$mems $m"
done
set -- $mems
check endpoints "expected 2 CXL memdevs with CDAT, found $#:$mems" [ $# -eq 2 ]

# user_loop: CDAT of every memdev's device through fwctl (pci-doe) until
# /tmp/stop; writes "reads failures" to /tmp/loop.res.
user_loop() {
	local n=0 bad=0 m
	while [ ! -e /tmp/stop ]; do
		for m in $mems; do
			if pci-doe cdat "$(mem_bdf "$m")" > /tmp/loop.out 2>&1 &&
			   cmp -s /tmp/loop.out "/tmp/ref.$m"; then :
			else bad=$((bad + 1)); cp /tmp/loop.out /tmp/loop.bad; fi
			n=$((n + 1))
		done
	done
	echo "$n $bad" > /tmp/loop.res
}
rm -f /tmp/stop /tmp/loop.res
user_loop &
loop=$!

drv=/sys/bus/cxl/drivers/cxl_mem
rebinds=0 kbad=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	for m in $mems; do
		# The endpoint goes away, and comes back, after the writes return.
		echo "$m" > "$drv/unbind" && wait_for 5 no_endpoint "$m" &&
			echo "$m" > "$drv/bind" && wait_for 5 same_cdat "$m" ||
			{ kbad=$((kbad + 1)); log "doe-uapi: rebind of $m failed or CDAT differs"; }
		rebinds=$((rebinds + 1))
	done
done
touch /tmp/stop
wait "$loop"
read -r reads ubad < /tmp/loop.res
log "doe-uapi: $reads user CDAT reads during $rebinds kernel re-reads"
check kernel-reads "$kbad of $rebinds kernel CDAT re-reads failed or differ" [ "$kbad" -eq 0 ]
check user-reads "$ubad of $reads user CDAT reads failed or differ: $(head -c 200 /tmp/loop.bad 2>/dev/null)" \
	test "$reads" -gt 0 -a "$ubad" -eq 0
# Runtime PM: an exchange holds the function awake and leaves its mailbox
# alive.  Unbound, with power/control "auto", a PCI function runtime-
# suspends at once (the PCI core keeps an unbound function in D0, but the
# port above may then suspend and cut it off; an exchange must resume the
# path, as config accesses through sysfs do).  Its active time
# (power/runtime_active_time, ms) must stand still while it idles and grow
# while exchanges run, each exchange must give the CDAT, and the function
# must be suspended again afterwards.  Without the DOE core's runtime PM
# reference the exchanges would run on a "suspended" function and the
# active time would not grow.
pm_status() { cat "$1/power/runtime_status"; }
is_suspended() { [ "$(pm_status "$1")" = suspended ]; }
m=$1
bdf=$(mem_bdf "$m")
pdev=/sys/bus/pci/devices/$bdf
pmdrv=$(basename "$(readlink -f "$pdev/driver")")
if [ -z "$bdf" ] || [ "$pmdrv" != cxl_pci ]; then
	not_ok runtime-pm-setup "no memdev function bound to cxl_pci (memdev ${m:-none}, driver ${pmdrv:-none})"
else
	echo "$bdf" > /sys/bus/pci/drivers/cxl_pci/unbind
	echo auto > "$pdev/power/control"
	if wait_for 5 is_suspended "$pdev"; then
		ok runtime-pm-suspends
		log "doe-uapi: $bdf runtime-suspended, its port $(basename "$(readlink -f "$pdev/..")") is $(pm_status "$pdev/..")"
		t0=$(cat "$pdev/power/runtime_active_time")
		sleep 1
		t1=$(cat "$pdev/power/runtime_active_time")
		n=0 bad=0
		while [ $n -lt 50 ]; do
			pci-doe cdat "$bdf" > /tmp/pm.out 2>&1 && cmp -s /tmp/pm.out "/tmp/ref.$m" ||
				bad=$((bad + 1))
			n=$((n + 1))
		done
		t2=$(cat "$pdev/power/runtime_active_time")
		log "doe-uapi: active time of $bdf: ${t0} ms, ${t1} ms after 1 s idle, ${t2} ms after $n CDAT reads"
		check runtime-pm-idle "active time grew from $t0 to $t1 ms while idle" [ "$t1" -eq "$t0" ]
		check runtime-pm-exchanges "$bad of $n CDAT reads of a runtime-suspended $bdf failed or differ" \
			[ "$bad" -eq 0 ]
		check runtime-pm-wakes "active time $t1 -> $t2 ms over $n CDAT reads: exchanges did not resume $bdf" \
			[ "$t2" -gt "$t1" ]
		check runtime-pm-resuspends "$bdf is $(pm_status "$pdev") after the exchanges" \
			wait_for 5 is_suspended "$pdev"
		check runtime-pm-mailbox "Discovery of $bdf fails after the exchanges" \
			pci-doe list "$bdf" > /dev/null
	else
		not_ok runtime-pm-suspends "$bdf stays $(pm_status "$pdev") unbound with power/control auto"
	fi
	echo on > "$pdev/power/control"
	echo "$bdf" > /sys/bus/pci/drivers/cxl_pci/bind
	check runtime-pm-rebind "the CXL memdevs are not back with their CDAT after binding $bdf again" \
		wait_for 20 two_cdat_mems
fi

warned=$(dmesg_since "$mark" | grep -E 'WARNING|BUG|DOE failed|Failed to read/validate CDAT' |
	head -n 3 | tr '\n' ' ')
check no-errors "kernel log: $warned" [ -z "$warned" ]
