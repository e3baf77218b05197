# QEMU emulation (tools/qemu-patches, Documentation/qemu-emulation.rst):
# link bandwidth notification on pcie-root-port (x-link-bw=on) and the
# x-pcie-link-speed monitor command.  Target Link Speed + Retrain Link
# change the speed shown in Link Status and set Link Bandwidth Management
# Status; an autonomous change sets Link Autonomous Bandwidth Status; both
# interrupt on the PCIe capability's message number and Linux's bwctrl
# picks the new speed up (its PCIe cooling device reports it).
#
# Topology (QEMU ids are fixed, addresses are not):
#   mv0    pcie-root-port,x-link-bw=on,x-msix-vectors=4,x-pcie-msg-num=1
#          (default x-speed=16), with an endpoint below (e1000e)

need_ids rp=mv0 || return 0
exp=$(cap "$rp" 16)
vec=$((($(cfg "$rp" $((exp + 2)) 2) >> 9) & 31))
lnkctl() { cfg "$rp" $((exp + 0x10)) 2; }
lnksta() { cfg "$rp" $((exp + 0x12)) 2; }
lnkctl2() { cfg "$rp" $((exp + 0x30)) 2; }
speed() { echo $(($(lnksta) & 15)); }
max=$(($(cfg "$rp" $((exp + 0x0c)) 4) & 15))
lbms=$((0x4000))
labs=$((0x8000))
log "mv0=$rp max speed $max vector $vec"

# The PCIe cooling device of bwctrl: its state follows Linux's idea of the
# link speed (state 0 = max speed), updated by the bwctrl interrupt.
cdev=
for c in /sys/class/thermal/cooling_device*; do
	[ "$(cat "$c/type" 2>/dev/null)" = "PCIe_Port_Link_Speed_$rp" ] && cdev=$c
done
linux_state() { [ -n "$cdev" ] && [ "$(cat "$cdev/cur_state")" -eq $((max - $1)) ]; }
irq_above() { [ "$(irq_count "$rp" "$vec")" -gt "$1" ]; }
status_clear() { [ $(($(lnksta) & (lbms | labs))) -eq 0 ]; }

case $(pci_irqs | awk -v b="$rp" -v v="MSIX-$vec" '$1 == b && $2 == v') in
*bwctrl*) ok bwctrl-vector ;;
*) not_ok bwctrl-vector "PCIe bwctrl not on MSI-X entry $vec: $(pci_irqs | grep "^$rp " | tr '\n' ';')" ;;
esac
check bw-irq-enabled "Link Control $(printf %#x "$(lnkctl)"): bandwidth interrupt enables did not stick" \
	[ $(($(lnkctl) & 0xc00)) -eq $((0xc00)) ]
check speed-trained "Current Link Speed $(speed), want Target Link Speed $(($(lnkctl2) & 15))" \
	[ "$(speed)" -eq $(($(lnkctl2) & 15)) ]
if [ -n "$cdev" ]; then ok cooling-device; else skip cooling-device "no PCIe cooling device for $rp"; fi

# retrain NAME SPEED: Target Link Speed = SPEED, then Retrain Link.
retrain() {
	local name=$1 s=$2 before
	before=$(irq_count "$rp" "$vec")
	cfg_write16 "$rp" $((exp + 0x30)) $(( ($(lnkctl2) & ~15) | s ))
	cfg_write16 "$rp" $((exp + 0x10)) $(( $(lnkctl) | 0x20 ))
	check "$name-speed" "Current Link Speed $(speed) after retraining, want $s" [ "$(speed)" -eq "$s" ]
	check "$name-rl-reads-zero" "Retrain Link reads back 1" [ $(($(lnkctl) & 0x20)) -eq 0 ]
	check "$name-irq" "no interrupt on MSI-X entry $vec" wait_for 5 irq_above "$before"
	check "$name-lbms-handled" "Link Bandwidth Management Status not cleared by bwctrl" \
		wait_for 5 status_clear
	[ -n "$cdev" ] && check "$name-linux-speed" "cooling state $(cat "$cdev/cur_state"), want $((max - s))" \
		wait_for 5 linux_state "$s"
}
retrain retrain-2-5gt 1
retrain retrain-max "$max"

# Autonomous change (x-pcie-link-speed): Link Autonomous Bandwidth Status.
before=$(irq_count "$rp" "$vec")
if hmp "x-pcie-link-speed mv0 5"; then
	check autonomous-speed "Current Link Speed $(speed), want 2 (5 GT/s)" [ "$(speed)" -eq 2 ]
	check autonomous-irq "no interrupt on MSI-X entry $vec" wait_for 5 irq_above "$before"
	check autonomous-labs-handled "Link Autonomous Bandwidth Status not cleared by bwctrl" \
		wait_for 5 status_clear
	[ -n "$cdev" ] && check autonomous-linux-speed "cooling state $(cat "$cdev/cur_state"), want $((max - 2))" \
		wait_for 5 linux_state 2
else
	not_ok autonomous-speed "x-pcie-link-speed refused: $HOST_OUT"
fi

# Hardware Autonomous Speed Disable: only changes for reliability (-r,
# Link Bandwidth Management Status) are allowed.
cfg_write16 "$rp" $((exp + 0x30)) $(( $(lnkctl2) | 0x20 ))
if hmp "x-pcie-link-speed mv0 8"; then
	not_ok hasd-refused "autonomous change with Hardware Autonomous Speed Disable set"
else
	check hasd-refused "speed changed to $(speed)" [ "$(speed)" -eq 2 ]
fi
before=$(irq_count "$rp" "$vec")
if hmp "x-pcie-link-speed -r mv0 2.5"; then
	check reliability-speed "Current Link Speed $(speed), want 1" [ "$(speed)" -eq 1 ]
	check reliability-irq "no interrupt on MSI-X entry $vec" wait_for 5 irq_above "$before"
	[ -n "$cdev" ] && check reliability-linux-speed "cooling state $(cat "$cdev/cur_state"), want $((max - 1))" \
		wait_for 5 linux_state 1
else
	not_ok reliability-speed "x-pcie-link-speed -r refused: $HOST_OUT"
fi
cfg_write16 "$rp" $((exp + 0x30)) $(( $(lnkctl2) & ~0x20 ))

# Linux sets the speed itself (pcie_set_target_speed() via the cooling
# device): Target Link Speed + retraining, as far as the endpoint allows.
if [ -n "$cdev" ]; then
	retrain back-to-max "$max"
	if echo $((max - 1)) > "$cdev/cur_state"; then
		check linux-set-speed "Current Link Speed $(speed) after Linux asked for 2.5 GT/s" \
			[ "$(speed)" -eq 1 ]
		check linux-set-tls "Target Link Speed $(($(lnkctl2) & 15)), want 1" \
			[ $(($(lnkctl2) & 15)) -eq 1 ]
	else
		not_ok linux-set-speed "writing cooling state $((max - 1)) failed"
	fi
fi
