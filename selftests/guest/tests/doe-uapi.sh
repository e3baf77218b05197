# doe-uapi: /dev/pci-doe, user space's way into the kernel's DOE mailbox
# queues (the series).  First the series' kselftest
# (tools/testing/selftests/pci_doe, in /kselftest): Discovery and CDAT
# through /dev/pci-doe equal doe_features and the CXL CDAT attributes, bad
# requests get their errno and leave the mailbox usable, no CAP_SYS_ADMIN
# no access, two processes at once.  Then the kernel and user space share
# the mailboxes: user space reads the CDAT of every CXL endpoint through
# /dev/pci-doe in a loop while the kernel re-reads it (cxl_mem unbind and
# bind of each memdev); every read on either side must give the table.
# Emits no facts: the base kernel has no /dev/pci-doe and skips this test.
series_only || return 0

kst=/kselftest/pci_doe/pci_doe_test
[ -x "$kst" ] || { not_ok setup "$kst missing: not in the kernel's tree?"; return; }
mark=$(dmesg_mark)
"$kst" > /tmp/kst.out 2>&1
rc=$?
ktap_results /tmp/kst.out
check results "no KTAP results from $kst" [ "$nres" -gt 0 ]
if [ "$rc" -eq 0 ]; then ok exit-code
else not_ok exit-code "$kst exited with $rc: $(tail -n 3 /tmp/kst.out | tr '\n' ' ')"; fi

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

no_endpoint() { ! mem_cdat "$1" > /dev/null 2>&1; }
same_cdat() { mem_cdat "$1" > /tmp/kernel.cdat 2>/dev/null && cmp -s /tmp/kernel.cdat "/tmp/ref.$1"; }

mems=
for m in /sys/bus/cxl/devices/mem*; do
	m=${m##*/}
	mem_cdat "$m" > "/tmp/ref.$m" 2>/dev/null && [ -s "/tmp/ref.$m" ] && mems="$mems $m"
done
set -- $mems
check endpoints "expected 2 CXL memdevs with CDAT, found $#:$mems" [ $# -eq 2 ]

# user_loop: CDAT of every memdev's device through /dev/pci-doe until
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
warned=$(dmesg_since "$mark" | grep -E 'WARNING|BUG|DOE failed|Failed to read/validate CDAT' |
	head -n 3 | tr '\n' ' ')
check no-errors "kernel log: $warned" [ -z "$warned" ]
