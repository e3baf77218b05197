# DOE: the mailboxes the PCI core created list their features in doe_features
# (CDAT, 1e98:02, on the Type 3 devices and the switch upstream port), and the
# CXL ports' CDAT attributes, read through DOE, are well-formed tables.
empty_file() { [ -f "$1" ] && [ -z "$(cat "$1")" ]; }
n=0
for d in /sys/bus/pci/devices/*; do
	bdf=${d##*/}
	[ -d "$d/doe_features" ] || continue
	n=$((n + 1))
	fact doe "$bdf" $(ls "$d/doe_features" | sort | tr '\n' ' ')
	# The series has a doe_owners file for each feature but Discovery,
	# empty while nobody claims the feature; nothing claims one here.
	if [ "$KERNEL_LABEL" != base ]; then
		want=$(ls "$d/doe_features" | grep -v -x doe_discovery | sort | tr '\n' ' ')
		check "owners-$bdf" "doe_owners has '$(ls "$d/doe_owners" 2>&1 | tr '\n' ' ')', doe_features '$want'" \
			[ "$(ls "$d/doe_owners" 2>/dev/null | sort | tr '\n' ' ')" = "$want" ]
		for f in "$d"/doe_owners/*; do
			[ -e "$f" ] || continue
			check "owner-$bdf-${f##*/}" "doe_owners/${f##*/} is '$(cat "$f" 2>&1)', not empty" \
				empty_file "$f"
		done
	fi
done
t3=$(grep -l 0x050210 /sys/bus/pci/devices/*/class | wc -l)
usp=$(pcie_ports | awk '$2 == "upstream" { print $1 }')
check type3-present "expected 2 Type 3 devices, found $t3" [ "$t3" -eq 2 ]
for d in $(grep -l 0x050210 /sys/bus/pci/devices/*/class) /sys/bus/pci/devices/$usp/class; do
	d=${d%/class}
	check "cdat-feature-${d##*/}" "no 1e98:02 in ${d##*/}/doe_features" [ -e "$d/doe_features/1e98:02" ]
done

# cdat_ok FILE: length header equals the size, checksum byte sums to zero.
cdat_ok() {
	local size len sum
	size=$(wc -c < "$1")
	[ "$size" -ge 16 ] || return 1
	len=$(hexdump -n 4 -e '1/4 "%u"' "$1")
	sum=$(hexdump -v -e '1/1 "%u\n"' "$1" | awk '{ s += $1 } END { print s % 256 }')
	[ "$len" = "$size" ] && [ "$sum" = 0 ]
}
eps=0; sw=0
for c in /sys/bus/cxl/devices/*/CDAT; do
	[ -e "$c" ] || continue
	p=$(basename "$(dirname "$c")")
	case $p in endpoint*) eps=$((eps + 1)) ;; port*) sw=$((sw + 1)) ;; esac
	check "cdat-$p" "$p/CDAT is not a well-formed CDAT table" cdat_ok "$c"
	fact cdat "$p" "$(wc -c < "$c")"
done
check cdat-endpoints "expected CDAT on 2 endpoints, found $eps" [ "$eps" -eq 2 ]
check cdat-switch "expected CDAT on the switch port, found $sw" [ "$sw" -ge 1 ]
