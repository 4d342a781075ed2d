// Preloaded into the Microsoft 365 Agents Playground (`node -r ./loopback.js cli.js ...`).
//
// The Playground's express server listens on every interface and has no option to change that
// (PLATFORM.md), and it reports telemetry unless told not to. For a test on a shared machine both
// are wrong, so this preload makes them impossible rather than unlikely:
// - every server it starts listens on 127.0.0.1 only, whatever host (or none) it asks for;
// - every outgoing connection to a host other than this machine fails at once (telemetry, fonts,
//   sign-in services), before any name is looked up.
"use strict";

const fs = require("fs");
const net = require("net");

const LOOPBACK = "127.0.0.1";
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

function local(host) {
  return host === undefined || host === null || LOCAL_HOSTS.has(String(host).toLowerCase());
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first !== null && typeof first === "object" && !("_handle" in first) && !("fd" in first)) {
    // listen({port, host, ...}[, callback]); a pipe path ({path}) stays as it is.
    if (!("path" in first)) args[0] = { ...first, host: LOOPBACK };
  } else if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === "string") args[1] = LOOPBACK;
    else args.splice(1, 0, LOOPBACK);
  } else if (first === undefined || typeof first === "function") {
    // listen([callback]): a random port, on loopback.
    args.splice(0, 0, 0, LOOPBACK);
  }
  return listen.apply(this, args);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connectLocallyOnly(...args) {
  // connect(options[, cb]), connect(port[, host][, cb]), connect(path[, cb]), and Node's own
  // already normalised [options, cb] from net.connect().
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = first !== null && typeof first === "object" ? first : null;
  const host = options ? options.host : typeof args[1] === "string" ? args[1] : undefined;
  const path = options ? options.path : typeof first === "string" && !/^\d+$/.test(first) ? first : null;
  if (!path && !local(host)) {
    // Noted for the test (VERBIND_PLAYGROUND_REFUSED names the file): it expects none.
    const note = process.env.VERBIND_PLAYGROUND_REFUSED;
    if (note) fs.appendFileSync(note, `${host}\n`);
    process.nextTick(() => this.destroy(new Error(`loopback.js: no connection to ${host}`)));
    return this;
  }
  return connect.apply(this, args);
};
