// parlens web UI: upload with progress and per-file results (fetch to POST /documents?background=true, then GET /jobs/{id}).
"use strict";

const STATUS_VI = { ingested: "Đã đọc", duplicate: "Đã có", failed: "Lỗi" };
let uploadResults = []; // every file result shown for the current upload, for its summary

function cell(row, text, href) {
  const td = document.createElement("td");
  if (href) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    td.appendChild(a);
  } else {
    td.textContent = text;
  }
  row.appendChild(td);
  return td;
}

function append(parent, tag, text, className) {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  parent.appendChild(node);
  return node;
}

function technical(parent, lines) {
  // The English detail of an error or warning, kept out of the message, under "Chi tiết kỹ thuật".
  const shown = lines.filter(Boolean);
  if (!shown.length) return;
  const box = append(parent, "details", "", "technical");
  append(box, "summary", "Chi tiết kỹ thuật");
  for (const line of shown) append(box, "p", line).lang = "en";
}

function errorMessage(error) {
  // "PARLENS-E003 · Tệp PDF bị hỏng hoặc không trọn vẹn. <what to do>" (Vietnamese; the English title only as a fallback).
  const title = error.title_vi || error.title || "";
  return error.code + " · " + title + (error.hint_vi ? ". " + error.hint_vi : "");
}

function warningCodes(f) {
  // One entry per distinct warning code of a file (a warning without a code keeps its own text).
  const seen = new Map();
  for (const w of f.warnings || []) {
    const key = w.code || w.text;
    if (!seen.has(key)) seen.set(key, { ...w, count: 0 });
    seen.get(key).count += 1;
  }
  return [...seen.values()];
}

function detailsCell(row, f) {
  const td = cell(row, "");
  if (f.error) {
    append(td, "p", f.error.code + " · " + (f.error.title_vi || f.error.title || ""), "bad");
    if (f.error.hint_vi) append(td, "p", f.error.hint_vi);
    technical(td, [f.error.detail]);
    return;
  }
  if (f.status === "duplicate") {
    append(td, "p", "Tệp này đã có trong kho (#" + f.document_id + ").");
  } else if (f.document_id) {
    const link = append(td, "a", "Xem nhiệm vụ");
    link.href = "/nhiem-vu?document=" + f.document_id;
  }
  if (f.duplicate_of && f.duplicate_of.id) {
    const p = append(td, "p", "", "duplicate-of");
    p.append("≈ bản khác của ");
    const a = append(p, "a", "#" + f.duplicate_of.id);
    a.href = "/van-ban/" + f.duplicate_of.id;
    const about = [f.duplicate_of.title, f.duplicate_of.tasks != null ? f.duplicate_of.tasks + " nhiệm vụ" : ""].filter(Boolean);
    if (about.length) p.append(" (" + about.join(" · ") + ")");
  }
  const codes = warningCodes(f);
  if (codes.length) {
    const list = append(td, "ul", "", "warnings");
    for (const w of codes) {
      const label = w.code ? w.code + " " + (w.title_vi || w.title || "") : "Cảnh báo";
      append(list, "li", "⚠ " + label + (w.count > 1 ? " (" + w.count + " lần)" : ""));
    }
    technical(td, (f.warnings || []).map((w) => w.text));
  }
}

function showResults(files) {
  const table = document.getElementById("results");
  const body = table.querySelector("tbody");
  table.hidden = false;
  for (const f of files) {
    uploadResults.push(f);
    const row = document.createElement("tr");
    row.className = "result " + f.status + ((f.warnings || []).length ? " warned" : "");
    cell(row, f.file);
    const label = STATUS_VI[f.status] || f.status;
    if (f.document_id) {
      const td = cell(row, label + " #" + f.document_id, "/van-ban/" + f.document_id);
      if (f.status === "duplicate") td.append(" · " + f.tasks + " nhiệm vụ"); // "Đã có #34 · 20 nhiệm vụ"
    } else {
      cell(row, label);
    }
    cell(row, f.status === "failed" ? "—" : String(f.tasks));
    detailsCell(row, f);
    body.appendChild(row);
  }
}

function summaryText(results) {
  // "Xong 3 tệp: 1 đã đọc, 1 đã có, 1 lỗi · 2 tệp có cảnh báo (PARLENS-E011, PARLENS-W003)."
  const count = (status) => results.filter((f) => f.status === status).length;
  const parts = [["ingested", "đã đọc"], ["duplicate", "đã có"], ["failed", "lỗi"]]
    .filter(([status]) => count(status)).map(([status, label]) => count(status) + " " + label);
  let text = "Xong " + results.length + " tệp" + (parts.length ? ": " + parts.join(", ") : "");
  const warned = results.filter((f) => (f.warnings || []).length || (f.duplicate_of && f.duplicate_of.id));
  if (warned.length) {
    const codes = new Set();
    for (const f of warned) for (const w of warningCodes(f)) if (w.code) codes.add(w.code);
    text += " · " + warned.length + " tệp có cảnh báo" + (codes.size ? " (" + [...codes].join(", ") + ")" : "");
  }
  return text + ".";
}

function progressText(data) {
  // What the file being read is doing: "Đang nhận dạng chữ (OCR) trang 3/6 · ke-hoach.pdf (tệp 1/2)…".
  const p = data.progress;
  const position = "tệp " + Math.min(data.done + 1, data.total) + "/" + data.total;
  if (!p) return "Đang xử lý " + data.done + "/" + data.total + " tệp…";
  const where = p.file + " (" + position + ")";
  if (p.stage === "ocr") return "Đang nhận dạng chữ (OCR) trang " + p.page + "/" + p.pages + " · " + where + "…";
  if (p.stage === "read" && p.page < p.pages) return "Đang đọc trang " + p.page + "/" + p.pages + " · " + where + "…";
  if (p.stage === "read") return "Đã đọc " + p.pages + " trang, đang tìm nhiệm vụ · " + where + "…";
  return "Đang đọc " + where + "…";
}

async function pollJob(job, progress, status) {
  let shown = 0;
  for (;;) {
    const answer = await fetch("/jobs/" + encodeURIComponent(job.id), { headers: { Accept: "application/json" } });
    const data = await answer.json();
    if (!answer.ok) {
      status.textContent = data.error ? errorMessage(data.error) : "Lỗi " + answer.status;
      return;
    }
    showResults(data.files.slice(shown));
    shown = data.files.length;
    const p = data.progress;
    progress.max = Math.max(data.total, 1);
    progress.value = data.done + (p && p.pages ? Math.min(p.page / p.pages, 0.99) : 0);
    status.textContent = progressText(data);
    if (data.status === "done" || data.status === "cancelled") {
      status.textContent = (data.status === "cancelled" ? "Đã hủy. " : "") + summaryText(uploadResults);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function upload(event) {
  event.preventDefault();
  const form = event.target;
  const input = document.getElementById("files");
  const progress = document.getElementById("progress");
  const status = document.getElementById("upload-status");
  if (!input.files.length) {
    status.textContent = "Chọn ít nhất một tệp.";
    return;
  }
  uploadResults = [];
  const limit = Number(form.dataset.maxBytes || 0);
  const body = new FormData();
  const tooLarge = [];
  for (const file of input.files) {
    if (limit && file.size > limit) {
      tooLarge.push({ file: file.name, status: "failed", tasks: 0, document_id: null,
        error: { code: "PARLENS-E004", title_vi: "Tệp quá lớn", detail: file.size + " bytes",
          hint_vi: "Tách tệp thành nhiều phần nhỏ hơn rồi tải lên, hoặc nhờ quản trị viên nâng giới hạn kích thước tệp." } });
    } else {
      body.append("files", file, file.name);
    }
  }
  if (tooLarge.length) showResults(tooLarge);
  if (!body.has("files")) {
    status.textContent = summaryText(uploadResults);
    return;
  }
  progress.hidden = false;
  progress.removeAttribute("value");
  status.textContent = "Đang tải lên…";
  form.querySelector("button").disabled = true;
  try {
    // Always a job, so the page can show which page is being read (or OCRed) while it waits.
    const answer = await fetch("/documents?background=true", { method: "POST", body, headers: { Accept: "application/json" } });
    const data = await answer.json();
    if (answer.status === 202) {
      if (data.refused) showResults(data.refused);
      await pollJob(data, progress, status);
    } else if (data.files) {
      showResults(data.files);
      progress.max = 1;
      progress.value = 1;
      status.textContent = summaryText(uploadResults);
    } else {
      status.textContent = data.error ? errorMessage(data.error) : "Lỗi " + answer.status;
    }
  } catch (err) {
    status.textContent = "Mất kết nối với máy chủ; kiểm tra mạng rồi tải lên lại.";
  } finally {
    form.querySelector("button").disabled = false;
    input.value = "";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (form) form.addEventListener("submit", upload);
  const anchor = document.getElementById("doan");
  if (anchor) anchor.scrollIntoView({ block: "center" });
});

// -- the tracker: status, corrections, evidence and the Excel import (every write goes to the JSON API) --

const ROW_RESULT_VI = { updated: "Đã cập nhật", unchanged: "Không đổi", error: "Lỗi" };

function errorText(data, status) {
  if (data && data.error) {
    const e = data.error; // Vietnamese title and what to do in the UI (the English detail stays in the JSON)
    if (e.title_vi) return e.code + " · " + e.title_vi + (e.hint_vi ? ". " + e.hint_vi : "");
    return e.code + " · " + e.title + (e.detail ? ": " + e.detail : "") + (e.hint ? ". " + e.hint : "");
  }
  if (data && Array.isArray(data.detail)) {
    return "Dữ liệu không hợp lệ: " + data.detail.map((d) => (d.loc || []).slice(1).join(".") + " " + d.msg).join("; ");
  }
  return "Lỗi " + status;
}

async function callApi(method, url, body) {
  const options = { method, headers: { Accept: "application/json" } };
  if (body instanceof FormData) {
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let answer;
  try {
    answer = await fetch(url, options);
  } catch (err) {
    return { ok: false, status: 0, data: null, message: "Mất kết nối với máy chủ: " + err };
  }
  let data = null;
  if (answer.status !== 204) {
    try {
      data = await answer.json();
    } catch (err) {
      data = null;
    }
  }
  return { ok: answer.ok, status: answer.status, data, message: answer.ok ? "" : errorText(data, answer.status) };
}

function say(element, text, bad) {
  if (!element) return;
  element.hidden = false;
  element.textContent = text;
  element.classList.toggle("bad", Boolean(bad));
}

function vnDate(iso) {
  if (!iso) return "—";
  const [y, m, d] = iso.slice(0, 10).split("-");
  return d + "/" + m + "/" + y;
}

function reloadWith(notice, path) {
  const url = new URL(path || window.location.pathname, window.location.origin);
  url.searchParams.set("thong_bao", notice);
  window.location.assign(url.pathname + url.search);
}

function badge(className, text) {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}

// Nhiệm vụ list: "Đánh dấu hoàn thành" updates the row in place from the task the API answers with.
function updateTaskRow(row, task) {
  const t = task.tracking;
  row.classList.toggle("overdue", t.timeliness === "qua_han");
  row.classList.toggle("done", t.status === "hoan_thanh");
  const status = row.querySelector("td.status");
  status.replaceChildren(badge("status-label s-" + t.status, t.status_label));
  if (t.completed_on) {
    status.append(document.createElement("br"), badge("muted", vnDate(t.completed_on)));
  }
  const timeliness = row.querySelector("td.timeliness");
  timeliness.replaceChildren(t.timeliness
    ? badge("badge t-" + t.timeliness, (t.timeliness === "qua_han" ? "⚠ " : "") + t.timeliness_label)
    : badge("muted", "—"));
  const due = row.querySelector("td.due");
  if (due && t.due) {
    const recurring = task.deadline && task.deadline.recurrence && task.deadline.recurrence.length;
    due.replaceChildren(document.createTextNode(vnDate(t.due)));
    if (recurring) due.append(" ", badge("tag recurring", "lặp lại"));
  }
  const cell = row.querySelector("td.actions");
  if (cell) {
    const recurring = task.deadline && task.deadline.recurrence && task.deadline.recurrence.length;
    if (t.status === "hoan_thanh") {
      cell.replaceChildren(badge("done-mark", "✓ Xong"));
    } else if (recurring) {
      const button = cell.querySelector("button.mark-done");
      if (button && t.due) button.dataset.occurrence = t.due;
    }
  }
}

async function markDone(button) {
  const message = document.getElementById("task-message");
  const body = { status: "hoan_thanh" };
  if (button.dataset.occurrence) body.occurrence = button.dataset.occurrence;
  button.disabled = true;
  const answer = await callApi("PATCH", "/tasks/" + encodeURIComponent(button.dataset.task), body);
  button.disabled = false;
  if (!answer.ok) {
    say(message, "Không cập nhật được nhiệm vụ #" + button.dataset.task + ": " + answer.message, true);
    return;
  }
  const row = button.closest("tr");
  updateTaskRow(row, answer.data);
  say(message, body.occurrence
    ? "Đã đánh dấu hoàn thành kỳ hạn " + vnDate(body.occurrence) + " của nhiệm vụ #" + button.dataset.task + "."
    : "Đã đánh dấu hoàn thành nhiệm vụ #" + button.dataset.task + ".");
}

function showImport(data, status) {
  const box = document.getElementById("import-result");
  box.replaceChildren();
  if (!data || !Array.isArray(data.rows)) {
    box.append(badge("bad", "Không nhập được tệp: " + errorText(data, status)));
    return;
  }
  const summary = document.createElement("p");
  summary.className = data.errors ? "bad" : "good";
  summary.id = "import-summary";
  summary.textContent = data.errors
    ? "Có " + data.errors + " dòng lỗi: chưa cập nhật nhiệm vụ nào. Sửa các dòng dưới đây rồi nhập lại cả tệp."
    : "Đã nhập: " + data.updated + " nhiệm vụ được cập nhật, " + data.unchanged + " không đổi.";
  box.append(summary);
  if (!data.rows.length) return;
  const table = document.createElement("table");
  table.className = "grid import-rows";
  const head = document.createElement("tr");
  for (const label of ["Dòng", "Mã", "Kết quả", "Lý do"]) {
    const th = document.createElement("th");
    th.textContent = label;
    head.append(th);
  }
  table.createTHead().append(head);
  const body = table.createTBody();
  for (const r of data.rows) {
    const row = document.createElement("tr");
    row.className = "import-row " + r.result;
    cell(row, String(r.row));
    if (r.task_id) cell(row, "#" + r.task_id, "/nhiem-vu/" + r.task_id); else cell(row, "—");
    cell(row, ROW_RESULT_VI[r.result] || r.result);
    cell(row, r.reason || "");
    body.append(row);
  }
  box.append(table);
}

async function importSheet(event) {
  event.preventDefault();
  const form = event.target;
  const input = document.getElementById("import-file");
  const box = document.getElementById("import-result");
  if (!input.files.length) {
    box.replaceChildren(badge("bad", "Chọn tệp Excel (.xlsx) đã điền."));
    return;
  }
  const body = new FormData();
  body.append("file", input.files[0], input.files[0].name);
  const button = form.querySelector("button");
  button.disabled = true;
  box.replaceChildren(badge("muted", "Đang nhập…"));
  const answer = await callApi("POST", "/tasks/import", body);
  button.disabled = false;
  if (answer.status === 0) {
    box.replaceChildren(badge("bad", answer.message));
    return;
  }
  showImport(answer.data, answer.status);
  if (answer.ok && answer.data.updated) {
    const refresh = document.createElement("a");
    refresh.href = window.location.pathname + window.location.search;
    refresh.textContent = "Tải lại danh sách để xem tình trạng mới";
    refresh.id = "import-refresh";
    box.append(refresh);
  }
}

// Task page: status, occurrences, corrections, deletion.
async function saveStatus(event) {
  event.preventDefault();
  const form = event.target;
  const message = document.getElementById("task-message");
  const status = form.elements.status.value;
  const body = { status, assignee: form.elements.assignee.value.trim() || null, note: form.elements.note.value.trim() || null };
  if (status === "hoan_thanh" && form.elements.completed_on.value) body.completed_on = form.elements.completed_on.value;
  if (form.dataset.occurrence) body.occurrence = form.dataset.occurrence;
  const answer = await callApi("PATCH", "/tasks/" + encodeURIComponent(form.dataset.task), body);
  if (!answer.ok) {
    say(message, "Không lưu được: " + answer.message, true);
    return;
  }
  reloadWith("trang-thai");
}

async function setOccurrence(button) {
  const message = document.getElementById("task-message");
  const task = document.getElementById("task-info").dataset.task;
  const answer = await callApi("PATCH", "/tasks/" + encodeURIComponent(task),
    { status: button.dataset.status, occurrence: button.dataset.occurrence });
  if (!answer.ok) {
    say(message, "Không lưu được kỳ " + vnDate(button.dataset.occurrence) + ": " + answer.message, true);
    return;
  }
  reloadWith("trang-thai");
}

function criteriaList(text) {
  return text.split(/[,;\s]+/).map((c) => c.trim()).filter(Boolean);
}

async function saveEdit(event) {
  event.preventDefault();
  const form = event.target;
  const message = document.getElementById("task-message");
  const body = {};
  for (const name of ["agency", "role", "task", "deadline", "criteria"]) {
    const field = form.elements[name];
    const value = field.value.trim();
    if (value === (field.dataset.initial || "").trim()) continue;
    if (name === "criteria") body.criteria = criteriaList(value);
    else if (name === "deadline") body.deadline = value || null;
    else body[name] = value;
  }
  if (!Object.keys(body).length) {
    say(message, "Chưa có ô nào thay đổi.", false);
    return;
  }
  const answer = await callApi("PATCH", "/tasks/" + encodeURIComponent(form.dataset.task), body);
  if (!answer.ok) {
    say(message, "Không lưu được chỉnh sửa: " + answer.message, true);
    return;
  }
  reloadWith("sua");
}

async function deleteTask(button) {
  if (!window.confirm("Xóa nhiệm vụ #" + button.dataset.task + "? Nhiệm vụ sẽ không quay lại khi trích xuất lại văn bản.")) return;
  const answer = await callApi("DELETE", "/tasks/" + encodeURIComponent(button.dataset.task));
  if (!answer.ok) {
    say(document.getElementById("task-message"), "Không xóa được: " + answer.message, true);
    return;
  }
  window.location.assign("/van-ban/" + encodeURIComponent(button.dataset.document) + "?thong_bao=xoa");
}

// Document page: two files of one document. "keep" makes this copy the one that counts; "separate" says the
// two are different documents. Both answer with the group; the page reloads to show the new state.
async function copyAction(button) {
  const message = document.querySelector(".copy-message");
  const answer = await callApi("POST", "/documents/" + encodeURIComponent(button.dataset.document) + "/" + button.dataset.action);
  if (!answer.ok) {
    say(message, "Không thực hiện được: " + answer.message, true);
    return;
  }
  window.location.reload();
}

// Evidence: attach a file or a stored document to a task or a criterion; detach.
function evidenceKind(form) {
  const kind = form.querySelector("input[name=kind]:checked").value;
  form.querySelector(".kind-file").hidden = kind !== "file";
  form.querySelector(".kind-document").hidden = kind !== "document";
  return kind;
}

async function attachEvidence(event) {
  event.preventDefault();
  const form = event.target;
  const message = form.querySelector(".evidence-message");
  const kind = evidenceKind(form);
  const body = new FormData();
  if (kind === "file") {
    const file = form.elements.file.files[0];
    if (!file) {
      say(message, "Chọn tệp minh chứng.", true);
      return;
    }
    body.append("file", file, file.name);
  } else {
    if (!form.elements.document_id.value) {
      say(message, "Chọn một văn bản trong kho.", true);
      return;
    }
    body.append("document_id", form.elements.document_id.value);
  }
  if (form.elements.note.value.trim()) body.append("note", form.elements.note.value.trim());
  const answer = await callApi("POST", form.dataset.target, body);
  if (!answer.ok) {
    say(message, "Không đính kèm được: " + answer.message, true);
    return;
  }
  reloadWith("minh-chung");
}

async function removeEvidence(button) {
  if (!window.confirm("Gỡ minh chứng này?")) return;
  const answer = await callApi("DELETE", "/evidence/" + encodeURIComponent(button.dataset.evidence));
  if (!answer.ok) {
    say(document.getElementById("task-message") || button.parentElement, "Không gỡ được: " + answer.message, true);
    return;
  }
  reloadWith("bo-minh-chung");
}

// Document page: a selection in the text fills the "Thêm nhiệm vụ" form with the passage and its offsets.
// Offsets count Unicode code points, as the server does (Array.from, not String.length).
function codePoints(text) {
  return Array.from(text).length;
}

function offsetIn(container, node, offset) {
  const holder = (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement).closest("[data-start]");
  if (!holder || !container.contains(holder)) return null;
  const range = document.createRange();
  range.setStart(holder, 0);
  range.setEnd(node, offset);
  return Number(holder.dataset.start) + codePoints(range.toString());
}

function chooseSpan() {
  const form = document.getElementById("add-task-form");
  const text = document.querySelector(".doctext[data-selectable]");
  const selection = window.getSelection();
  if (!form || !text || !selection.rangeCount || selection.isCollapsed) return;
  const range = selection.getRangeAt(0);
  if (!text.contains(range.commonAncestorContainer)) return;
  let start = offsetIn(text, range.startContainer, range.startOffset);
  let end = offsetIn(text, range.endContainer, range.endOffset);
  const chosen = range.toString();
  if (start === null || end === null || end <= start || !chosen.trim()) return;
  start += codePoints(chosen) - codePoints(chosen.replace(/^\s+/, ""));
  end -= codePoints(chosen) - codePoints(chosen.replace(/\s+$/, ""));
  const passage = chosen.replace(/\s+/g, " ").trim();
  form.elements.task.value = passage;
  form.elements.start.value = String(start);
  form.elements.end.value = String(end);
  const fragment = range.cloneContents();
  const agency = fragment.querySelector(".hl.agency") || range.startContainer.parentElement.closest(".hl.agency");
  if (agency && !form.elements.agency.value) {
    form.elements.agency.value = (agency.getAttribute("title") || agency.textContent).split(";")[0].split(":").pop().trim();
  }
  const deadline = fragment.querySelector(".hl.deadline");
  if (deadline && !form.elements.deadline.value) form.elements.deadline.value = deadline.textContent.trim();
  document.getElementById("span-info").textContent = "Vị trí trong văn bản: ký tự " + start + "–" + end + " (" + codePoints(passage) + " ký tự).";
  document.getElementById("clear-span").hidden = false;
  document.getElementById("add-task-box").open = true;
  const bar = document.getElementById("selection-bar");
  bar.querySelector("span").textContent = "Đã điền đoạn đã chọn (ký tự " + start + "–" + end + ") vào biểu mẫu Thêm nhiệm vụ.";
  bar.hidden = false;
}

function clearSpan() {
  const form = document.getElementById("add-task-form");
  form.elements.start.value = "";
  form.elements.end.value = "";
  document.getElementById("span-info").textContent = "Chưa chọn đoạn trong văn bản.";
  document.getElementById("clear-span").hidden = true;
  document.getElementById("selection-bar").hidden = true;
}

async function addTask(event) {
  event.preventDefault();
  const form = event.target;
  const message = document.getElementById("add-task-message");
  const body = { agency: form.elements.agency.value.trim(), task: form.elements.task.value.trim(), role: form.elements.role.value };
  if (form.elements.deadline.value.trim()) body.deadline = form.elements.deadline.value.trim();
  const codes = criteriaList(form.elements.criteria.value);
  if (codes.length) body.criteria = codes;
  if (form.elements.start.value !== "" && form.elements.end.value !== "") {
    body.start = Number(form.elements.start.value);
    body.end = Number(form.elements.end.value);
  }
  const answer = await callApi("POST", "/documents/" + encodeURIComponent(form.dataset.document) + "/tasks", body);
  if (!answer.ok) {
    say(message, "Không thêm được: " + answer.message, true);
    return;
  }
  reloadWith("them", "/nhiem-vu/" + answer.data.id);
}

function onTracker() {
  const on = (id, type, handler) => {
    const element = document.getElementById(id);
    if (element) element.addEventListener(type, handler);
  };
  on("import-form", "submit", importSheet);
  on("status-form", "submit", saveStatus);
  on("edit-form", "submit", saveEdit);
  on("add-task-form", "submit", addTask);
  on("clear-span", "click", clearSpan);
  on("go-add-task", "click", () => document.getElementById("add-task-box").scrollIntoView({ block: "start" }));
  for (const form of document.querySelectorAll("form.evidence-form")) {
    form.addEventListener("submit", attachEvidence);
    for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", () => evidenceKind(form));
  }
  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.classList.contains("mark-done")) markDone(target);
    else if (target.classList.contains("occurrence-set")) setOccurrence(target);
    else if (target.id === "delete-task") deleteTask(target);
    else if (target.classList.contains("remove-evidence")) removeEvidence(target);
    else if (target.classList.contains("copy-action")) copyAction(target);
  });
  const text = document.querySelector(".doctext[data-selectable]");
  if (text && document.getElementById("add-task-form")) {
    text.addEventListener("mouseup", () => setTimeout(chooseSpan, 0));
    text.addEventListener("keyup", (event) => { if (event.shiftKey) chooseSpan(); });
  }
}

document.addEventListener("DOMContentLoaded", onTracker);

// Layout: the search facets open on a wide screen (on a phone they stay folded above the results), and the
// skip link puts the keyboard focus on the page's main content.
const WIDE = "(min-width: 701px)";

function onLayout() {
  const facets = document.getElementById("facets");
  if (facets && window.matchMedia(WIDE).matches) facets.open = true;
  const skip = document.querySelector("a.skip-link");
  const main = document.getElementById("main");
  if (skip && main) {
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      main.focus();
      main.scrollIntoView();
    });
  }
}

document.addEventListener("DOMContentLoaded", onLayout);
