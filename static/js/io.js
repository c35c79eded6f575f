/* The one adapter for the vendored Socket.IO client (static/vendor/socket.io/socket.io.min.js),
 * which is loaded as a classic script and publishes `io` on window. */
export function io(options) {
  if (typeof window.io !== "function") { throw new Error("socket.io client not loaded"); }
  return window.io(options);
}
