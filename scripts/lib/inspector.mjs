// A full garbage collection in another Node process, through its inspector (started with
// --inspect=127.0.0.1:PORT). The benchmark uses it so "RSS before the load" and "RSS kept
// after it" are the process's live memory, not whatever garbage V8 had not yet collected
// when the sample was taken (which moved the baseline by up to 200 MB from run to run).

/** Runs full GCs in the process whose inspector listens on `port` (loopback only). */
export async function collectGarbage(
  port,
  { rounds = 2, timeoutMs = 30_000 } = {},
) {
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
    const call = method =>
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
        socket.send(JSON.stringify({ id, method }));
      });
    // A second round frees what the first one's finalizers let go.
    for (let i = 0; i < rounds; i++) await call('HeapProfiler.collectGarbage');
  } finally {
    socket.close();
  }
}
