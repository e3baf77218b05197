hp=0000:00:1c.2
pm=/sys/bus/pci/devices/$hp/power
for f in control runtime_status runtime_enabled runtime_suspended_time autosuspend_delay_ms runtime_usage runtime_active_kids; do log "$f=$(cat $pm/$f 2>&1)"; done
for d in /sys/bus/pci/devices/$hp/*/power/runtime_status; do log "$d=$(cat $d)"; done
log "d3cold=$(cat /sys/bus/pci/devices/$hp/d3cold_allowed) power_state=$(cat /sys/bus/pci/devices/$hp/power_state 2>&1)"
echo 0 > $pm/autosuspend_delay_ms; echo auto > $pm/control; sleep 1
for f in control runtime_status runtime_suspended_time runtime_usage runtime_active_kids; do log "after: $f=$(cat $pm/$f 2>&1)"; done
log "power_state=$(cat /sys/bus/pci/devices/$hp/power_state 2>&1)"
dmesg | grep -i 'd3\|runtime\|pcie_port_pm' | tail -5 | while read l; do log "$l"; done
ok done
