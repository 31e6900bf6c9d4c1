// A TCP server on loopback that accepts connections and never answers: a real hang
// (a TLS client waits for the ServerHello forever), for the "one cluster hangs" benchmark.
import net from 'node:net';

/**
 * Starts the server on 127.0.0.1 (a free port unless given). Resolves to its port, how
 * many connections it has accepted so far, and `close()`, which drops every connection.
 */
export async function startHangingServer(port = 0) {
  const sockets = new Set();
  let accepted = 0;
  const server = net.createServer(socket => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {}); // the client giving up is expected
    socket.on('close', () => sockets.delete(socket));
    socket.resume(); // read and discard, never write
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    accepted: () => accepted,
    close: () =>
      new Promise(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
