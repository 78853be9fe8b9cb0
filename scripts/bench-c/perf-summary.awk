# Reads linux-guest-check's interleaved perf lines and prints the median ratio
# LinuxHAL / C per operation (each LinuxHAL line is divided by the C line just before it).
function val(line,   m) { match(line, /ns_per_op=[0-9.]+/); return substr(line, RSTART + 10, RLENGTH - 10) + 0 }
function median(arr, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
  if (n == 0) return "n/a"
  return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
}
{ print }
/^gpio_set_loop / { c = val($0) }
/^cloak_gpio_set / && c > 0 { g[++ng] = val($0) / c }
/^i2c_read_loop .*flock=0/ { c0 = val($0) }
/^i2c_read_loop .*flock=1/ { c1 = val($0) }
/^cloak_i2c_read .*flock=0 buffer=array/ && c0 > 0 { a[++na] = val($0) / c0 }
/^cloak_i2c_read .*flock=0 buffer=raw/ && c0 > 0 { r[++nr] = val($0) / c0 }
/^cloak_i2c_read .*flock=1/ && c1 > 0 { f[++nf] = val($0) / c1 }
END {
  if (ng == 0) exit
  printf "MEDIAN ratio LinuxHAL/C: gpio set %.3f (%d rounds)\n", median(g, ng), ng
  printf "MEDIAN ratio LinuxHAL/C: i2c 6-byte read, both with flock %.3f\n", median(f, nf)
  printf "MEDIAN ratio LinuxHAL/C: i2c 6-byte read, no flock, raw buffer %.3f\n", median(r, nr)
  printf "MEDIAN ratio LinuxHAL/C: i2c 6-byte read, no flock, [UInt8] helper %.3f\n", median(a, na)
}
