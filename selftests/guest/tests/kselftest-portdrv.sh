# kselftest-portdrv: the series' kselftest of the port services
# (tools/testing/selftests/pcie_portdrv, copied into /kselftest by
# tools/mkinitramfs from the tree of the kernel under test) with 100
# unbind/bind cycles of every service of every port.  Each of its KTAP
# results becomes a result; its exit code must be 0, the kernel must not
# warn, and the slab memory must not grow beyond a small bound.
kst=/kselftest/pcie_portdrv/port_services.sh
# bench.kst_cycles=N on the kernel command line: fewer cycles (debug kernels)
cycles=$(sed -n 's/.*bench\.kst_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
cycles=${cycles:-100}
[ -x "$kst" ] || { not_ok setup "$kst missing: not in the kernel's tree?"; return; }

# On the base (a kernel without the series) it must skip, not fail: exit
# code 4 (KSFT_SKIP), and every result a skip.
if [ "$KERNEL_LABEL" = base ]; then
	"$kst" -c 1 > /tmp/kst.out 2>&1
	rc=$?
	check skips-on-base "exit code $rc, not 4 (KSFT_SKIP): $(tail -n 2 /tmp/kst.out | tr '\n' ' ')" [ "$rc" -eq 4 ]
	check only-skips-on-base "results other than skips: $(grep -E '^(not )?ok ' /tmp/kst.out | grep -v '# SKIP' | head -n 2 | tr '\n' ' ')" \
		sh -c "! grep -E '^(not )?ok ' /tmp/kst.out | grep -qv '# SKIP'"
	return
fi

# Without -c it only looks: every unbind/bind result is a skip.
"$kst" > /tmp/kst.out 2>&1
rc=$?
check look-only "without -c: exit code $rc or an unbind/bind that ran" \
	sh -c "[ $rc -eq 0 ] && ! grep -E '^(not )?ok .*unbind/bind' /tmp/kst.out | grep -qv '# SKIP'"

# slab_kb FIELD: Slab or SUnreclaim from /proc/meminfo, in kB
slab_kb() { awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo; }

mark=$(dmesg_mark)
# One cycle first: the first unbind/bind of each service grows the slab by
# about 100 kB for good (sysfs and kernfs objects, caches); not a leak.
"$kst" -c 1 > /dev/null 2>&1
slab0=$(slab_kb Slab)
unrec0=$(slab_kb SUnreclaim)
"$kst" -c $cycles > /tmp/kst.out 2>&1
rc=$?
slab1=$(slab_kb Slab)
unrec1=$(slab_kb SUnreclaim)

ktap_results /tmp/kst.out
check results "no KTAP results from $kst" [ "$nres" -gt 0 ]
if [ "$rc" -eq 0 ]; then ok exit-code
else not_ok exit-code "$kst exited with $rc: $(tail -n 3 /tmp/kst.out | tr '\n' ' ')"; fi

# "refcount_t:" rather than "refcount": pciehp's probe of an empty slot
# logs "pci_bus 0000:05: dev feff, dec refcount to 0" (slot.c, debug).
warned=$(dmesg_since "$mark" | grep -E 'WARNING|BUG|refcount_t|use-after' |
	head -n 3 | tr '\n' ' ')
check no-warnings "kernel log: $warned" [ -z "$warned" ]

# Slab bounds.  Measured on the series kernel, topology "ports" (5 ports,
# 16 services: 100 cycles are 1600 unbinds and binds), after the cycle
# above and the plan's earlier tests, over consecutive 100-cycle runs:
# Slab +56, +40, +16, +0, +0, +0 kB, all of it reclaimable (sysfs dentries
# and inodes settling); SUnreclaim, where a leaked kmalloc object would
# show, +0 kB every time.  Slab may grow 128 kB (twice the worst seen; a
# leak of 80 bytes per bind fails it), SUnreclaim 32 kB (a few slab pages
# of noise; a leak of 32 bytes per bind adds 50 kB and fails it).
# Leaks below that are kmemleak's job (the debug config).
grew=$((slab1 - slab0))
ugrew=$((unrec1 - unrec0))
log "slab: $slab0 kB before, $slab1 kB after $cycles cycles (+$grew kB); unreclaimable $unrec0 -> $unrec1 kB (+$ugrew kB)"
# KASAN's quarantine keeps freed objects allocated for a while: no bound
# holds there, and kmemleak (on in the debug config) checks leaks instead.
if dmesg | grep -q 'KernelAddressSanitizer initialized'; then
	skip slab "KASAN quarantines freed objects; kmemleak checks leaks"
	skip slab-unreclaimable "KASAN quarantines freed objects; kmemleak checks leaks"
	return
fi
check slab "Slab grew by $grew kB (> 128 kB) over $cycles cycles" [ "$grew" -le 128 ]
check slab-unreclaimable "SUnreclaim grew by $ugrew kB (> 32 kB) over $cycles cycles" [ "$ugrew" -le 32 ]
