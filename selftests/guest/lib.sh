# Helpers for guest tests (busybox sh).  Each test is a script in tests/,
# sourced in a subshell with $TEST set; it reports with ok/not_ok/skip/check
# and records facts the host compares across kernels with fact.

ok()     { echo "RESULT ok $TEST.$1${2:+ # $2}" >&3; }
not_ok() { echo "RESULT not ok $TEST.$1${2:+ # $2}" >&3; echo "FAIL $TEST.$1: $2" > /dev/kmsg; }
skip()   { echo "RESULT skip $TEST.$1${2:+ # $2}" >&3; }
fact()   { echo "FACT $*" >&3; }
log()    { echo "LOG $*" >&3; }

# The kernel under test as tools/run-guest-tests labels it: base or series.
KERNEL_LABEL=$(sed -n 's/.*bench\.kernel=\([^ ]*\).*/\1/p' /proc/cmdline)

# series_only: false, with a skip, on the base kernel.  For tests of what
# only the series has; they must not detect the feature themselves (a
# series that lost it would then skip instead of failing).
series_only() {
	[ "$KERNEL_LABEL" = base ] || return 0
	skip "$TEST" "tests what only the series has"
	return 1
}

# check NAME COMMENT CMD...: ok if CMD succeeds.
check() {
	local name=$1 comment=$2
	shift 2
	if "$@"; then ok "$name"; else not_ok "$name" "$comment"; fi
}

# host KIND ARGS...: ask the host (see tools/vm); output in $HOST_OUT.
HOST_SEQ=0
host() {
	local line n st
	HOST_SEQ=$((HOST_SEQ + 1))
	echo "REQ $HOST_SEQ $*" >&3
	while read -r -t 120 line <&3; do
		set -- $line
		[ "$1" = ACK ] && [ "$2" = "$HOST_SEQ" ] || continue
		st=$3
		HOST_OUT=${line#ACK * * }
		return "$st"
	done
	HOST_OUT="no answer from host"
	return 1
}
hmp() { host hmp "$*"; }

# wait_for SECONDS CMD...: poll CMD every 100 ms until it succeeds.
wait_for() {
	local n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		usleep 100000
		n=$((n - 1))
	done
	return 1
}

# Kernel log after a mark: mark=$(dmesg_mark); ...; dmesg_since $mark | grep ...
# The mark is the time stamp of the last line, not a line count: once the
# log buffer is full, old lines drop out and a count would skip new ones.
dmesg_mark()  { dmesg | tail -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'; }
dmesg_since() {
	dmesg | awk -v m="${1:-0}" '!p { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 > m + 0) p = 1 } p'
}
dmesg_has()   { dmesg_since "$1" | grep -q -E "$2"; }
dmesg_lacks() { ! dmesg_has "$@"; }

# The PCIe ports: "BDF type" lines, type one of root/upstream/downstream.
pcie_ports() {
	local d t
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/class")" = 0x060400 ] || continue
		t=$(pcie_type "${d##*/}") || continue
		echo "${d##*/} $t"
	done
}

# pcie_type BDF: Device/Port Type from the PCI Express capability.
pcie_type() {
	local cfg=/sys/bus/pci/devices/$1/config pos id
	pos=$(hexdump -s 0x34 -n 1 -e '1/1 "%d"' "$cfg")
	while [ "$pos" -ne 0 ]; do
		id=$(hexdump -s "$pos" -n 1 -e '1/1 "%d"' "$cfg")
		if [ "$id" -eq 16 ]; then
			case $(( $(hexdump -s $((pos + 2)) -n 1 -e '1/1 "%d"' "$cfg") >> 4 )) in
			4) echo root ;; 5) echo upstream ;; 6) echo downstream ;;
			*) echo other ;;
			esac
			return 0
		fi
		pos=$(hexdump -s $((pos + 1)) -n 1 -e '1/1 "%d"' "$cfg")
	done
	return 1
}

# The port services: "PORT SERVICE DRIVER" lines (DRIVER "-" when unbound).
# Works with both models: the pci_express bus (names PORT:pcieNNN) and
# auxiliary devices that are children of the port (names MOD.SERVICE.ID).
port_services() {
	local d name port svc drv
	if [ -d /sys/bus/pci_express/devices ]; then
		for d in /sys/bus/pci_express/devices/*; do
			[ -e "$d" ] || continue
			name=${d##*/}
			port=${name%:pcie*}
			# pcieTSS: T = port type - 4, SS = the service bit
			case ${name##*:pcie?} in
			01) svc=pme ;; 02) svc=aer ;; 04) svc=pciehp ;;
			08) svc=dpc ;; 10) svc=bwctrl ;; *) svc=${name##*:} ;;
			esac
			drv=-
			[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
			echo "$port $svc $drv"
		done
	fi
	if [ -d /sys/bus/auxiliary/devices ]; then
		for d in /sys/bus/auxiliary/devices/*; do
			[ -e "$d" ] || continue
			port=$(basename "$(dirname "$(readlink -f "$d")")")
			[ -e "/sys/bus/pci/devices/$port" ] || continue
			name=${d##*/}
			svc=${name#*.}
			svc=${svc%.*}
			drv=-
			[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
			echo "$port $svc $drv"
		done
	fi
}

# IRQ use by PCI devices: "BDF CHIP-HWIRQ ACTION[,ACTION...]" from /proc/interrupts,
# e.g. "0000:00:1c.0 MSIX-0 PCIe PME,aerdrv,PCIe bwctrl".  Remapped
# messages (chips IR-PCI-MSI, IR-PCI-MSIX: interrupt remapping) read as
# the others: pci_remapped tells them apart.
pci_irqs() {
	awk 'NR > 1 && $0 ~ /PCI-MSI|IO-APIC/ {
		ncpu = NF; line = $0
		for (i = 2; i <= NF; i++) if ($i ~ /PCI-MSI|IO-APIC/) { chip = $i; hw = $(i + 1); first = i + 2; break }
		acts = ""
		for (i = first; i <= NF; i++) acts = acts (i > first ? " " : "") $i
		gsub(/, /, ",", acts)
		if (chip ~ /^(IR-)?PCI-MSI/) {
			bdf = chip; sub(/^(IR-)?PCI-MSIX?-/, "", bdf)
			kind = (chip ~ /^(IR-)?PCI-MSIX/) ? "MSIX" : "MSI"
			split(hw, h, "-"); print bdf, kind "-" h[1], acts
		} else print "intx", "IOAPIC-" hw, acts
	}' /proc/interrupts
}

# BDFs of the PCI devices bound to DRIVER.
bdf_of_driver() {
	local d
	for d in /sys/bus/pci/drivers/$1/*:*; do [ -e "$d" ] && echo "${d##*/}"; done
}

# below PORT: the PCI devices directly below the port PORT (a BDF).
below() {
	local d
	for d in /sys/bus/pci/devices/$1/0000:??:??.?; do [ -e "$d" ] && echo "${d##*/}"; done
}

# Config space and QEMU ids, for the tests of the bench's QEMU emulation.

# cfg BDF OFFSET SIZE: a config space register (1, 2 or 4 bytes), decimal.
cfg() { hexdump -s "$2" -n "$3" -e "1/$3 \"%u\"" "/sys/bus/pci/devices/$1/config"; }

# cfg_write16 BDF OFFSET VALUE: a 16-bit config write (OFFSET even).
cfg_write16() {
	printf "\\$(printf %03o $(($3 & 255)))\\$(printf %03o $((($3 >> 8) & 255)))" |
		dd of="/sys/bus/pci/devices/$1/config" bs=2 seek=$(($2 / 2)) count=1 \
		conv=notrunc 2>/dev/null
}

# cap BDF ID: offset of a capability in the PCI capability list (0 if none).
cap() {
	local pos
	pos=$(cfg "$1" 0x34 1)
	while [ "$pos" -ne 0 ]; do
		[ "$(cfg "$1" "$pos" 1)" -eq "$2" ] && { echo "$pos"; return; }
		pos=$(cfg "$1" $((pos + 1)) 1)
	done
	echo 0
}

# ecap BDF ID: offset of a PCI Express extended capability (0 if none).
ecap() {
	local pos=256 hdr
	while [ "$pos" -ne 0 ]; do
		hdr=$(cfg "$1" "$pos" 4)
		[ "$hdr" -eq 0 ] && break
		[ $((hdr & 0xffff)) -eq "$2" ] && { echo "$pos"; return; }
		pos=$(((hdr >> 20) & 0xffc))
	done
	echo 0
}

# bdf_of_id ID: the guest's BDF of the QEMU device with that id ("info pci").
bdf_of_id() {
	hmp "info pci" || return 1
	printf '%s\n' "$HOST_OUT" | sed 's/\\n/\n/g' | awk -v id="\"$1\"" '
		/Bus +[0-9]+, +device +[0-9]+, +function/ {
			gsub(/[,:]/, ""); b = $2; d = $4; f = $6 }
		$1 == "id" && $2 == id { printf "0000:%02x:%02x.%d\n", b, d, f; exit }'
}

# need_ids VAR=ID...: set each VAR to the BDF of the QEMU device ID; a
# "setup" failure, and false, when the topology lacks one of them.
need_ids() {
	local a bdf missing= found=
	for a; do
		bdf=$(bdf_of_id "${a#*=}")
		eval "${a%%=*}=\$bdf"
		[ -n "$bdf" ] || missing="$missing ${a#*=}"
		found="$found ${a#*=}=$bdf"
	done
	if [ -n "$missing" ]; then
		not_ok setup "QEMU devices not found:$missing (topology lines missing?)"
		return 1
	fi
	log "${found# }"
}

# pci_remapped: "BDF CHIP-HWIRQ" of each remapped PCI MSI/MSI-X message.
pci_remapped() {
	awk '{ for (i = 2; i < NF; i++) if ($i ~ /^IR-PCI-MSI/) {
		bdf = $i; sub(/^IR-PCI-MSIX?-/, "", bdf); split($(i + 1), h, "-")
		print bdf, ($i ~ /MSIX/ ? "MSIX" : "MSI") "-" h[1]; break } }' /proc/interrupts
}

# irq_count BDF VECTOR: interrupts counted on the port's MSI-X entry VECTOR.
irq_count() {
	awk -v chip="PCI-MSIX-$1" -v hw="$2-edge" '
		{ for (i = 2; i <= NF; i++) if ($i == chip || $i == "IR-" chip) break }
		i < NF && $(i + 1) == hw { n = 0; for (j = 2; j < i; j++) n += $j; print n; found = 1 }
		END { if (!found) print -1 }' /proc/interrupts
}

# irq_actions BDF VECTOR: the handlers on that vector, as in pci_irqs.
irq_actions() { pci_irqs | awk -v b="$1" -v v="MSIX-$2" '$1 == b && $2 == v { $1 = $2 = ""; print }'; }

# ktap_results FILE: each KTAP result line of FILE ("ok N desc",
# "not ok N desc [# directive]") becomes a result named after desc; for
# "not ok" the comment is the "# desc: why" line before it.  Sets nres to
# the number of results.
ktap_results() {
	local line st desc directive name last=
	nres=0
	while IFS= read -r line; do
		case $line in
		"ok "[0-9]*|"not ok "[0-9]*) ;;
		"#"*) log "kselftest: $line"; last=${line#\# }; continue ;;
		*) continue ;;
		esac
		st=${line%% [0-9]*}
		desc=${line#"$st" }
		desc=${desc#* }
		directive=
		case $desc in *" # "*) directive=${desc#* \# }; desc=${desc%% \# *} ;; esac
		name=$(printf '%s' "$desc" | sed 's/[^A-Za-z0-9:.]\{1,\}/-/g; s/-$//')
		nres=$((nres + 1))
		case $st:$directive in
		ok:SKIP*) skip "$name" "$directive" ;;
		ok:*) ok "$name" ;;
		*) case $last in "$desc: "*) not_ok "$name" "${last#"$desc": }" ;;
		   *) not_ok "$name" "KTAP: $line" ;; esac ;;
		esac
	done < "$1"
}

# cpmu_across FILE [AT]: what "cpmu hold" samples ("sample MS COUNT") say
# about the count across an event that resets the CPMU (a system sleep, an
# error recovery), as "key=value" words: the event happened at the first
# sample at or after AT ms, or, without AT, at the longest gap between two
# samples (the sleep).  step_before: the largest step of the count before
# it; step_max: the largest step of all; back: 1 if the count ever went
# down; end_growth: what the count grew over the last second.
cpmu_across() {
	awk -v at="${2:--1}" '
		$1 == "sample" { n++; t[n] = $2; c[n] = $3 }
		END {
			if (n < 10) { print "too-few=" n; exit }
			ev = 2
			for (i = 2; i <= n; i++)
				if (at >= 0 ? t[ev] < at : t[i] - t[i - 1] > t[ev] - t[ev - 1]) ev = i
			pre = 0; for (i = 2; i < ev; i++) if (c[i] - c[i - 1] > pre) pre = c[i] - c[i - 1]
			big = 0; back = 0
			for (i = 2; i <= n; i++) {
				if (c[i] - c[i - 1] > big) big = c[i] - c[i - 1]
				if (c[i] < c[i - 1]) back = 1
			}
			last = n; while (last > 1 && t[n] - t[last - 1] <= 1000) last--
			printf "samples=%d gap_ms=%d before=%d after=%d step_before=%.0f step_max=%.0f back=%d end_growth=%.0f\n",
				n, t[ev] - t[ev - 1], ev - 1, n - ev + 1, pre, big, back, c[n] - c[last]
		}' "$1"
}
# cpmu_val VERDICT KEY: one value of cpmu_across's output.
cpmu_val() { echo "$1" | sed -n "s/.*\\b$2=\\([-0-9]*\\).*/\\1/p"; }
# cpmu_check_across PREFIX VERDICT: the count grew before the event, did
# not jump at it (no step beyond 20 times the largest before: the clock
# the CPMU counts runs on while the kernel handles the event) and grew
# over the last second.
cpmu_check_across() {
	local v=$2
	check "$1count-before" "the count did not grow before: $v" [ "$(cpmu_val "$v" step_before)" -gt 0 ]
	check "$1no-jump" "the count jumped: $v" \
		[ "$(cpmu_val "$v" back)" = 0 -a "$(cpmu_val "$v" step_max)" -le $(( $(cpmu_val "$v" step_before) * 20 )) ]
	check "$1counts-after" "the count stopped: $v" [ "$(cpmu_val "$v" end_growth)" -gt 0 ]
}
