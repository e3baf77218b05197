# doe-irq: the DOE interrupt (the series).  Every DOE mailbox that supports
# the interrupt, on a device whose driver lends the core its vectors
# (cxl_pci on the Type 3 devices, portdrv on the switch upstream port), has
# a handler "BDF DOE [offset]" in /proc/interrupts if the driver allocated
# the vector of its DOE Interrupt Message Number, and its exchanges raise
# that interrupt; without the vector it is polled and works the same.
# (QEMU's upstream port names MSI message 1, and x86 without interrupt
# remapping allocates a single MSI vector: it is polled.)  Unbinding the
# driver gives the vector back: the handler goes away and the mailbox
# keeps working, polled; binding again brings the interrupt back.  Emits
# no facts: the base polls always.
series_only || return 0

# doe_irqs BDF OFFSET: interrupts counted by that mailbox's handler, -1 if none
doe_irqs() {
	awk -v name="$(printf '%s DOE [%x]' "$1" "$2")" '
		NR == 1 { ncpu = NF; next }
		index($0, name) { n = 0; for (i = 2; i <= ncpu + 1; i++) n += $i; print n; found = 1 }
		END { if (!found) print -1 }' /proc/interrupts
}
# DOE capability (PCIe r7.0 sec 7.9.24) with Interrupt Support set
doe_cap_irq() { [ $(($(cfg "$1" $(($2 + 4)) 4) & 1)) -eq 1 ]; }
drv_of() { basename "$(readlink -f "/sys/bus/pci/devices/$1/driver" 2>/dev/null)"; }

n=0 nirq=0
for d in /sys/bus/pci/devices/*; do
	bdf=${d##*/}
	off=$(ecap "$bdf" 46)		# PCI_EXT_CAP_ID_DOE
	[ "$off" -ne 0 ] && doe_cap_irq "$bdf" "$off" || continue
	drv=$(drv_of "$bdf")
	case $drv in cxl_pci|pcieport) ;; *) continue ;; esac
	n=$((n + 1))
	msg=$((($(cfg "$bdf" $((off + 4)) 4) >> 1) & 0x7ff))
	vecs=$(pci_irqs | awk -v b="$bdf" '$1 == b' | wc -l)
	before=$(doe_irqs "$bdf" "$off")
	pci-doe list "$bdf" > /tmp/doe-irq.list 2>&1
	rc=$?
	after=$(doe_irqs "$bdf" "$off")
	if [ "$msg" -ge "$vecs" ]; then
		log "doe-irq: $bdf: DOE message $msg, $vecs vectors: polled"
		check "$bdf.no-vector" "$bdf has a DOE handler for message $msg of $vecs vectors" \
			[ "$before" -lt 0 ]
		check "$bdf.polled" "Discovery through $bdf failed: $(head -c 200 /tmp/doe-irq.list)" \
			[ "$rc" -eq 0 ]
		continue
	fi
	nirq=$((nirq + 1))
	if [ "$before" -lt 0 ]; then
		not_ok "$bdf.handler" "no '$bdf DOE [$(printf %x "$off")]' in /proc/interrupts ($drv, message $msg of $vecs vectors)"
		continue
	fi
	ok "$bdf.handler"
	check "$bdf.raised" "Discovery through $bdf (rc $rc): $before -> $after DOE interrupts: $(head -c 200 /tmp/doe-irq.list)" \
		[ "$rc" -eq 0 -a "$after" -gt "$before" ]
done
check mailboxes "expected 3 DOE mailboxes with interrupt support (2 Type 3, 1 USP), found $n" [ "$n" -eq 3 ]
check vectors "expected the 3 DOE mailboxes (2 Type 3, the USP, which has no services) to have their vector, found $nirq" [ "$nirq" -eq 3 ]

# Unbind and bind cxl_pci on the first Type 3 device.
bdf=$(bdf_of_driver cxl_pci | head -n 1)
[ -n "$bdf" ] || { not_ok rebind "no device bound to cxl_pci"; return; }
off=$(ecap "$bdf" 46)
pci-doe cdat "$bdf" > /tmp/doe-irq.ref 2>&1 || log "doe-irq: pci-doe cdat $bdf: $(cat /tmp/doe-irq.ref)"
echo "$bdf" > /sys/bus/pci/drivers/cxl_pci/unbind
check unbound-no-handler "the DOE handler of $bdf outlived cxl_pci" [ "$(doe_irqs "$bdf" "$off")" -lt 0 ]
check unbound-polled "CDAT of $bdf without cxl_pci differs or failed" \
	sh -c "pci-doe cdat $bdf > /tmp/doe-irq.cdat 2>&1 && cmp -s /tmp/doe-irq.cdat /tmp/doe-irq.ref"
echo "$bdf" > /sys/bus/pci/drivers/cxl_pci/bind
before=$(doe_irqs "$bdf" "$off")
check rebound-handler "no DOE handler of $bdf after binding cxl_pci again" [ "$before" -ge 0 ]
check rebound-cdat "CDAT of $bdf after binding cxl_pci again differs or failed" \
	sh -c "pci-doe cdat $bdf > /tmp/doe-irq.cdat 2>&1 && cmp -s /tmp/doe-irq.cdat /tmp/doe-irq.ref"
check rebound-raised "no DOE interrupt of $bdf after binding cxl_pci again" \
	[ "$(doe_irqs "$bdf" "$off")" -gt "$before" ]
