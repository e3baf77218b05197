# cxl_pmu built as a module (CONFIG_CXL_PMU=m; plan-modular, the modular
# kernel loads every module from the initramfs after boot): the PMUs come
# and go with the module.  BENCH_CYCLES (kernel parameter
# bench.cpmu_cycles, default 3) rounds of rmmod and modprobe:
#
#  - loaded after the ports and devices were probed, cxl_pmu binds to
#    every CPMU: the Type 3 device's (both kernels) and, on the series,
#    the ports' (auxiliary devices pcieport.cxl_pmu.<id>);
#  - rmmod while perf counts is refused (the event holds the module);
#  - rmmod: no CXL PMU is left, the ports' CPMU devices stay, unbound, and
#    each port vector that only a CPMU used is freed;
#  - modprobe: the same PMUs under the same names, the vectors back with
#    their overflow handlers, and every port PMU counts Clock Ticks.

grep -q '^cxl_pmu ' /proc/modules || { skip setup "cxl_pmu is not a loaded module"; return; }
cycles=$(sed -n 's/.*bench\.cpmu_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
cycles=${cycles:-3}

pmus() { ls /sys/bus/event_source/devices 2>/dev/null | grep '^cxl_pmu' | sort | tr '\n' ' '; }
nvec() { ls "/sys/bus/pci/devices/$1/msi_irqs" 2>/dev/null | wc -l; }
# cpmu_only BDF: the port's vectors whose only handlers are CPMU overflows.
cpmu_only() {
	pci_irqs | awk -v b="$1" '$1 == b {
		n = split($3, a, ","); only = 1
		for (i = 1; i <= n; i++) if (a[i] !~ /^cxl_pmu_.*_overflow$/) only = 0
		if (only) print $2 }' | wc -l
}

before=$(pmus)
log "cxl_pmu PMUs: $before"
check mem-pmu "no Type 3 CPMU registered: $before" sh -c "echo '$before' | grep -q cxl_pmu_mem"
ports=
if [ "$KERNEL_LABEL" != base ]; then
	for id in crp0 us0 ds0; do
		bdf=$(bdf_of_id "$id")
		[ -n "$bdf" ] || { not_ok setup "no QEMU device $id"; return; }
		ports="$ports $bdf"
		n=0
		for a in /sys/bus/pci/devices/$bdf/pcieport.cxl_pmu.*; do
			[ -e "$a/driver" ] && n=$((n + 1))
		done
		check "$id-bound" "$id ($bdf): $n CPMU devices bound, want 1" [ "$n" -eq 1 ]
	done
fi

# rmmod while perf counts: the open event holds the module (the PMU's
# .module), so rmmod is refused and the PMU stays.
busy=$(echo $before | awk '{ print $NF }')
cpmu perf "$busy" 1500 > /tmp/cpmu-module.out 2>&1 &
pid=$!
usleep 300000
if out=$(rmmod cxl_pmu 2>&1); then
	not_ok rmmod-busy "rmmod cxl_pmu succeeded while $busy counted"
	wait "$pid"
	modprobe cxl_pmu
else
	wait "$pid"
	log "rmmod while counting on $busy: $out; reader: $(tr '\n' ' ' < /tmp/cpmu-module.out)"
	check rmmod-busy "PMUs after the refused rmmod: $(pmus)" [ "$(pmus)" = "$before" ]
	check rmmod-busy-counted "the reader: $(tr '\n' ' ' < /tmp/cpmu-module.out)" \
		grep -q '^count=[1-9]' /tmp/cpmu-module.out
fi

# Each port's CPMU interrupts on a message number of its own (tools/
# topologies/ir), so rmmod has a vector to free on every port: without
# one, "vectors-freed" below would hold for a series that frees nothing.
if [ -n "$ports" ]; then
	own=; for p in $ports; do own="$own $(cpmu_only "$p")"; done
	check cpmu-vectors-own "CPMU-only vectors per port:$own, want 1 each" [ "$(echo $own)" = "1 1 1" ]
fi

i=1
while [ "$i" -le "$cycles" ]; do
	v0=; v1=; lost=; for p in $ports; do v0="$v0 $(nvec "$p")"; lost="$lost $(cpmu_only "$p")"; done
	if ! out=$(rmmod cxl_pmu 2>&1); then
		not_ok "rmmod-$i" "$out"
		return
	fi
	left=$(pmus)
	check "rmmod-$i-pmus-gone" "still registered: $left" [ -z "$left" ]
	if [ -n "$ports" ]; then
		bound=0; n=0
		for p in $ports; do
			for a in /sys/bus/pci/devices/$p/pcieport.cxl_pmu.*; do
				[ -e "$a" ] && n=$((n + 1))
				[ -e "$a/driver" ] && bound=$((bound + 1))
			done
			v1="$v1 $(nvec "$p")"
		done
		check "rmmod-$i-devices-stay" "$n port CPMU devices ($bound bound) without cxl_pmu, want 3 unbound" \
			[ "$n" -eq 3 -a "$bound" -eq 0 ]
		log "cycle $i: vectors per port$v0, CPMU-only$lost, after rmmod$v1"
		want=$(echo $v0 $lost | awk '{ n = NF / 2; for (i = 1; i <= n; i++) printf "%d ", $i - $(i + n) }')
		check "rmmod-$i-vectors-freed" "vectors per port: $v0 before, $v1 after, want $want" \
			[ "$(echo $v1)" = "$(echo $want)" ]
	fi
	if ! out=$(modprobe cxl_pmu 2>&1); then
		not_ok "modprobe-$i" "$out"
		return
	fi
	after=$(pmus)
	check "modprobe-$i-pmus" "PMUs '$after', want '$before'" [ "$after" = "$before" ]
	v2=; for p in $ports; do v2="$v2 $(nvec "$p")"; done
	check "modprobe-$i-vectors" "vectors per port: $v2, want $v0" [ "$(echo $v2)" = "$(echo $v0)" ]
	i=$((i + 1))
done

# Counting after the last modprobe, on every port PMU and the device's.
for p in $(pmus); do
	ticks0=; ticks1=; error=
	eval "$(cpmu perf "$p" 0)"
	check "$p-counts" "ticks ${ticks0:-?} -> ${ticks1:-?} $error" \
		[ -z "$error" -a "${ticks1:-0}" -gt "${ticks0:-0}" ]
done
