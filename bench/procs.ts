import { readFileSync } from 'node:fs';

/** What each process used, read from /proc (Linux): to say which one limits a figure. */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Resident set size in MB of 10⁶ bytes, as the targets count (VmRSS), or NaN once the process is gone. */
export function rssMB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? (Number(kb) * 1024) / 1e6 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** Busy and total CPU seconds of the whole machine, over all cores. */
function machineSeconds(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = values.map(Number);
  const idle = n[3] + n[4];
  const total = n.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** CPU use per named process over an interval, in cores (1.0 = one core busy the whole time). */
export type CpuShare = Record<string, number>;

/** Starts measuring the processes' CPU use; the function returned reads it since then. */
export function cpuMeter(pids: Record<string, number | undefined>): () => CpuShare {
  const at = () => ({
    wall: performance.now() / 1000,
    machine: machineSeconds(),
    named: Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid ? cpuSeconds(pid) : NaN])),
  });
  const start = at();
  return () => {
    const end = at();
    const wall = end.wall - start.wall;
    const share: CpuShare = {};
    for (const [k, v] of Object.entries(end.named)) share[k] = Math.round(((v - start.named[k]) / wall) * 100) / 100;
    // Of all cores: 1.0 means the whole machine was busy.
    share.machineBusy = Math.round(((end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total)) * 100) / 100;
    return share;
  };
}
