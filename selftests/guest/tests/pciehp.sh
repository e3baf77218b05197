# pciehp: a device added to an empty native hot-plug slot by QEMU's device_add
# is enumerated and bound; device_del (Attention Button, 5 s blink) removes it
# with its driver bound.  Topology "ports": slot hp0 is root port 00:1c.2.
slot=0000:00:1c.2
[ -e /sys/bus/pci/devices/$slot ] || { not_ok setup "no slot port $slot"; return; }
child() { below $slot | head -1; }
bound() { local c; c=$(child) && [ -n "$c" ] && [ -e "/sys/bus/pci/devices/$c/driver" ]; }
gone() { [ -z "$(child)" ]; }
check empty-before "slot $slot is not empty" gone

mark=$(dmesg_mark)
if hmp "device_add e1000e,id=hpdev0,bus=hp0,romfile="; then
	check add-enumerated "no device below $slot after device_add" wait_for 30 bound
	check add-logged "pciehp did not log the new card" dmesg_has "$mark" "pciehp.*(Card present|Link Up)"
else
	not_ok add "device_add refused: $HOST_OUT"
fi

# QEMU refuses the unplug while the power indicator still blinks from the add.
mark=$(dmesg_mark)
deleted=0
for i in $(seq 40); do
	if hmp "device_del hpdev0"; then deleted=1; break; fi
	case $HOST_OUT in *busy*) usleep 500000 ;; *) break ;; esac
done
if [ $deleted = 1 ]; then
	check remove "device still below $slot 30 s after device_del" wait_for 30 gone
	check remove-logged "pciehp did not log the button press" dmesg_has "$mark" "pciehp.*Button press"
else
	not_ok remove "device_del refused: $HOST_OUT"
fi
