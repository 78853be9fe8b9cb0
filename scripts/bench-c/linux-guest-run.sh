#!/bin/sh
# Guest side of scripts/bench-c/linux-guest-check (runs after switch_root in the virtual
# bench's initramfs; the root is the host's, read-only). Prints one line per observation
# for a person to read; the pass/fail bench suite is scripts/virtual-bench.
echo
. "$1"
mount -t tmpfs -o mode=0755 tmpfs /run; mkdir -m 1777 /run/tmp
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/run/tmp TMPDIR=/run/tmp
modprobe configfs && mount -t configfs none /sys/kernel/config
insmod "$MODDIR/irq_sim.ko"; insmod "$MODDIR/gpio-sim.ko"
modprobe i2c-dev; modprobe i2c-stub chip_addr=0x76,0x40
modprobe softdog soft_noboot=1 soft_margin=60
D=/sys/kernel/config/gpio-sim/lx; mkdir $D $D/gpio-bank0
echo 8 > $D/gpio-bank0/num_lines; echo cloak-sim > $D/gpio-bank0/label
for i in 0 1 2 3 4 5 6 7; do mkdir $D/gpio-bank0/line$i; echo L$i > $D/gpio-bank0/line$i/name; done
echo 1 > $D/live
SIM=/sys/devices/platform/$(cat $D/dev_name)/$(cat $D/gpio-bank0/chip_name)
C="$CLOAK"
[ -n "$GPIOD_LIBDIR" ] && export LD_LIBRARY_PATH="$GPIOD_LIBDIR"
echo "GUEST libgpiod: $(gpiodetect)"
echo "== T1 set holds, value reaches the line, second request busy"
$C gpio set --chip cloak-sim --line L0 1 --for 6 & P=$!
for i in 1 2 3 4 5 6 7 8 9 10; do gpioinfo cloak-sim | grep -q 'cloak-bench' && break; sleep 0.5; done; echo "value L0 = $(cat $SIM/sim_gpio0/value)"
$C gpio get --chip cloak-sim --line L0; echo "get-while-held rc=$?"
wait $P; echo "after release: $(gpioinfo cloak-sim | grep '"L0"')"
echo "== T2 input bias via pull"
echo pull-up > $SIM/sim_gpio1/pull; echo "L1 pulled up: $($C gpio get --chip cloak-sim --line L1) active-low: $($C gpio get --chip cloak-sim --line L1 --active-low)"
echo pull-down > $SIM/sim_gpio1/pull; echo "L1 pulled down: $($C gpio get --chip cloak-sim --line L1)"
echo "== T3 monitor edges"
$C gpio monitor --chip cloak-sim --line L2 --count 2 --for 8 & P=$!
sleep 2; echo pull-up > $SIM/sim_gpio2/pull; sleep 0.5; echo pull-down > $SIM/sim_gpio2/pull; wait $P
echo "== T4 debounce 200ms: burst of 5 toggles then settle high"
echo pull-down > $SIM/sim_gpio3/pull
$C gpio monitor --chip cloak-sim --line L3 --debounce-ms 200 --for 6 & P=$!
sleep 2; for i in 1 2; do echo pull-up > $SIM/sim_gpio3/pull; echo pull-down > $SIM/sim_gpio3/pull; done; echo pull-up > $SIM/sim_gpio3/pull
sleep 1; echo pull-down > $SIM/sim_gpio3/pull; wait $P
echo "== T5 SIGKILL releases"
$C gpio set --chip cloak-sim --line L5 1 & P=$!
for i in 1 2 3 4 5 6 7 8 9 10; do gpioinfo cloak-sim | grep '"L5"' | grep -q cloak-bench && break; sleep 0.5; done
echo "L5 before SIGKILL: $(gpioinfo cloak-sim | grep '"L5"')"; kill -9 $P; wait $P 2>/dev/null
$C gpio set --chip cloak-sim --line L5 0 --for 0; echo "re-request after SIGKILL rc=$?"
echo "== T6 missing line / chip"
$C gpio get --chip cloak-sim --line nope; $C gpio get --chip nochip --line L0
echo "== T7 i2c scan and probe"
BUS=$(for f in /sys/class/i2c-dev/*/name; do grep -q stub $f && basename $(dirname $f); done)
N=${BUS#i2c-}; echo "stub bus $BUS name '$(cat /sys/class/i2c-dev/$BUS/name)'"
i2cset -y $N 0x76 0xd0 0x58 b; i2cset -y $N 0x40 0x00 0x11 b
for r in 0xf7 0xf8 0xf9 0xfa 0xfb 0xfc; do i2cset -y $N 0x76 $r 0x5a b; done
$C i2c scan --bus "$(cat /sys/class/i2c-dev/$BUS/name)"
$C probe --device "/dev/$BUS:0x76:bmp280" --device "$N:0x40:pca9685" --device "$N:0x77:bmp280" --device "$N:0x76:bme280" --line cloak-sim:L6 --line cloak-sim:nope; echo "probe rc=$?"
echo "== T10 board file roles: boards/virtual-bench.yaml on gpio-sim banks laid out as it says"
V=/sys/kernel/config/gpio-sim/vb; mkdir $V
vb_bank() { # vb_bank BANK LABEL NAME...
  b=$V/$1; mkdir $b; label=$2; shift 2; echo $# > $b/num_lines; echo $label > $b/label; i=0
  for n in "$@"; do mkdir $b/line$i; echo $n > $b/line$i/name; i=$((i + 1)); done
}
vb_bank gpio-bank0 cloak-sim-a HATCH1_CLOSE HATCH1_OPEN HATCH1_CLOSED HATCH1_OPENED CREW_OVERRIDE STATUS_LED SPARE_A6 SPARE_A7
vb_bank gpio-bank1 cloak-sim-b DRONE1_ARM PCA_OE ACT_PWR SPARE_B3 SPARE_B4 SPARE_B5 SPARE_B6 SPARE_B7
echo 1 > $V/live
VSIM=/sys/devices/platform/$(cat $V/dev_name)/$(cat $V/gpio-bank0/chip_name)
BOARD=$ROOT/boards/virtual-bench.yaml
$C probe --board $BOARD; echo "probe --board rc=$?"
echo pull-down > $VSIM/sim_gpio2/pull
# The role asks for pull-up bias, which gpio-sim applies as its pull: read as-is to see the external pull.
echo "closed_sensor (active-low) pulled down, read as-is (expect 1): $($C gpio get hatch.node1.closed_sensor --board $BOARD --bias as-is)"
echo "closed_sensor with the role's own pull-up (expect 0): $($C gpio get hatch.node1.closed_sensor --board $BOARD)"
$C gpio set status.led 1 --board $BOARD --for 0; echo "gpio set by role rc=$?"
timeout 60 $C run --board $BOARD --seconds 3 --status-every 1 2>&1 | tail -8; echo "cloak run rc=$?"
echo "== T9 LinuxHAL unit tests in the guest (softdog as the disposable watchdog)"
CLOAK_WATCHDOG_TEST_DEVICE=/dev/watchdog "$TESTS" --testing-library swift-testing --filter LinuxHALTests 2>&1 \
  | sed 's/\x1b\[[0-9;]*m//g' | grep -E "✘|Test run|skipped|watchdog"
if [ "$PERF" = 1 ]; then
echo "== perf: C baseline and LinuxHAL interleaved (A B A B)"
for r in 0xf7 0xf8 0xf9 0xfa 0xfb 0xfc; do i2cset -y $N 0x76 $r 0x5a b; done
$C i2c bench-read --bus $N --address 0x76 --iterations 10 --no-flock
for k in 1 2 3 4 5; do
  $CDIR/gpio_set_loop cloak-sim L4 50000; $C gpio bench-set --chip cloak-sim --line L4 --iterations 50000
  $CDIR/i2c_read_loop /dev/$BUS 0x76 50000; $C i2c bench-read --bus $N --address 0x76 --iterations 50000 --no-flock
  $C i2c bench-read --bus $N --address 0x76 --iterations 50000 --no-flock --raw-buffer
  $CDIR/i2c_read_loop /dev/$BUS 0x76 50000 --flock; $C i2c bench-read --bus $N --address 0x76 --iterations 50000
done
echo "== allocations: counts for 1000 and 10000 calls: a difference far below 9000 means none per call"
for n in 1000 10000; do
  echo "gpio set x$n: $(LD_PRELOAD=$CDIR/malloc_count.so $C gpio bench-set --chip cloak-sim --line L4 --iterations $n 2>&1 >/dev/null)"
done
for n in 1000 10000; do
  echo "i2c read x$n (array): $(LD_PRELOAD=$CDIR/malloc_count.so $C i2c bench-read --bus $N --address 0x76 --iterations $n 2>&1 >/dev/null)"
  echo "i2c read x$n (raw): $(LD_PRELOAD=$CDIR/malloc_count.so $C i2c bench-read --bus $N --address 0x76 --iterations $n --raw-buffer 2>&1 >/dev/null)"
done
fi
echo "GUEST DONE"
/bin/busybox poweroff -f
