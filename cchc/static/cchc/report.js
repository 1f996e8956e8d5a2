// Report entry page: autosave of every field, derived values and checks refreshed from
// the server's answer, unsaved work kept in localStorage until the server has it.
(function () {
  "use strict";
  // A chart the report has no figures for answers 404: leave no broken image behind.
  document.querySelectorAll("img.report-chart").forEach((img) => {
    if (img.complete && img.naturalWidth === 0 && img.src) img.remove();
    else img.addEventListener("error", () => img.remove());
  });

  const sheet = document.getElementById("sheet");
  if (!sheet || sheet.dataset.editable !== "1") return;

  const reportId = sheet.dataset.report;
  const saveUrl = sheet.dataset.saveUrl;
  const storeKey = "cchc-report-" + reportId + "-pending";
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const stateEl = document.getElementById("save-state");
  const timers = new Map();
  let inFlight = 0;

  function loadPending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { return {}; }
  }
  function storePending(pending) {
    if (Object.keys(pending).length) localStorage.setItem(storeKey, JSON.stringify(pending));
    else localStorage.removeItem(storeKey);
  }
  function setState(text, cls) { stateEl.textContent = text; stateEl.className = "save-state " + (cls || ""); }

  function fieldId(el) {
    if (el.classList.contains("narr")) return "narr:" + el.dataset.url;
    return (el.classList.contains("note") ? "note:" : "value:") + el.dataset.key;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { /* non-JSON error page */ }
    return { ok: response.ok, status: response.status, data };
  }

  function renderIssues(issues) {
    const list = document.getElementById("issue-list");
    list.innerHTML = "";
    document.querySelectorAll(".field-msg").forEach((el) => { if (!el.dataset.input) el.textContent = ""; });
    document.querySelectorAll("tr.has-issue").forEach((tr) => tr.classList.remove("has-issue"));
    if (!issues.length) {
      const li = document.createElement("li"); li.className = "ok"; li.textContent = "Không phát hiện lỗi.";
      list.appendChild(li); return;
    }
    for (const issue of issues) {
      const li = document.createElement("li"); li.className = issue.severity; li.textContent = issue.message;
      list.appendChild(li);
      for (const key of issue.keys) {
        const row = document.getElementById("row-" + key);
        if (row) row.classList.add("has-issue");
      }
    }
  }

  // A drafted section whose figures changed since: the warning and its confirm button.
  function renderStale(stale) {
    document.querySelectorAll("#narrative .outline[data-section]").forEach((div) => {
      const message = stale[div.dataset.section];
      let box = document.getElementById("stale-" + div.dataset.section);
      div.classList.toggle("stale", !!message);
      if (!message) { if (box) box.remove(); return; }
      if (!box) {
        box = document.createElement("div");
        box.className = "stale-msg warning"; box.id = "stale-" + div.dataset.section;
        box.setAttribute("role", "alert");
        box.appendChild(document.createElement("span"));
        if (div.dataset.confirmUrl) {
          const form = document.createElement("form");
          form.method = "post"; form.action = div.dataset.confirmUrl; form.className = "inline";
          const token = document.createElement("input");
          token.type = "hidden"; token.name = "csrfmiddlewaretoken"; token.value = csrf;
          const button = document.createElement("button");
          button.type = "submit"; button.className = "confirm-narrative";
          button.textContent = "Xác nhận nội dung vẫn đúng";
          form.append(token, button);
          flushBeforeSubmit(form);
          box.appendChild(form);
        }
        div.querySelector("label").after(box);
      }
      const text = box.querySelector("span") || box.insertBefore(document.createElement("span"), box.firstChild);
      text.textContent = "⚠ " + message + " ";
    });
  }

  // Beside a register-fed value: whether it is the register's figure or an override.
  function renderSource(key, source) {
    const small = document.getElementById("src-" + key);
    if (!small || !source) return;
    small.textContent = source.label;
    small.classList.toggle("overridden", !!source.overridden);
  }

  function applyServerState(data) {
    for (const [key, text] of Object.entries(data.derived || {})) {
      const out = document.getElementById("v-" + key);
      if (out && out.tagName === "OUTPUT") out.textContent = text;
    }
    if (data.issues) renderIssues(data.issues);
    if (data.stale) renderStale(data.stale);
    if (data.key && data.source) renderSource(data.key, data.source);
  }

  function showFieldError(key, message) {
    const msg = document.getElementById("msg-" + key);
    if (msg) { msg.textContent = message || ""; msg.dataset.input = message ? "1" : ""; }
    const row = document.getElementById("row-" + key);
    if (row) row.classList.toggle("bad-input", !!message);
  }

  async function send(id) {
    const pending = loadPending();
    const item = pending[id];
    if (!item) return;
    inFlight++;
    setState("Đang lưu…", "busy");
    try {
      let result;
      if (id.startsWith("narr:")) {
        const body = { text: item.text };
        if (item.basis) body.basis = item.basis;  // the signed figures of a draft
        result = await post(item.url, body);
      } else {
        const body = { key: item.key, version: item.version };
        body[item.field] = item.text;
        if (item.reason !== undefined) body.reason = item.reason;
        result = await post(saveUrl, body);
      }
      const now = loadPending();
      if (now[id] && now[id].t === item.t) { delete now[id]; storePending(now); }
      if (result.ok && item.key) {
        // Our own write moved the row to a new version: so do edits queued on the old one.
        const row = document.getElementById("row-" + item.key);
        if (row) row.dataset.version = result.data.version;
        const later = loadPending();
        for (const other of Object.values(later)) {
          if (other.key === item.key && other.version === item.version) other.version = result.data.version;
        }
        storePending(later);
      }
      if (result.ok) {
        if (item.field === "value") {
          showFieldError(item.key, "");
          const input = document.getElementById("v-" + item.key);
          if (input && document.activeElement !== input && input.tagName === "INPUT") input.value = result.data.display;
        }
        applyServerState(result.data);
        setState("Đã lưu lúc " + new Date().toLocaleTimeString("vi-VN"), "ok");
      } else if (result.status === 409 && result.data.stale) {
        showConflict(item, result.data);
        setState("Có ô đã được sửa ở nơi khác: xem thông báo tại ô đó", "bad");
      } else if (result.status === 422 || result.status === 403) {
        if (item.key) showFieldError(item.key, result.data.error);
        setState("Có ô chưa lưu được: xem thông báo tại ô đó", "bad");
      } else {
        throw new Error("HTTP " + result.status);
      }
    } catch (e) {
      // Network or server failure: keep the edit and retry; it is still in localStorage.
      setState("Chưa lưu được — sẽ tự thử lại", "bad");
      setTimeout(() => send(id), 5000);
    } finally {
      inFlight--;
    }
  }

  // Another tab or person saved the row after this page read it: nothing was written; show
  // both values and let the user keep theirs (sent again over the new version) or take the other.
  function showConflict(item, data) {
    const msg = document.getElementById("msg-" + item.key);
    const row = document.getElementById("row-" + item.key);
    if (!msg || !row) return;
    const theirs = item.field === "note" ? data.current_note : data.current;
    msg.textContent = ""; msg.dataset.input = "1";
    row.classList.add("bad-input", "conflict");
    const text = document.createElement("span");
    text.textContent = data.error + " Giá trị đã lưu: «" + (theirs || "(trống)") + "»; giá trị của bạn: «" + (item.text || "(trống)") + "». ";
    const keep = document.createElement("button");
    keep.type = "button"; keep.className = "keep-mine"; keep.textContent = "Giữ giá trị của tôi";
    const take = document.createElement("button");
    take.type = "button"; take.className = "take-theirs"; take.textContent = "Dùng giá trị đã lưu";
    const done = () => { row.dataset.version = data.version; showFieldError(item.key, ""); row.classList.remove("conflict"); };
    keep.addEventListener("click", () => {
      done();
      const pending = loadPending();
      const id = (item.field === "note" ? "note:" : "value:") + item.key;
      pending[id] = Object.assign({}, item, { t: Date.now(), version: data.version });
      storePending(pending);
      send(id);
    });
    take.addEventListener("click", () => {
      done();
      const selector = item.field === "note" ? 'textarea.note[data-key="' + item.key + '"]' : "#v-" + item.key;
      const field = document.querySelector(selector);
      if (field) field.value = theirs || "";
    });
    msg.append(text, keep, " ", take);
  }

  function queue(el, delay) {
    const id = fieldId(el);
    const pending = loadPending();
    const item = { t: Date.now(), text: el.value };
    if (el.classList.contains("narr")) { item.url = el.dataset.url; if (el.dataset.basis) item.basis = el.dataset.basis; }
    else {
      item.key = el.dataset.key; item.field = el.classList.contains("note") ? "note" : "value";
      // The version the edit was made on: that of an earlier unsaved edit of the field, else
      // the row's as last read or saved.
      const row = document.getElementById("row-" + item.key);
      item.version = pending[id] ? pending[id].version : (row ? row.dataset.version : undefined);
    }
    const reason = document.querySelector('input.reason[data-key="' + el.dataset.key + '"]');
    if (item.field === "value" && reason) item.reason = reason.value;
    pending[id] = item;
    storePending(pending);
    setState("Chưa lưu…", "busy");
    clearTimeout(timers.get(id));
    timers.set(id, setTimeout(() => send(id), delay));
  }

  async function flushAll() {
    for (const [id, timer] of timers) { clearTimeout(timer); }
    timers.clear();
    await Promise.all(Object.keys(loadPending()).map((id) => send(id)));
  }

  document.querySelectorAll(".val, .note").forEach((el) => {
    const event = el.tagName === "SELECT" ? "change" : "input";
    el.addEventListener(event, () => queue(el, el.tagName === "SELECT" ? 0 : 400));
    el.addEventListener("blur", () => { if (timers.has(fieldId(el))) { clearTimeout(timers.get(fieldId(el))); send(fieldId(el)); } });
  });
  // A reason typed for overriding a register figure resends the value with it.
  document.querySelectorAll("input.reason").forEach((el) => {
    el.addEventListener("input", () => {
      const value = document.getElementById("v-" + el.dataset.key);
      if (value) queue(value, 600);
    });
  });
  document.querySelectorAll(".narr").forEach((el) => {
    el.addEventListener("input", () => queue(el, 1000));
  });

  // Keyboard: Enter in a value field moves to the next value field (Shift+Enter: previous).
  const inputs = Array.from(document.querySelectorAll("input.val, select.val"));
  inputs.forEach((el, index) => {
    el.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      const next = inputs[index + (event.shiftKey ? -1 : 1)];
      if (next) { next.focus(); if (next.select) next.select(); }
    });
  });

  // Growing text areas.
  document.querySelectorAll("textarea.note, textarea.val, textarea.narr").forEach((el) => {
    const grow = () => { el.style.height = "auto"; el.style.height = el.scrollHeight + 2 + "px"; };
    el.addEventListener("input", grow); grow();
  });

  // Evidence: typing a citation fills the document fields.
  document.querySelectorAll("input.citation").forEach((el) => {
    let timer;
    el.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const url = sheet.dataset.citationUrl + "?text=" + encodeURIComponent(el.value);
        const response = await fetch(url, { credentials: "same-origin" });
        const data = await response.json();
        if (!data.found) return;
        const form = el.closest("form");
        for (const name of ["doc_type", "number_symbol", "issued_on", "issuer", "summary"]) {
          form.querySelector("[name=" + name + "]").value = data[name] || "";
        }
      }, 250);
    });
  });

  // "Soạn từ số liệu": the section's draft replaces the text (asked first when it has text),
  // then autosaves like typing.
  document.querySelectorAll("button.redraft").forEach((button) => {
    button.addEventListener("click", async () => {
      const area = document.getElementById(button.dataset.target);
      if (area.value.trim() && !confirm("Thay nội dung đang có bằng bản soạn từ số liệu?")) return;
      await flushAll();
      const response = await fetch(button.dataset.url, { credentials: "same-origin" });
      const data = await response.json();
      if (!response.ok) { setState(data.error || "Không soạn được", "bad"); return; }
      area.value = data.text;
      area.dataset.basis = data.basis;  // saved with the text: the figures it was drafted from
      area.dispatchEvent(new Event("input"));
      const stale = document.getElementById("stale-" + button.dataset.target.slice(2));
      if (stale) stale.remove();
    });
  });

  // Forms that leave the page wait until every typed value is saved.
  function flushBeforeSubmit(form) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      await flushAll();
      form.submit();  // no second submit event: the form's own checks already ran
    });
  }
  document.querySelectorAll("form[data-flush]").forEach(flushBeforeSubmit);

  window.addEventListener("beforeunload", (event) => {
    if (Object.keys(loadPending()).length || inFlight) { event.preventDefault(); event.returnValue = ""; }
  });

  // Work typed earlier that never reached the server (closed tab, lost network): restore and resend.
  const leftover = loadPending();
  for (const [id, item] of Object.entries(leftover)) {
    let el = null;
    if (id.startsWith("narr:")) el = document.querySelector('.narr[data-url="' + item.url + '"]');
    else if (item.field === "note") el = document.querySelector('.note[data-key="' + item.key + '"]');
    else el = document.getElementById("v-" + item.key);
    if (el) el.value = item.text;
    send(id);
  }
  if (Object.keys(leftover).length) setState("Đã khôi phục nội dung chưa lưu", "busy");
})();
