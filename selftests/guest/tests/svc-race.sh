# svc-race: the services of a port are unbound and bound in a tight loop
# while the port's own callbacks call them: runtime suspend and resume of
# the empty hot-plug port hp0 (00:1c.2, "pcie_port_pm=force" lets it go to
# D3), AER error reports and recovery on rp0 (00:1c.0, errors injected by
# the host on ep0 below it), and a system suspend and resume of both.  A
# callback that reaches a service whose driver is being removed works on
# freed memory: on the debug kernel KASAN reports it, lockdep reports a
# lock order that could deadlock.  The test fails on any such report, on a
# service left unbound, and when the loops did not do what they are for
# (the port never runtime suspended, no error reported).
# Topology "ports"; kernel parameter pcie_port_pm=force.
series_only || return 0

hp=0000:00:1c.2
rp=0000:00:1c.0
aux=/sys/bus/auxiliary
pm=/sys/bus/pci/devices/$hp/power
for p in $hp $rp; do
	[ -e "/sys/bus/pci/drivers/pcieport/$p" ] || { not_ok setup "$p not bound to pcieport"; return; }
done
[ -e "$pm/runtime_suspended_time" ] || { not_ok setup "no runtime PM for $hp"; return; }
ep=$(below $rp | head -1)
[ -n "$ep" ] || { not_ok setup "no endpoint below $rp"; return; }
svcs() { (cd "/sys/bus/pci/devices/$1" && ls -d pcieport.*.* 2>/dev/null); }
names="$(svcs $hp) $(svcs $rp)"
# The driver of each service, as "NAME=DRIVER" words (looked up with
# shell built-ins only: forks would slow the loops down).
map=
for n in $names; do
	[ -e "$aux/devices/$n/driver" ] || { not_ok setup "$n not bound at the start"; return; }
	map="$map $n=$(basename "$(readlink "$aux/devices/$n/driver")")"
done
map="$map "
drv() { d=${map#* $1=}; d=${d%% *}; }
reports='BUG:|WARNING:|KASAN|circular locking|lock held|use-after-free|general protection|Oops'

# cycle_loop SECONDS PORT: unbind and bind each service of PORT until
# SECONDS have passed; the number of cycles goes to /tmp/race.PORT
cycle_loop() {
	local end=$(($(date +%s) + $1)) n=0 s d
	while [ "$(date +%s)" -lt "$end" ]; do
		for s in $(svcs "$2"); do
			drv "$s"
			printf '%s' "$s" > "$aux/drivers/$d/unbind" 2>/dev/null
			printf '%s' "$s" > "$aux/drivers/$d/bind" 2>/dev/null
		done
		n=$((n + 1))
	done
	echo "$n" > "/tmp/race.$2"
}

# pm_loop SECONDS: let hp0 runtime suspend and resume it, until SECONDS
pm_loop() {
	local end=$(($(date +%s) + $1))
	echo 0 > "$pm/autosuspend_delay_ms"
	while [ "$(date +%s)" -lt "$end" ]; do
		echo auto > "$pm/control"
		usleep 20000
		echo on > "$pm/control"
	done
	echo auto > "$pm/control"
}

mark=$(dmesg_mark)
susp0=$(cat "$pm/runtime_suspended_time")
aer0=$(cat "/sys/bus/pci/devices/$rp/aer_rootport_total_err_nonfatal")
secs=20
cycle_loop $secs $hp &
cycle_loop $secs $rp &
pm_loop $secs &
# Non-fatal errors on ep0 (Completion Timeout, bit 14) while rp0's services
# come and go: reported and recovered whenever AER is bound.
end=$(($(date +%s) + secs))
injected=0
while [ "$(date +%s)" -lt "$end" ]; do
	hmp "pcie_aer_inject_error ep0 0x4000" && injected=$((injected + 1))
	usleep 200000
done
wait
log "cycles: $hp $(cat /tmp/race.$hp 2>/dev/null), $rp $(cat /tmp/race.$rp 2>/dev/null); $injected errors injected"
check pm-exercised "$hp never runtime suspended" \
	[ "$(cat "$pm/runtime_suspended_time")" -gt "$susp0" ]
check aer-exercised "no non-fatal error reported on $rp" \
	[ "$(cat "/sys/bus/pci/devices/$rp/aer_rootport_total_err_nonfatal")" -gt "$aer0" ]

# System suspend and resume while the services cycle.  QEMU refuses a
# wakeup that comes before the guest has reached S3, and suspending while
# the services cycle can take longer than 3 s (seen on the debug kernel):
# the later wakeups wake it then; those that find it running are refused.
if grep -qw mem /sys/power/state && host later 3 qmp '{"execute": "system_wakeup"}' &&
	host later 15 qmp '{"execute": "system_wakeup"}' &&
	host later 45 qmp '{"execute": "system_wakeup"}'; then
	cycle_loop 8 $hp &
	cycle_loop 8 $rp &
	usleep 500000
	if echo mem > /sys/power/state; then ok suspend-while-cycling
	else not_ok suspend-while-cycling "echo mem > /sys/power/state failed"; fi
	wait
else
	not_ok suspend-while-cycling "no suspend to RAM, or no wakeup from the host: $HOST_OUT"
fi

unbound=
for n in $names; do
	[ -e "$aux/devices/$n/driver" ] && continue
	drv "$n"
	printf '%s' "$n" > "$aux/drivers/$d/bind" 2>/dev/null
	unbound="$unbound $n"
done
check all-bound "unbound after the loops:$unbound" [ -z "$unbound" ]
found=$(dmesg_since "$mark" | grep -E "$reports" | head -n 3 | tr '\n' ' ')
check no-reports "kernel log: $found" [ -z "$found" ]
