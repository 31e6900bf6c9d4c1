// Linux /proc readers for the benchmarks: which process listens on a TCP port, and its
// resident memory. No `ss` or `lsof` needed; only processes we may read are seen.
import fs from 'node:fs';

/** Socket inodes of TCP sockets in LISTEN state on `port` (IPv4 and IPv6). */
function listeningInodes(port) {
  const inodes = new Set();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT" in hex; st 0A is LISTEN; field 9 is the inode.
      if (fields.length < 10) continue;
      if (fields[1].split(':')[1] === hexPort && fields[3] === '0A') {
        inodes.add(fields[9]);
      }
    }
  }
  return inodes;
}

/** The pid of the process listening on TCP `port`, or undefined when none is visible. */
export function pidListeningOn(port) {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const targets = new Set([...inodes].map(inode => `socket:[${inode}]`));
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds;
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        if (targets.has(fs.readlinkSync(`/proc/${entry}/fd/${fd}`))) {
          return Number(entry);
        }
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** Resident set size of `pid` in bytes (VmRSS), or undefined when it is gone. */
export function rssBytes(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The command line of `pid`, for the report (arguments joined by spaces). */
export function commandLine(pid) {
  try {
    return fs
      .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .join(' ');
  } catch {
    return undefined;
  }
}
