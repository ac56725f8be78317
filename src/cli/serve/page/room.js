"use strict";
// The room, shared by the workshop page and the gallery: the room code a participant types once
// (kept in this browser, sent with every request), their name, and the secret that makes their
// jobs theirs to cancel. A join link carries the code in its fragment (#room=CODE), which is read
// once and removed from the address bar.
//
// Also the two small DOM helpers both pages use: $ (an element by id) and el (build an element).

const $ = (id) => document.getElementById(id);

// An element with attributes (class, text, on<event> handlers, others as attributes; null,
// undefined and false are skipped) and children (nodes or text).
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const room = {
  isRoom: false,
  code: "",
  name: "",
  secret: "",
  key: "", // the facilitator's key, from the facilitator's links (?key=...)
};

function roomStore(k, v) {
  try {
    if (v === undefined) return localStorage.getItem(k);
    localStorage.setItem(k, v);
  } catch (e) {
    // Private windows may refuse storage: the page then asks again next time.
  }
  return null;
}

function newSecret() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Headers every request carries.
function roomHeaders() {
  const h = { "X-Votelab-Participant": room.secret };
  if (room.code) h["X-Votelab-Room"] = room.code;
  if (room.key) h["X-Votelab-Facilitator"] = room.key;
  return h;
}

// A link a browser follows (a download, the report) with the credentials in its query.
function roomLink(path) {
  const q = [];
  if (room.code) q.push("room=" + encodeURIComponent(room.code));
  if (room.key) q.push("key=" + encodeURIComponent(room.key));
  if (!q.length) return path;
  return path + (path.includes("?") ? "&" : "?") + q.join("&");
}

async function roomStatus() {
  const response = await fetch("/api/room", { headers: roomHeaders() });
  return response.json();
}

// Learn whether this server is a room and make sure the code (and, with `needName`, a name) is
// known: from the link, from this browser's storage, or asked once in the join form.
async function roomReady(needName) {
  const hash = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  if (hash.has("room")) {
    roomStore("votelab.room", hash.get("room"));
    history.replaceState(null, "", location.pathname + location.search);
  }
  if (query.has("name")) roomStore("votelab.name", query.get("name"));
  room.code = roomStore("votelab.room") || "";
  room.name = roomStore("votelab.name") || "";
  room.secret = roomStore("votelab.participant") || "";
  room.key = query.get("key") || "";
  if (!room.secret) {
    room.secret = newSecret();
    roomStore("votelab.participant", room.secret);
  }
  let status = await roomStatus();
  room.isRoom = status.room;
  if (!status.room || (status.admitted && (!needName || room.name))) return status;
  const form = document.getElementById("join");
  form.hidden = false;
  document.body.dataset.state = "joining";
  const codeInput = document.getElementById("join-code");
  const nameInput = document.getElementById("join-name");
  codeInput.value = room.code;
  nameInput.value = room.name;
  document.getElementById("join-name-row").hidden = !needName;
  const error = document.getElementById("join-error");
  for (;;) {
    await new Promise((resolve) =>
      form.addEventListener(
        "submit",
        (e) => {
          e.preventDefault();
          resolve();
        },
        { once: true },
      ),
    );
    room.code = codeInput.value.trim();
    room.name = nameInput.value.trim();
    status = await roomStatus();
    if (!status.admitted) {
      error.hidden = false;
      error.textContent = "That is not this room's code: check it with the facilitator.";
      continue;
    }
    if (needName && !room.name) {
      error.hidden = false;
      error.textContent = "Please give a name, so the room can see whose run is whose.";
      continue;
    }
    roomStore("votelab.room", room.code);
    roomStore("votelab.name", room.name);
    form.hidden = true;
    error.hidden = true;
    return status;
  }
}

// A refused code (the facilitator restarted the room with a new one): forget it and ask again.
function roomRefused(status) {
  if (room.isRoom && (status === 401 || status === 403)) roomStore("votelab.room", "");
}
