// A small S3 client for the console: it signs every request with SigV4 in
// the browser (Web Crypto), so the secret never leaves this tab and the
// server checks each request as it would a CLI's.

const enc = new TextEncoder();
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function hex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(data) {
  return hex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? enc.encode(data) : data));
}

async function hmac(key, msg) {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", k, enc.encode(msg));
}

// uriEncode is SigV4's encoding: everything but unreserved characters,
// and "/" too unless keepSlash (object keys in paths).
export function uriEncode(s, keepSlash) {
  let out = encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  if (keepSlash) out = out.replace(/%2F/g, "/");
  return out;
}

function canonicalQuery(query) {
  return Object.keys(query)
    .map((k) => [uriEncode(k), uriEncode(String(query[k]))])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => k + "=" + v)
    .join("&");
}

function amzDate(now) {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

// objectPath is the path-style path of a bucket or an object.
export function objectPath(bucket, key) {
  let p = "/";
  if (bucket) p += uriEncode(bucket);
  if (key !== undefined && key !== null) p += "/" + uriEncode(key, true);
  return p;
}

// S3Error is an S3 error answer (or a network failure, code "NetworkError").
export class S3Error extends Error {
  constructor(status, code, message) {
    super(message || code || "HTTP " + status);
    this.status = status;
    this.code = code || "HTTP" + status;
  }
}

export function parseXML(text) {
  return new DOMParser().parseFromString(text, "application/xml");
}

function childText(el, name) {
  for (const c of el.children) if (c.localName === name) return c.textContent;
  return "";
}

function childrenNamed(el, name) {
  return Array.from(el.children).filter((c) => c.localName === name);
}

function errorFrom(status, text) {
  if (text && text.includes("<Error")) {
    const doc = parseXML(text);
    const e = doc.getElementsByTagName("Error")[0];
    if (e) return new S3Error(status, childText(e, "Code"), childText(e, "Message"));
  }
  return new S3Error(status, "", "");
}

function xmlEscape(s) {
  return s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]);
}

// Client signs with one key. Dropping it forgets the secret: the console
// keeps it in no storage, only in this object.
export class Client {
  #id;
  #secret;
  #keys = new Map(); // date → signing key
  constructor(accessKeyId, secret, region) {
    this.#id = accessKeyId;
    this.#secret = secret;
    this.region = region || "us-east-1";
  }

  get accessKeyId() {
    return this.#id;
  }

  async #signingKey(date) {
    let k = this.#keys.get(date);
    if (!k) {
      k = await hmac(enc.encode("AWS4" + this.#secret), date);
      for (const part of [this.region, "s3", "aws4_request"]) k = await hmac(k, part);
      this.#keys.clear();
      this.#keys.set(date, k);
    }
    return k;
  }

  async #signature(method, path, query, headers, payloadHash, stamp) {
    // Only host and x-amz-* are signed: a browser may adjust others.
    const names = Object.keys(headers).map((h) => h.toLowerCase())
      .filter((h) => h === "host" || h.startsWith("x-amz-")).sort();
    const lower = {};
    for (const h of Object.keys(headers)) lower[h.toLowerCase()] = String(headers[h]).trim();
    const canonical = [method, path, canonicalQuery(query),
      names.map((n) => n + ":" + lower[n] + "\n").join(""), names.join(";"), payloadHash].join("\n");
    const scope = stamp.slice(0, 8) + "/" + this.region + "/s3/aws4_request";
    const toSign = ["AWS4-HMAC-SHA256", stamp, scope, await sha256Hex(canonical)].join("\n");
    const sig = hex(await hmac(await this.#signingKey(stamp.slice(0, 8)), toSign));
    return { sig, scope, signed: names.join(";") };
  }

  // sign returns the URL and the headers to send for a request.
  async sign(method, path, query = {}, extra = {}, payloadHash = EMPTY_SHA256) {
    const stamp = amzDate(new Date());
    const headers = { host: location.host, "x-amz-date": stamp, "x-amz-content-sha256": payloadHash, ...extra };
    const { sig, scope, signed } = await this.#signature(method, path, query, headers, payloadHash, stamp);
    delete headers.host; // the browser sends it
    headers.Authorization = `AWS4-HMAC-SHA256 Credential=${this.#id}/${scope}, SignedHeaders=${signed}, Signature=${sig}`;
    const q = canonicalQuery(query);
    return { url: path + (q ? "?" + q : ""), headers };
  }

  // presign returns an absolute URL anyone may GET for expires seconds.
  async presign(bucket, key, expires) {
    const stamp = amzDate(new Date());
    const path = objectPath(bucket, key);
    const scope = stamp.slice(0, 8) + "/" + this.region + "/s3/aws4_request";
    const query = {
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": this.#id + "/" + scope,
      "X-Amz-Date": stamp,
      "X-Amz-Expires": String(expires),
      "X-Amz-SignedHeaders": "host",
    };
    const { sig } = await this.#signature("GET", path, query, { host: location.host }, "UNSIGNED-PAYLOAD", stamp);
    return location.origin + path + "?" + canonicalQuery(query) + "&X-Amz-Signature=" + sig;
  }

  // request sends a signed request and throws S3Error unless it succeeds.
  async request(method, path, { query = {}, headers = {}, body = null } = {}) {
    const hash = body === null ? EMPTY_SHA256 : await sha256Hex(body);
    const s = await this.sign(method, path, query, headers, hash);
    let resp;
    try {
      resp = await fetch(s.url, { method, headers: s.headers, body, cache: "no-store" });
    } catch (e) {
      throw new S3Error(0, "NetworkError", String(e));
    }
    if (!resp.ok) throw errorFrom(resp.status, method === "HEAD" ? "" : await resp.text());
    return resp;
  }

  async listBuckets() {
    const doc = parseXML(await (await this.request("GET", "/")).text());
    return Array.from(doc.getElementsByTagName("Bucket"), (b) => ({
      name: childText(b, "Name"),
      created: childText(b, "CreationDate"),
    }));
  }

  // status is the server's admin status (a key with full access only).
  async status() {
    return (await this.request("GET", "/-/admin/status")).json();
  }

  async createBucket(name) {
    await this.request("PUT", objectPath(name));
  }

  async deleteBucket(name) {
    await this.request("DELETE", objectPath(name));
  }

  // list returns one page of ListObjectsV2.
  async list(bucket, { prefix = "", delimiter = "/", token = "", maxKeys = 500 } = {}) {
    const query = { "list-type": "2", "max-keys": String(maxKeys) };
    if (prefix) query.prefix = prefix;
    if (delimiter) query.delimiter = delimiter;
    if (token) query["continuation-token"] = token;
    const doc = parseXML(await (await this.request("GET", objectPath(bucket), { query })).text());
    const root = doc.documentElement;
    return {
      folders: Array.from(doc.getElementsByTagName("CommonPrefixes"), (p) => childText(p, "Prefix")),
      objects: childrenNamed(root, "Contents").map((c) => ({
        key: childText(c, "Key"),
        size: Number(childText(c, "Size")),
        modified: childText(c, "LastModified"),
        etag: childText(c, "ETag"),
      })),
      next: childText(root, "IsTruncated") === "true" ? childText(root, "NextContinuationToken") : "",
    };
  }

  async head(bucket, key) {
    const r = await this.request("HEAD", objectPath(bucket, key));
    const meta = {};
    r.headers.forEach((v, k) => {
      if (k.startsWith("x-amz-meta-")) meta[k.slice(11)] = v;
    });
    return {
      size: Number(r.headers.get("Content-Length")),
      etag: r.headers.get("ETag") || "",
      contentType: r.headers.get("Content-Type") || "",
      modified: r.headers.get("Last-Modified") || "",
      meta,
    };
  }

  async get(bucket, key) {
    return this.request("GET", objectPath(bucket, key));
  }

  async deleteObject(bucket, key) {
    await this.request("DELETE", objectPath(bucket, key));
  }

  // deleteObjects deletes up to 1000 keys and returns the ones it could not.
  async deleteObjects(bucket, keys) {
    const body = "<Delete><Quiet>true</Quiet>" +
      keys.map((k) => "<Object><Key>" + xmlEscape(k) + "</Key></Object>").join("") + "</Delete>";
    const r = await this.request("POST", objectPath(bucket), { query: { delete: "" }, body,
      headers: { "content-type": "application/xml" } });
    const doc = parseXML(await r.text());
    return Array.from(doc.getElementsByTagName("Error"), (e) => ({
      key: childText(e, "Key"), code: childText(e, "Code"), message: childText(e, "Message"),
    }));
  }

  // empty deletes every object in a bucket, a page at a time; it calls
  // progress with the count deleted so far.
  async empty(bucket, progress) {
    let token = "", done = 0;
    for (;;) {
      const page = await this.list(bucket, { delimiter: "", token, maxKeys: 1000 });
      if (page.objects.length) {
        const failed = await this.deleteObjects(bucket, page.objects.map((o) => o.key));
        if (failed.length) throw new S3Error(0, failed[0].code, `${failed[0].key}: ${failed[0].message}`);
        done += page.objects.length;
        progress?.(done);
      }
      if (!page.next) return done;
      token = page.next;
    }
  }

  // #xhr sends body with XMLHttpRequest, for its upload progress events.
  async #xhr(method, path, query, body, headers, onProgress) {
    const s = await this.sign(method, path, query, headers, "UNSIGNED-PAYLOAD");
    return new Promise((resolve, reject) => {
      const x = new XMLHttpRequest();
      x.open(method, s.url);
      for (const [k, v] of Object.entries(s.headers)) x.setRequestHeader(k, v);
      x.upload.onprogress = (e) => onProgress?.(e.loaded);
      x.onload = () => {
        if (x.status >= 200 && x.status < 300) resolve(x.getResponseHeader("ETag") || "");
        else reject(errorFrom(x.status, x.responseText));
      };
      x.onerror = () => reject(new S3Error(0, "NetworkError", "the upload was interrupted"));
      x.send(body);
    });
  }

  // upload stores file at key: one PUT, or above multipartThreshold a
  // multipart upload with parts sent in parallel. onProgress gets the
  // bytes sent so far.
  async upload(bucket, key, file, onProgress) {
    const headers = { "content-type": file.type || "application/octet-stream" };
    if (file.size <= multipartThreshold) {
      return this.#xhr("PUT", objectPath(bucket, key), {}, file, headers, onProgress);
    }
    const path = objectPath(bucket, key);
    const created = parseXML(await (await this.request("POST", path, { query: { uploads: "" }, headers })).text());
    const uploadId = created.getElementsByTagName("UploadId")[0]?.textContent;
    if (!uploadId) throw new S3Error(0, "InternalError", "no UploadId in the answer");
    const partSize = Math.max(partSizeMin, Math.ceil(file.size / 10000));
    const count = Math.ceil(file.size / partSize);
    const sent = new Array(count).fill(0);
    const etags = new Array(count);
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const part = file.slice(i * partSize, Math.min(file.size, (i + 1) * partSize));
        etags[i] = await this.#xhr("PUT", path, { partNumber: String(i + 1), uploadId }, part, {}, (n) => {
          sent[i] = n;
          onProgress?.(sent.reduce((a, b) => a + b, 0));
        });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(partConcurrency, count) }, worker));
      const body = "<CompleteMultipartUpload>" + etags.map((e, i) =>
        `<Part><PartNumber>${i + 1}</PartNumber><ETag>${xmlEscape(e)}</ETag></Part>`).join("") + "</CompleteMultipartUpload>";
      const r = await this.request("POST", path, { query: { uploadId }, body, headers: { "content-type": "application/xml" } });
      const text = await r.text();
      if (text.includes("<Error")) throw errorFrom(r.status, text); // S3 may fail a Complete inside a 200
      return parseXML(text).getElementsByTagName("ETag")[0]?.textContent || "";
    } catch (e) {
      await this.request("DELETE", path, { query: { uploadId } }).catch(() => {});
      throw e;
    }
  }
}

// Above multipartThreshold bytes a file is uploaded in parts of at least
// partSizeMin, partConcurrency at a time.
export const multipartThreshold = 16 << 20;
const partSizeMin = 8 << 20;
const partConcurrency = 4;
