// The console's pages: sign-in, buckets, objects. Every action is a
// signed S3 request from this tab (s3.js); the secret lives only in the
// Client object held in `client`, never in storage or a cookie.
import { Client, S3Error } from "./s3.js";

const $ = (id) => document.getElementById(id);
let client = null; // the signed-in key; null when signed out
let region = "us-east-1";
const state = { bucket: "", prefix: "", filter: "", token: "", selected: new Set(), detailsKey: "" };
let previewURL = "";
let listSeq = 0;

// words turns an S3 error into what a person needs to know.
function words(e) {
  if (!(e instanceof S3Error)) return String(e);
  const known = {
    InvalidAccessKeyId: "No access key with this ID exists on this server.",
    SignatureDoesNotMatch: "The secret access key is wrong for this access key ID.",
    AccessDenied: "This key is not allowed to do that.",
    RequestTimeTooSkewed: "This computer's clock and the server's differ by more than 15 minutes.",
    BucketNotEmpty: "The bucket is not empty.",
    BucketAlreadyOwnedByYou: "You already have a bucket with this name.",
    BucketAlreadyExists: "A bucket with this name already exists.",
    InvalidBucketName: "Not a valid bucket name: use 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.",
    NoSuchBucket: "This bucket no longer exists.",
    NoSuchKey: "This object no longer exists.",
    NetworkError: "Could not reach the server.",
    SlowDown: "The server is busy; try again in a moment.",
  };
  return known[e.code] || `${e.code}: ${e.message}`;
}

function show(id, msg) {
  $(id).textContent = msg || "";
}

function size(n) {
  if (n < 1024) return n + " B";
  const u = ["KiB", "MiB", "GiB", "TiB"];
  let i = -1;
  do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
  return n.toFixed(n < 10 ? 1 : 0) + " " + u[i];
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

// Sign-in and sign-out.

async function signIn(ev) {
  ev.preventDefault();
  show("signin-error", "");
  const c = new Client($("access-key").value.trim(), $("secret-key").value, region);
  $("signin-button").disabled = true;
  try {
    const buckets = await c.listBuckets();
    client = c;
    $("secret-key").value = "";
    $("who-key").textContent = c.accessKeyId;
    $("who").hidden = false;
    $("signin-view").hidden = true;
    $("app-view").hidden = false;
    renderBuckets(buckets);
  } catch (e) {
    show("signin-error", "Sign-in failed: " + words(e));
  } finally {
    $("signin-button").disabled = false;
  }
}

function signOut() {
  client = null;
  Object.assign(state, { bucket: "", prefix: "", filter: "", token: "", detailsKey: "" });
  state.selected.clear();
  $("access-key").value = "";
  $("secret-key").value = "";
  $("who").hidden = true;
  $("app-view").hidden = true;
  $("details").hidden = true;
  $("server-panel").hidden = true;
  clearServer();
  $("server-button").setAttribute("aria-expanded", "false");
  $("bucket-view").hidden = true;
  $("no-bucket").hidden = false;
  $("buckets").replaceChildren();
  $("rows").replaceChildren();
  $("uploads").replaceChildren();
  $("crumbs").replaceChildren();
  $("details-list").replaceChildren();
  for (const id of ["new-bucket", "filter", "share-url", "delete-bucket-confirm"]) $(id).value = "";
  for (const id of ["buckets-error", "objects-error", "details-error", "delete-bucket-status"]) show(id, "");
  $("delete-bucket-panel").hidden = true;
  clearPreview();
  $("signin-view").hidden = false;
  $("access-key").focus();
}

// The server panel.

function duration(s) {
  const d = Math.floor(s / 86400), h = Math.floor(s / 3600) % 24, m = Math.floor(s / 60) % 60;
  return d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : m ? `${m} min ${s % 60} s` : `${s} s`;
}

// clearServer forgets what the panel showed, so the next key never sees
// what only the previous one was allowed to.
function clearServer() {
  show("server-error", "");
  $("server-list").replaceChildren();
  $("refusal-rows").replaceChildren();
  $("refusals").hidden = true;
  $("refusals-none").hidden = true;
}

async function toggleServer() {
  const panel = $("server-panel");
  panel.hidden = !panel.hidden;
  $("server-button").setAttribute("aria-expanded", String(!panel.hidden));
  if (panel.hidden) return;
  clearServer();
  try {
    const st = await client.status();
    const rows = [["Version", st.version], ["Address", st.address], ["Region", st.region],
      ["Data", st.in_memory ? "in memory only" : st.data_dir],
      ["Disk", st.disk_total ? `${size(st.disk_free)} free of ${size(st.disk_total)} (${size(st.disk_total - st.disk_free)} used)` : "unknown"],
      ["Uptime", `${duration(st.uptime_seconds)} (since ${new Date(st.started).toLocaleString()})`]];
    if (st.in_memory) rows.splice(4, 1);
    $("server-list").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { textContent: k }), el("dd", { textContent: v ?? "", dataset: { field: k } })]));
    const refusals = st.recent_refusals || [];
    $("refusals").hidden = refusals.length === 0;
    $("refusals-none").hidden = refusals.length > 0;
    $("refusal-rows").replaceChildren(...refusals.map((f) => el("tr", {},
      el("td", { textContent: new Date(f.time).toLocaleTimeString() }),
      el("td", { textContent: `${f.method} /${f.bucket || ""}${f.key ? "/" + f.key : ""}` }),
      el("td", { textContent: f.code }),
      el("td", { textContent: f.reason }),
      el("td", { textContent: f.access_key_id || "" }),
      el("td", { textContent: f.remote }))));
  } catch (e) {
    show("server-error", e.code === "AccessDenied" ? "Only a key with full access may see the server's status." : words(e));
  }
}

// Buckets.

async function loadBuckets() {
  show("buckets-error", "");
  try {
    renderBuckets(await client.listBuckets());
  } catch (e) {
    show("buckets-error", words(e));
  }
}

function renderBuckets(list) {
  if (!list.length) {
    $("buckets").replaceChildren(el("li", { className: "hint", textContent: "No buckets yet." }));
    return;
  }
  $("buckets").replaceChildren(...list.map((b) => el("li", {},
    el("button", { type: "button", textContent: b.name, "aria-current": String(b.name === state.bucket),
      dataset: { bucket: b.name }, onclick: () => openBucket(b.name) }))));
}

async function createBucket(ev) {
  ev.preventDefault();
  const name = $("new-bucket").value.trim();
  show("buckets-error", "");
  try {
    await client.createBucket(name);
    $("new-bucket").value = "";
    await loadBuckets();
    openBucket(name);
  } catch (e) {
    show("buckets-error", `Could not create ${name}: ${words(e)}`);
  }
}

function openBucket(name) {
  state.bucket = name;
  for (const b of $("buckets").querySelectorAll("button")) b.setAttribute("aria-current", String(b.dataset.bucket === name));
  $("no-bucket").hidden = true;
  $("bucket-view").hidden = false;
  $("delete-bucket-panel").hidden = true;
  $("uploads").replaceChildren();
  closeDetails();
  browse("");
}

function askDeleteBucket() {
  $("delete-bucket-name").textContent = state.bucket;
  $("delete-bucket-confirm").value = "";
  $("delete-bucket-go").disabled = true;
  $("delete-bucket-empty").hidden = true;
  show("delete-bucket-status", "");
  $("delete-bucket-panel").hidden = false;
  $("delete-bucket-confirm").focus();
}

async function deleteBucket(emptyFirst) {
  const name = state.bucket;
  if ($("delete-bucket-confirm").value !== name) return;
  $("delete-bucket-go").disabled = $("delete-bucket-empty").disabled = true;
  try {
    if (emptyFirst) {
      show("delete-bucket-status", "Deleting objects…");
      const n = await client.empty(name, (done) => show("delete-bucket-status", `Deleted ${done} objects…`));
      show("delete-bucket-status", `Deleted ${n} objects; deleting the bucket…`);
    }
    await client.deleteBucket(name);
    state.bucket = "";
    $("bucket-view").hidden = true;
    $("no-bucket").hidden = false;
    closeDetails();
    await loadBuckets();
  } catch (e) {
    if (e.code === "BucketNotEmpty") {
      show("delete-bucket-status", "The bucket is not empty: its objects must be deleted first. That cannot be undone either.");
      $("delete-bucket-empty").hidden = false;
    } else {
      show("delete-bucket-status", `Could not delete ${name}: ${words(e)}`);
    }
  } finally {
    $("delete-bucket-go").disabled = $("delete-bucket-empty").disabled = $("delete-bucket-confirm").value !== name;
  }
}

// Objects.

function renderCrumbs() {
  const parts = state.prefix.split("/").filter(Boolean);
  const crumbs = [el("button", { type: "button", textContent: state.bucket, onclick: () => browse("") })];
  let p = "";
  for (const part of parts) {
    p += part + "/";
    const target = p;
    crumbs.push(" / ", el("button", { type: "button", textContent: part, onclick: () => browse(target) }));
  }
  $("crumbs").replaceChildren(...crumbs);
  const last = $("crumbs").lastElementChild;
  last.setAttribute("aria-current", "page");
}

function browse(prefix) {
  state.prefix = prefix;
  state.filter = "";
  $("filter").value = "";
  renderCrumbs();
  list(false);
}

// list shows the first page of the current folder, or with more the next.
async function list(more) {
  const seq = ++listSeq;
  show("objects-error", "");
  if (!more) {
    state.token = "";
    state.selected.clear();
    updateSelection();
  }
  $("load-more").disabled = true;
  try {
    const page = await client.list(state.bucket, { prefix: state.prefix + state.filter, token: more ? state.token : "" });
    if (seq !== listSeq) return; // a newer listing replaced this one
    const rows = [];
    for (const f of page.folders) {
      rows.push(el("tr", { className: "folder" }, el("td"),
        el("td", {}, el("button", { type: "button", className: "name", textContent: f.slice(state.prefix.length),
          dataset: { folder: f }, onclick: () => browse(f) })), el("td", { className: "size" }), el("td")));
    }
    for (const o of page.objects) {
      const name = o.key.slice(state.prefix.length) || o.key;
      rows.push(el("tr", {},
        el("td", {}, el("input", { type: "checkbox", "aria-label": "Select " + name, dataset: { key: o.key },
          onchange: (ev) => { ev.target.checked ? state.selected.add(o.key) : state.selected.delete(o.key); updateSelection(); } })),
        el("td", {}, el("button", { type: "button", className: "name", textContent: name, dataset: { key: o.key },
          onclick: () => openDetails(o.key) })),
        el("td", { className: "size", textContent: size(o.size) }),
        el("td", { textContent: new Date(o.modified).toLocaleString() })));
    }
    if (more) $("rows").append(...rows);
    else $("rows").replaceChildren(...rows);
    state.token = page.next;
    $("load-more").hidden = !page.next;
    $("empty-folder").hidden = $("rows").children.length > 0;
  } catch (e) {
    if (seq === listSeq) show("objects-error", words(e));
  } finally {
    $("load-more").disabled = false;
  }
}

function updateSelection() {
  const n = state.selected.size;
  $("delete-selected").disabled = n === 0;
  $("delete-selected").textContent = n ? `Delete selected (${n})` : "Delete selected";
}

async function deleteSelected() {
  const keys = [...state.selected];
  if (!keys.length || !armed($("delete-selected"), `Really delete ${keys.length} object${keys.length > 1 ? "s" : ""}? Click again`)) return;
  show("objects-error", "");
  try {
    const failed = [];
    for (let i = 0; i < keys.length; i += 1000) failed.push(...await client.deleteObjects(state.bucket, keys.slice(i, i + 1000)));
    if (failed.length) show("objects-error", `${failed.length} not deleted, e.g. ${failed[0].key}: ${failed[0].code}`);
    if (keys.includes(state.detailsKey)) closeDetails();
  } catch (e) {
    show("objects-error", words(e));
  }
  await list(false);
  if ($("objects-error").textContent === "" && state.selected.size === 0) updateSelection();
}

async function uploadFiles(files) {
  const bucket = state.bucket, prefix = state.prefix;
  const jobs = [...files].map((f) => {
    const bar = el("progress", { max: f.size || 1, value: 0 });
    const status = el("span", { textContent: "waiting" });
    const li = el("li", { dataset: { key: prefix + f.name } }, el("span", { textContent: f.name }), bar, status);
    $("uploads").append(li);
    return { f, bar, status, li };
  });
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++];
      j.status.textContent = "uploading";
      try {
        await client.upload(bucket, prefix + j.f.name, j.f, (n) => { j.bar.value = n; });
        j.bar.value = j.f.size || 1;
        j.status.textContent = "done";
        j.li.dataset.done = "true";
      } catch (e) {
        j.status.textContent = "failed: " + words(e);
        j.li.dataset.done = "failed";
      }
    }
  };
  await Promise.all([worker(), worker()]);
  if (state.bucket === bucket && state.prefix === prefix) list(false);
}

// armed is a confirmation without a modal dialog: the first click on a
// destructive button re-labels it for a few seconds, and only a second
// click within them goes ahead.
function armed(button, question) {
  if (button.dataset.armed === "true") {
    delete button.dataset.armed;
    button.textContent = button.dataset.label;
    clearTimeout(Number(button.dataset.timer));
    return true;
  }
  button.dataset.armed = "true";
  button.dataset.label = button.textContent;
  button.textContent = question;
  button.dataset.timer = String(setTimeout(() => {
    delete button.dataset.armed;
    button.textContent = button.dataset.label;
  }, 5000));
  return false;
}

// Details.

function clearPreview() {
  if (previewURL) URL.revokeObjectURL(previewURL);
  previewURL = "";
  $("preview").replaceChildren(el("p", { className: "hint", textContent: "No preview." }));
}

function closeDetails() {
  state.detailsKey = "";
  $("details").hidden = true;
  clearPreview();
}

async function openDetails(key) {
  state.detailsKey = key;
  $("details").hidden = false;
  $("details-name").textContent = key.split("/").pop() || key;
  $("details-list").replaceChildren();
  $("share-url").hidden = $("share-copy").hidden = $("share-hint").hidden = true;
  show("details-error", "");
  clearPreview();
  let h;
  try {
    h = await client.head(state.bucket, key);
  } catch (e) {
    show("details-error", words(e));
    return;
  }
  if (state.detailsKey !== key) return;
  const rows = [["Key", key], ["Size", `${size(h.size)} (${h.size.toLocaleString()} bytes)`], ["ETag", h.etag],
    ["Content type", h.contentType], ["Last modified", h.modified ? new Date(h.modified).toLocaleString() : ""]];
  for (const [k, v] of Object.entries(h.meta)) rows.push(["x-amz-meta-" + k, v]);
  $("details-list").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { textContent: k }), el("dd", { textContent: v, dataset: { field: k } })]));
  preview(key, h);
}

const textTypes = /^(text\/|application\/(json|xml|javascript|x-yaml|yaml)\b)/;
const textExt = /\.(txt|md|json|csv|log|xml|ya?ml|ini|conf|toml|js|go|py|sh|html|css)$/i;

async function preview(key, h) {
  const image = h.contentType.startsWith("image/") && h.contentType !== "image/svg+xml" && h.size <= 20 << 20;
  const text = (textTypes.test(h.contentType) || textExt.test(key)) && h.size <= 1 << 20;
  if (!image && !text) return;
  try {
    const r = await client.get(state.bucket, key);
    if (state.detailsKey !== key) return;
    if (image) {
      previewURL = URL.createObjectURL(await r.blob());
      $("preview").replaceChildren(el("img", { src: previewURL, alt: "Preview of " + key }));
    } else {
      let body = await r.text();
      if (/json/.test(h.contentType) || /\.json$/i.test(key)) {
        try { body = JSON.stringify(JSON.parse(body), null, 2); } catch { /* shown as it is */ }
      }
      $("preview").replaceChildren(el("pre", { id: "preview-text", textContent: body }));
    }
  } catch (e) {
    show("details-error", "Preview: " + words(e));
  }
}

async function download() {
  const key = state.detailsKey;
  try {
    const url = await client.presign(state.bucket, key, 300);
    const a = el("a", { href: url, download: key.split("/").pop() || "download" });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) {
    show("details-error", words(e));
  }
}

async function share() {
  try {
    $("share-url").value = await client.presign(state.bucket, state.detailsKey, Number($("share-expiry").value));
    $("share-url").hidden = $("share-copy").hidden = $("share-hint").hidden = false;
    $("share-url").select();
  } catch (e) {
    show("details-error", words(e));
  }
}

async function copyShare() {
  try {
    await navigator.clipboard.writeText($("share-url").value);
    $("share-copy").textContent = "Copied";
  } catch {
    $("share-url").select();
    $("share-copy").textContent = "Press Ctrl+C";
  }
  setTimeout(() => { $("share-copy").textContent = "Copy"; }, 2000);
}

async function deleteOne() {
  const key = state.detailsKey;
  if (!armed($("delete-object"), "Really delete? Click again")) return;
  try {
    await client.deleteObject(state.bucket, key);
    closeDetails();
    list(false);
  } catch (e) {
    show("details-error", words(e));
  }
}

let filterTimer = 0;

async function init() {
  try {
    const cfg = await (await fetch("config.json", { cache: "no-store" })).json();
    if (cfg.region) region = cfg.region;
  } catch { /* the default region */ }
  $("signin").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("server-button").addEventListener("click", toggleServer);
  $("create-bucket").addEventListener("submit", createBucket);
  $("refresh").addEventListener("click", () => list(false));
  $("load-more").addEventListener("click", () => list(true));
  $("filter").addEventListener("input", () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => { state.filter = $("filter").value; list(false); }, 250);
  });
  $("upload-input").addEventListener("change", (ev) => {
    const files = [...ev.target.files];
    ev.target.value = "";
    if (files.length) uploadFiles(files);
  });
  $("delete-selected").addEventListener("click", deleteSelected);
  $("delete-bucket").addEventListener("click", askDeleteBucket);
  $("delete-bucket-cancel").addEventListener("click", () => { $("delete-bucket-panel").hidden = true; });
  $("delete-bucket-confirm").addEventListener("input", () => {
    const ok = $("delete-bucket-confirm").value === state.bucket;
    $("delete-bucket-go").disabled = $("delete-bucket-empty").disabled = !ok;
  });
  $("delete-bucket-go").addEventListener("click", () => deleteBucket(false));
  $("delete-bucket-empty").addEventListener("click", () => deleteBucket(true));
  $("details-close").addEventListener("click", closeDetails);
  $("download").addEventListener("click", download);
  $("share").addEventListener("click", share);
  $("share-copy").addEventListener("click", copyShare);
  $("delete-object").addEventListener("click", deleteOne);
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape" && !$("details").hidden) closeDetails(); });
  document.body.dataset.ready = "true";
  $("access-key").focus();
}

init();
