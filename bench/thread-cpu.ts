/**
 * CPU time of the calling thread, from /proc (Linux). Unlike event-loop utilisation, which is wall time,
 * it does not grow when other processes take the cores, so "CPU ms per request" stays comparable between
 * runs on a busy machine. Node 20 has no per-thread CPU call (process.threadCpuUsage came in Node 23.9).
 * Resolution is 10 ms (USER_HZ = 100), plenty over a phase of seconds. NaN where /proc is missing.
 */
import { readFileSync } from 'node:fs';

const USER_HZ = 100;

export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, i.e. 11 and 12 after "pid (comm) ".
    return ((Number(f[11]) + Number(f[12])) * 1000) / USER_HZ;
  } catch {
    return NaN;
  }
}
