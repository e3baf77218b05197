# Unbinding a port's CXL PMU while perf counts on it (the series: the
# CPMU is an auxiliary device of the port, cxl_pmu binds to it).  The
# driver's remove unregisters the PMU with an event open: perf revokes
# the event (the reader sees the count end, not a crash), the event's
# runtime-PM reference on the port is dropped, the vector is freed, and
# binding again brings a PMU that counts.  BENCH_CYCLES rounds (kernel
# parameter bench.cpmu_cycles, default 3); under the debug kernel
# (selftests/plan-debug) KASAN and lockdep watch the same path.
series_only || return 0

cycles=$(sed -n 's/.*bench\.cpmu_cycles=\([0-9]*\).*/\1/p' /proc/cmdline)
cycles=${cycles:-3}
need_ids port=crp0 || return 0
a=
for d in /sys/bus/pci/devices/$port/pcieport.cxl_pmu.*; do [ -e "$d" ] && { a=${d##*/}; break; }; done
[ -n "$a" ] || { not_ok setup "no CPMU auxiliary device below $port"; return; }
drv=/sys/bus/auxiliary/drivers/cxl_pmu.port
pmu=cxl_pmu_port_$(echo "$port" | tr : _).0
nvec() { ls "/sys/bus/pci/devices/$1/msi_irqs" 2>/dev/null | wc -l; }
usage() { cat "/sys/bus/pci/devices/$port/power/runtime_usage" 2>/dev/null || echo -; }

i=1
while [ "$i" -le "$cycles" ]; do
	v0=$(nvec "$port")
	u0=$(usage)
	# Count with an open event, waiting up to 20 s for an overflow that
	# does not come (48-bit counters): the unbind ends the wait.
	cpmu perf "$pmu" 20000 > /tmp/cpmu-busy.out 2>&1 &
	pid=$!
	usleep 300000
	u1=$(usage)
	echo "$a" > "$drv/unbind"
	n=0
	while [ -d "/proc/$pid" ] && [ "$n" -lt 100 ]; do usleep 100000; n=$((n + 1)); done
	if [ -d "/proc/$pid" ]; then
		not_ok "cycle-$i-reader-returns" "the perf reader still waits 10 s after the unbind"
		kill -9 "$pid"
	else
		ok "cycle-$i-reader-returns"
	fi
	wait "$pid" 2>/dev/null
	log "cycle $i: $(tr '\n' ' ' < /tmp/cpmu-busy.out); runtime_usage $u0 -> $u1 -> $(usage)"
	check "cycle-$i-pmu-gone" "$pmu still registered after unbind" \
		[ ! -e "/sys/bus/event_source/devices/$pmu" ]
	check "cycle-$i-vector-freed" "$port: $v0 vectors with the CPMU bound, $(nvec "$port") after unbind" \
		[ "$(nvec "$port")" -eq $((v0 - 1)) ]
	check "cycle-$i-pm-ref" "runtime_usage of $port: $u0 idle, $u1 counting, $(usage) after unbind" \
		[ "$u1" = $((u0 + 1)) -a "$(usage)" = "$u0" ]
	echo "$a" > "$drv/bind"
	ticks0=; ticks1=; error=
	eval "$(cpmu perf "$pmu" 0)"
	check "cycle-$i-rebind-counts" "after binding again: ticks $ticks0 -> $ticks1 $error" \
		[ -z "$error" -a "${ticks1:-0}" -gt "${ticks0:-0}" ]
	i=$((i + 1))
done
