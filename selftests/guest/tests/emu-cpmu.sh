# QEMU emulation (tools/qemu-patches, Documentation/qemu-emulation.rst):
# CXL PMU (CPMU) instances on cxl-rp, cxl-upstream, cxl-downstream and
# cxl-type3 (x-cpmu=N).  Each instance is a register block announced in the
# Register Locator DVSEC with Register Block Identifier 4 (CPMU), in BAR 0.
#
#  - every instance: the locator entry, the CPMU Capability register (4
#    counters, 3 event groups, freeze, interrupt on overflow, its Interrupt
#    Message Number) and the Event Capabilities read through the BAR;
#  - Type 3: mainline's cxl_pmu counts Clock Ticks with perf_event_open()
#    (selftests/guest/cpmu.c), opens a CXL.mem event on a configurable
#    counter, and gets the overflow interrupt of mem0's 32-bit counter;
#  - ports (no driver binds their CPMUs in mainline): counting, overflow,
#    Global Freeze on Overflow and the overflow interrupt on the instance's
#    MSI-X entry, driven through the BAR, unless a driver claims the CPMU.
#
# Topology (QEMU ids are fixed, addresses are not): crp0, crp1 (x-cpmu=1),
# us0 (x-cpmu=2), ds0, ds1 (x-cpmu=1), mem0 (x-cpmu=2,
# x-cpmu-counter-width=32), mem1 (x-cpmu=1).

CXL_VID=$((0x1e98))

# regloc BDF: the Register Locator DVSEC entries, "RBI BIR OFFSET" lines.
regloc() {
	local bdf=$1 pos=256 hdr h1 len e lo hi
	while [ "$pos" -ne 0 ]; do
		hdr=$(cfg "$bdf" "$pos" 4)
		[ "$hdr" -eq 0 ] && break
		if [ $((hdr & 0xffff)) -eq $((0x23)) ]; then
			h1=$(cfg "$bdf" $((pos + 4)) 4)
			len=$((h1 >> 20))
			if [ $((h1 & 0xffff)) -eq $CXL_VID ] && [ "$(cfg "$bdf" $((pos + 8)) 2)" -eq 8 ]; then
				e=$((pos + 0x0c))
				while [ $((e + 8)) -le $((pos + len)) ]; do
					lo=$(cfg "$bdf" "$e" 4)
					hi=$(cfg "$bdf" $((e + 4)) 4)
					echo "$(((lo >> 8) & 0xff)) $((lo & 7)) $(((hi << 32) | (lo & 0xffff0000)))"
					e=$((e + 8))
				done
			fi
		fi
		pos=$(((hdr >> 20) & 0xffc))
	done
}

# claimed ADDR: a driver has requested the MMIO range starting at ADDR.
claimed() {
	local start
	while IFS=- read -r start _; do
		start=$(echo $start)
		[ $((0x$start)) -eq "$1" ] && return 0
	done < /proc/iomem
	return 1
}

# port_cpmu_mmio NAME BDF RES OFF MSG: drive a port CPMU through its BAR.
port_cpmu_mmio() {
	local name=$1 bdf=$2 res=$3 off=$4 msg=$5 cap width max cfg0 c1 c2 mx msgctl pba pbareg pend before
	cap=$(cpmu reg "$res" "$off")
	width=$(((cap >> 8) & 0xff))
	max=$(((1 << width) - 1))
	cfg0=$(cpmu reg "$res" $((off + 0x200)))
	# Counting: freeze, clear counter 0, enable it, unfreeze.
	cpmu reg "$res" $((off + 0x18)) 0xf > /dev/null
	cpmu reg "$res" $((off + 0xc00)) 0 > /dev/null
	cpmu reg "$res" $((off + 0x200)) $((cfg0 | 0x100)) > /dev/null
	cpmu reg "$res" $((off + 0x18)) 0 > /dev/null
	c1=$(cpmu reg "$res" $((off + 0xc00)))
	usleep 20000
	c2=$(cpmu reg "$res" $((off + 0xc00)))
	check "$name-counts" "Clock Ticks counter went $c1 -> $c2" [ $((c2)) -gt $((c1)) -a $((c1)) -gt 0 ]
	# Overflow 1 ms ahead, with interrupt and Global Freeze on Overflow.
	# Where no driver enabled MSI-X (the upstream port), enable it with the
	# Function Mask set for the time of the test: the message then waits
	# in the PBA instead of being sent.
	mx=$(cap "$bdf" 17)
	msgctl=0
	if [ "$mx" -ne 0 ]; then
		msgctl=$(cfg "$bdf" $((mx + 2)) 2)
		[ $((msgctl & 0x8000)) -eq 0 ] && cfg_write16 "$bdf" $((mx + 2)) $((msgctl | 0xc000))
	fi
	before=$(irq_count "$bdf" "$msg")
	cpmu reg "$res" $((off + 0x18)) 0xf > /dev/null
	cpmu reg "$res" $((off + 0xc00)) $((max - 1000000)) > /dev/null
	cpmu reg "$res" $((off + 0x200)) $((cfg0 | 0x700)) > /dev/null
	cpmu reg "$res" $((off + 0x18)) 0 > /dev/null
	usleep 100000
	check "$name-overflow-status" "Overflow Status $(cpmu reg "$res" $((off + 0x10))), want bit 0" \
		[ $(($(cpmu reg "$res" $((off + 0x10))) & 1)) -eq 1 ]
	check "$name-global-freeze" "Freeze $(cpmu reg "$res" $((off + 0x18))), want 0xf" \
		[ $(($(cpmu reg "$res" $((off + 0x18))))) -eq 15 ]
	check "$name-frozen-at-wrap" "counter $(cpmu reg "$res" $((off + 0xc00))) after the wrap" \
		[ $(($(cpmu reg "$res" $((off + 0xc00))))) -lt 1000000 ]
	# The interrupt: on MSI-X entry MSG, pending in the PBA if the entry or
	# the function is masked (Linux only allocates the port services'
	# vectors), or else counted in /proc/interrupts.
	if [ "$mx" -ne 0 ]; then
		pbareg=$(cfg "$bdf" $((mx + 8)) 4)	# PBA Offset/BIR
		pba=$(cpmu reg "/sys/bus/pci/devices/$bdf/resource$((pbareg & 7))" \
			$(((pbareg & ~7) + msg / 64 * 8)))
		pend=$(((pba >> (msg % 64)) & 1))
		if [ "$pend" -eq 1 ] || [ "$(irq_count "$bdf" "$msg")" -gt "$before" ]; then
			ok "$name-overflow-irq"
		else
			not_ok "$name-overflow-irq" "MSI-X entry $msg neither pending (PBA $pba) nor counted"
		fi
	else
		not_ok "$name-overflow-irq" "no MSI-X capability on $bdf"
	fi
	# Back to the reset state.
	[ "$mx" -ne 0 ] && [ $((msgctl & 0x8000)) -eq 0 ] && cfg_write16 "$bdf" $((mx + 2)) "$msgctl"
	cpmu reg "$res" $((off + 0x200)) "$cfg0" > /dev/null
	cpmu reg "$res" $((off + 0x10)) 0xf > /dev/null
	cpmu reg "$res" $((off + 0xc00)) 0 > /dev/null
	cpmu reg "$res" $((off + 0x18)) 0 > /dev/null
}

# check_device ID INSTANCES FIRST-MSG PORT
check_device() {
	local id=$1 want=$2 msg0=$3 port=$4 bdf entries n i rbi bir off res cap ev name
	bdf=$(bdf_of_id "$id")
	if [ -z "$bdf" ]; then
		not_ok "$id" "QEMU device $id not found (topology lines missing?)"
		return
	fi
	entries=$(regloc "$bdf" | awk '$1 == 4')
	n=$(printf '%s' "$entries" | grep -c .)
	check "$id-regloc" "$n Register Locator entries with RBI 4 (CPMU) on $bdf, want $want" \
		[ "$n" -eq "$want" ]
	i=0
	printf '%s\n' "$entries" | while read -r rbi bir off; do
		[ -n "$rbi" ] || continue
		name=$id-cpmu$i
		res=/sys/bus/pci/devices/$bdf/resource$bir
		cap=$(cpmu reg "$res" "$off") || { not_ok "$name-cap" "cannot read $res at $off"; continue; }
		fact cpmu "$bdf" "$i" bar=$bir offset=$(printf %#x "$off") cap=$cap
		check "$name-cap" "CPMU Capability $cap: want version 1, 4 counters, 3 event groups, freeze, writable while frozen, interrupt on message $((msg0 + i))" \
			[ $((cap >> 60)) -eq 1 -a $((cap & 0x3f)) -eq 3 -a $(((cap >> 20) & 0x1f)) -eq 2 \
			  -a $(((cap >> 48) & 7)) -eq 7 -a $(((cap >> 44) & 15)) -eq $((msg0 + i)) ]
		ev=$(cpmu reg "$res" $((off + 0x100)))
		check "$name-base-events" "Event Capabilities[0] $ev, want CXL group 0 Clock Ticks" \
			[ $((ev >> 48)) -eq $CXL_VID -a $(((ev >> 32) & 0xffff)) -eq 0 -a $((ev & 0xffffffff)) -eq 1 ]
		ev=$(cpmu reg "$res" $((off + 0x108)))
		check "$name-mem-events" "Event Capabilities[1] $ev, want CXL group 20h" \
			[ $((ev >> 48)) -eq $CXL_VID -a $(((ev >> 32) & 0xffff)) -eq $((0x20)) ]
		if [ "$port" = port ]; then
			base=$(awk 'NR == 1 { print $1 }' "/sys/bus/pci/devices/$bdf/resource")
			if claimed $((base + off)); then
				log "$name: claimed by a driver, not driven through the BAR"
			else
				port_cpmu_mmio "$name" "$bdf" "$res" "$off" $((msg0 + i))
			fi
		fi
		i=$((i + 1))
	done
}

check_device crp0 1 1 port
check_device crp1 1 1 port
check_device us0 2 2 port
check_device ds0 1 1 port
check_device ds1 1 1 port
check_device mem0 2 8 type3
check_device mem1 1 8 type3

# Type 3: Linux's cxl_pmu registers a perf PMU per instance.
for id in mem0 mem1; do
	bdf=$(bdf_of_id "$id")
	[ -n "$bdf" ] || continue
	pmus=
	for p in /sys/bus/event_source/devices/cxl_pmu_mem*; do
		[ -e "$p" ] || continue
		case $(readlink -f "$p") in */$bdf/*) pmus="$pmus ${p##*/}" ;; esac
	done
	n=$(echo $pmus | wc -w)
	fact cpmu_pmus "$bdf" "$n"
	check "$id-perf-pmus" "cxl_pmu registered $n PMUs for $bdf ($pmus), want $(regloc "$bdf" | awk '$1 == 4' | wc -l)" \
		[ "$n" -eq "$(regloc "$bdf" | awk '$1 == 4' | wc -l)" ]
	for pmu in $pmus; do
		name=$id-${pmu#cxl_pmu_}
		# mem0's first instance has a 32-bit counter: it overflows after
		# 2^32 ns, ~4.3 s.  The others only count.
		timeout=0
		[ "$id" = mem0 ] && [ "${pmu##*.}" = 0 ] && timeout=15000
		ticks0=; ticks1=; elapsed_ns=; memrd_open=; memrd=; irq0=; irq1=; count=; error=
		eval "$(cpmu perf "$pmu" $timeout)"
		if [ -n "$error" ]; then
			not_ok "$name-counts" "$error"
			continue
		fi
		log "$pmu: ticks $ticks0 -> $ticks1 in $elapsed_ns ns, irq $irq0 -> $irq1, count $count"
		check "$name-counts" "clock_ticks went $ticks0 -> $ticks1 in $elapsed_ns ns" \
			[ "$ticks1" -gt "$ticks0" -a $((ticks1 - ticks0)) -gt $((elapsed_ns / 4)) \
			  -a $((ticks1 - ticks0)) -lt $((elapsed_ns * 4)) ]
		check "$name-configurable" "perf_event_open of m2s_req_memrd failed: errno $memrd_open" \
			[ "$memrd_open" = 0 -a "$memrd" = 0 ]
		if [ "$timeout" -gt 0 ]; then
			check "$name-overflow-irq" "no ${pmu}_overflow interrupt (count $irq0 -> $irq1)" \
				[ "$irq0" -ge 0 -a "$irq1" -gt "$irq0" ]
			check "$name-overflow-counted" "count $count after the overflow, want >= 2^32" \
				[ "$count" -ge $((1 << 32)) ]
		fi
	done
done

# Ports (the series): portdrv creates an auxiliary device
# pcieport.cxl_pmu.<id> below the port for each CPMU, cxl_pmu binds to it
# (driver cxl_pmu.port) and registers cxl_pmu_port_<port>.<index>, whose
# overflow interrupt is the port's vector for the CPMU's message number.
series_only || return 0

# port_cpmu_aux BDF: the port's CPMU auxiliary devices, one per line
port_cpmu_aux() {
	local a
	for a in /sys/bus/pci/devices/$1/pcieport.cxl_pmu.*; do
		[ -e "$a" ] && echo "${a##*/}"
	done
}
nvec() { ls "/sys/bus/pci/devices/$1/msi_irqs" 2>/dev/null | wc -l; }

for id in crp0 crp1 us0 ds0 ds1; do
	bdf=$(bdf_of_id "$id")
	[ -n "$bdf" ] || continue
	want=$(regloc "$bdf" | awk '$1 == 4' | wc -l)
	n=0 bound=0
	for a in $(port_cpmu_aux "$bdf"); do
		n=$((n + 1))
		[ "$(basename "$(readlink -f "/sys/bus/auxiliary/devices/$a/driver")")" = cxl_pmu.port ] &&
			bound=$((bound + 1))
	done
	check "$id-aux" "$n pcieport.cxl_pmu devices below $bdf, $bound bound to cxl_pmu.port, want $want" \
		[ "$n" -eq "$want" -a "$bound" -eq "$want" ]
	i=0
	regloc "$bdf" | awk '$1 == 4' | while read -r rbi bir off; do
		pmu=cxl_pmu_port_$(echo "$bdf" | tr : _).$i
		name=$id-port-pmu$i
		msg=$((($(cpmu reg "/sys/bus/pci/devices/$bdf/resource$bir" "$off") >> 44) & 15))
		case "$(irq_actions "$bdf" "$msg")" in
		*"${pmu}_overflow"*) ok "$name-handler" ;;
		*) not_ok "$name-handler" "MSI-X entry $msg of $bdf has '$(irq_actions "$bdf" "$msg")', want ${pmu}_overflow" ;;
		esac
		# The overflow interrupt of us0's first CPMU (the port without
		# services): the ports' counters are 48 bits wide (2^48 ns is
		# 78 h), so while perf counts, the test moves Clock Ticks
		# (counter 0) to 1 ms before the wrap through the BAR, as a long
		# run would; the counter is writable while counting (CXL r3.1
		# sec 8.2.7.2.3).
		timeout=0
		[ "$id" = us0 ] && [ "$i" = 0 ] && timeout=15000
		ticks0=; ticks1=; elapsed_ns=; memrd_open=; memrd=; irq0=; irq1=; count=; error=
		if [ "$timeout" -gt 0 ]; then
			res=/sys/bus/pci/devices/$bdf/resource$bir
			width=$((($(cpmu reg "$res" "$off") >> 8) & 0xff))
			cpmu perf "$pmu" $timeout > /tmp/cpmu-port.out 2>&1 &
			usleep 300000		# past the 50 ms Clock Ticks sample
			cpmu reg "$res" $((off + 0xc00)) $(((1 << width) - 1000001)) > /dev/null
			wait $!
			eval "$(cat /tmp/cpmu-port.out)"
		else
			eval "$(cpmu perf "$pmu" $timeout)"
		fi
		if [ -n "$error" ]; then
			not_ok "$name-counts" "$error"
			i=$((i + 1))
			continue
		fi
		log "$pmu: ticks $ticks0 -> $ticks1 in $elapsed_ns ns, irq $irq0 -> $irq1, count $count"
		check "$name-counts" "clock_ticks went $ticks0 -> $ticks1 in $elapsed_ns ns" \
			[ "$ticks1" -gt "$ticks0" -a $((ticks1 - ticks0)) -gt $((elapsed_ns / 4)) \
			  -a $((ticks1 - ticks0)) -lt $((elapsed_ns * 4)) ]
		check "$name-configurable" "perf_event_open of m2s_req_memrd failed: errno $memrd_open" \
			[ "$memrd_open" = 0 -a "$memrd" = 0 ]
		if [ "$timeout" -gt 0 ]; then
			check "$name-overflow-irq" "no ${pmu}_overflow interrupt (count $irq0 -> $irq1)" \
				[ "$irq0" -ge 0 -a "$irq1" -gt "$irq0" ]
			check "$name-overflow-counted" "count $count after the overflow, want >= 2^$width - 10^6" \
				[ "$count" -ge $(((1 << width) - 1000001)) ]
		fi
		i=$((i + 1))
	done
done

# The CPMU's vector lives as long as its driver is bound: unbinding
# crp0's CPMU frees MSI-X entry 1 (no service shares it), binding it
# again allocates it and the overflow handler is back on it.
bdf=$(bdf_of_id crp0)
a=$(port_cpmu_aux "$bdf" | head -n 1)
if [ -n "$a" ]; then
	drv=/sys/bus/auxiliary/drivers/cxl_pmu.port
	pmu=cxl_pmu_port_$(echo "$bdf" | tr : _).0
	v0=$(nvec "$bdf")
	echo "$a" > $drv/unbind
	v1=$(nvec "$bdf")
	check crp0-unbind-frees-vector "$bdf had $v0 vectors with its CPMU bound, $v1 without" \
		[ "$v1" -eq $((v0 - 1)) ]
	check crp0-unbind-pmu-gone "$pmu still registered after unbind" \
		[ ! -e "/sys/bus/event_source/devices/$pmu" ]
	echo "$a" > $drv/bind
	v2=$(nvec "$bdf")
	check crp0-rebind-vector "$bdf has $v2 vectors after rebinding its CPMU, want $v0" [ "$v2" -eq "$v0" ]
	case "$(irq_actions "$bdf" 1)" in
	*"${pmu}_overflow"*) ok crp0-rebind-handler ;;
	*) not_ok crp0-rebind-handler "MSI-X entry 1 of $bdf has '$(irq_actions "$bdf" 1)'" ;;
	esac
	ticks0=; ticks1=; error=
	eval "$(cpmu perf "$pmu" 0)"
	check crp0-rebind-counts "after rebinding: ticks $ticks0 -> $ticks1 $error" \
		[ -z "$error" -a "${ticks1:-0}" -gt "${ticks0:-0}" ]
else
	not_ok crp0-rebind "no CPMU auxiliary device below $bdf"
fi
