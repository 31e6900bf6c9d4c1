// Another Node process seen through its inspector (started with --inspect=127.0.0.1:PORT).
// The benchmark uses it so "RSS before the load" and "RSS kept after it" are the process's
// live memory, not whatever garbage V8 had not yet collected when the sample was taken
// (which moved the baseline by up to 200 MB from run to run), and to split RSS into V8's
// heap and the rest.

/** Opens an inspector session on `port` (loopback only), runs `use(call)`, closes it. */
async function withInspector(port, timeoutMs, use) {
  const targets = await (
    await fetch(`http://127.0.0.1:${port}/json/list`, {
      signal: AbortSignal.timeout(timeoutMs),
    })
  ).json();
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on 127.0.0.1:${port}`);
  const socket = new WebSocket(url);
  try {
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () =>
        reject(new Error(`inspector on ${port}: cannot connect`));
    });
    let nextId = 0;
    const call = (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(
          () => reject(new Error(`inspector on ${port}: ${method} timed out`)),
          timeoutMs,
        );
        socket.onmessage = event => {
          const message = JSON.parse(event.data);
          if (message.id !== id) return;
          clearTimeout(timer);
          if (message.error) reject(new Error(message.error.message));
          else resolve(message.result);
        };
        socket.send(JSON.stringify({ id, method, params }));
      });
    return await use(call);
  } finally {
    socket.close();
  }
}

/** Runs full GCs in the process whose inspector listens on `port`. */
export async function collectGarbage(
  port,
  { rounds = 2, timeoutMs = 30_000 } = {},
) {
  await withInspector(port, timeoutMs, async call => {
    // A second round frees what the first one's finalizers let go.
    for (let i = 0; i < rounds; i++) await call('HeapProfiler.collectGarbage');
  });
}

// Evaluated in the other process: its own view of its memory, in MB.
const MEMORY_FIGURES = `JSON.stringify((() => {
  const mb = bytes => Math.round(bytes / 104857.6) / 10;
  const usage = process.memoryUsage();
  const spaces = process.getBuiltinModule('v8').getHeapSpaceStatistics();
  const space = name => spaces.find(s => s.space_name === name);
  return {
    rssMB: mb(usage.rss),
    heapTotalMB: mb(usage.heapTotal),
    heapUsedMB: mb(usage.heapUsed),
    newSpaceMB: mb(space('new_space')?.space_size ?? 0),
    oldSpaceMB: mb(space('old_space')?.space_size ?? 0),
    externalMB: mb(usage.external),
    outsideHeapMB: mb(usage.rss - usage.heapTotal),
  };
})())`;

/**
 * The process's memory as it sees it: RSS, V8's heap (reserved and used; the young
 * generation and the old space separately) and what lies outside the heap.
 */
export async function memoryFigures(port, { timeoutMs = 30_000 } = {}) {
  return withInspector(port, timeoutMs, async call => {
    const { result, exceptionDetails } = await call('Runtime.evaluate', {
      expression: MEMORY_FIGURES,
      returnByValue: true,
    });
    if (exceptionDetails) {
      throw new Error(`inspector on ${port}: ${exceptionDetails.text}`);
    }
    return JSON.parse(result.value);
  });
}
