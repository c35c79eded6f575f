/* DOM helpers shared by every page. Text goes in through textContent only: names and notes come
 * from people and from imported files, and are never parsed as HTML. */

/**
 * el("div", {class: "x", text: "…", "data-a": 1, onclick: fn}, [child, "text", null])
 *
 * `attrs` may be omitted (null). `text` sets textContent, `class` the class name, an `on…`
 * function becomes an event listener, `true` an empty attribute; null, undefined and false are
 * skipped. Children may be nodes, strings or numbers; null and false are skipped.
 */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) { continue; }
    if (key === "text") { node.textContent = String(value); }
    else if (key === "class") { node.className = value; }
    else if (key.startsWith("on") && typeof value === "function") { node.addEventListener(key.slice(2), value); }
    else if (value === true) { node.setAttribute(key, ""); }
    else { node.setAttribute(key, String(value)); }
  }
  for (const child of children || []) {
    if (child === null || child === undefined || child === false) { continue; }
    node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

/** Remove every child of `node`; returns it. */
export function clear(node) {
  while (node.firstChild) { node.removeChild(node.firstChild); }
  return node;
}

/** Replace the children of `node` (null entries skipped); returns it. */
export function replace(node, children) {
  clear(node);
  for (const c of children || []) { if (c) { node.appendChild(c); } }
  return node;
}

export function $(id) { return document.getElementById(id); }

/** Set a node's text only when it changed (no needless layout work). */
export function setText(id, text) {
  const node = typeof id === "string" ? $(id) : id;
  const value = text === null || text === undefined ? "" : String(text);
  if (node && node.textContent !== value) { node.textContent = value; }
}

/** Show or hide a node by id. */
export function show(id, on) {
  const node = typeof id === "string" ? $(id) : id;
  if (node) { node.hidden = !on; }
}
