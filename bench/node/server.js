// Node.js socket.io v4 baseline for bench/bench_audience.py: what Minkao does for a public screen.
// Accepts a connection with auth {meeting, role}, sends the captured `state` frame on connect,
// joins the meeting's room; a client with auth {role: "trigger"} emitting `fire` (with an ack)
// bumps the frame's seq and broadcasts it to the room; a `heartbeat` goes to the room every --heartbeat seconds (10: what a Minkao public screen gets).
// Usage: node server.js --port P --frame state.json --ping-interval 5 --ping-timeout 5
"use strict";
const fs = require("fs");
const http = require("http");
const { Server } = require("socket.io");

function arg(name, fallback) {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const port = Number(arg("port", "0"));
const frame = JSON.parse(fs.readFileSync(arg("frame"), "utf8"));
const meeting = Number(arg("meeting", "1"));
const room = "m" + meeting;
const httpServer = http.createServer((req, res) => { res.end("ok"); });
const io = new Server(httpServer, {
  transports: ["websocket"],
  pingInterval: Number(arg("ping-interval", "5")) * 1000,
  pingTimeout: Number(arg("ping-timeout", "5")) * 1000,
  perMessageDeflate: false,
  serveClient: false,
});

io.on("connection", (socket) => {
  const auth = socket.handshake.auth || {};
  if (auth.role === "trigger") {
    socket.on("fire", (_payload, ack) => {
      frame.seq += 1;
      io.to(room).emit("state", frame);
      if (typeof ack === "function") ack(true);
    });
    return;
  }
  if (auth.role !== "viewer" || Number(auth.meeting) !== Number(meeting)) {
    socket.disconnect(true);
    return;
  }
  socket.emit("state", frame);
  socket.join(room);
});

setInterval(() => {
  io.to(room).emit("heartbeat", { meeting, seq: frame.seq, server_time: new Date().toISOString() });
}, Number(arg("heartbeat", "10")) * 1000);

// The same listen backlog as Minkao and the floor (4096; Node's default is 511).
httpServer.listen(port, "127.0.0.1", 4096, () => {
  process.stdout.write(JSON.stringify({ port: httpServer.address().port }) + "\n");
});
