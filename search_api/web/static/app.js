// parlens web UI: upload with progress and per-file results (fetch to POST /documents, then GET /jobs/{id}).
"use strict";

const STATUS_VI = { ingested: "Đã đọc", duplicate: "Đã có", failed: "Lỗi" };

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

function showResults(files) {
  const table = document.getElementById("results");
  const body = table.querySelector("tbody");
  table.hidden = false;
  for (const f of files) {
    const row = document.createElement("tr");
    row.className = "result " + f.status;
    cell(row, f.file);
    const label = STATUS_VI[f.status] || f.status;
    if (f.document_id) {
      cell(row, label + " #" + f.document_id, "/van-ban/" + f.document_id);
    } else {
      cell(row, label);
    }
    cell(row, f.status === "failed" ? "—" : String(f.tasks));
    if (f.error) {
      cell(row, f.error.code + " · " + f.error.title + (f.error.detail ? ": " + f.error.detail : "") + ". " + (f.error.hint || ""));
    } else if (f.status === "duplicate") {
      cell(row, "Tệp này đã có trong kho.");
    } else {
      cell(row, "Xem nhiệm vụ", "/nhiem-vu?document=" + f.document_id);
    }
    body.appendChild(row);
  }
}

async function pollJob(job, progress, status) {
  let shown = 0;
  for (;;) {
    const answer = await fetch("/jobs/" + encodeURIComponent(job.id), { headers: { Accept: "application/json" } });
    const data = await answer.json();
    if (!answer.ok) {
      status.textContent = data.error ? data.error.code + " · " + data.error.title : "Lỗi " + answer.status;
      return;
    }
    showResults(data.files.slice(shown));
    shown = data.files.length;
    progress.max = Math.max(data.total, 1);
    progress.value = data.done;
    status.textContent = "Đang xử lý " + data.done + "/" + data.total + " tệp…";
    if (data.status === "done") {
      status.textContent = "Xong " + data.total + " tệp.";
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 700));
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
  const limit = Number(form.dataset.maxBytes || 0);
  const body = new FormData();
  const tooLarge = [];
  for (const file of input.files) {
    if (limit && file.size > limit) {
      tooLarge.push({ file: file.name, status: "failed", tasks: 0, document_id: null,
        error: { code: "PARLENS-E004", title: "file too large", detail: file.size + " bytes", hint: "Tách tệp hoặc nén nhỏ lại." } });
    } else {
      body.append("files", file, file.name);
    }
  }
  if (tooLarge.length) showResults(tooLarge);
  if (!body.has("files")) return;
  progress.hidden = false;
  progress.removeAttribute("value");
  status.textContent = "Đang tải lên và đọc văn bản…";
  form.querySelector("button").disabled = true;
  try {
    const answer = await fetch("/documents", { method: "POST", body, headers: { Accept: "application/json" } });
    const data = await answer.json();
    if (answer.status === 202) {
      if (data.refused) showResults(data.refused);
      await pollJob(data, progress, status);
    } else if (data.files) {
      showResults(data.files);
      progress.max = 1;
      progress.value = 1;
      status.textContent = answer.ok ? "Xong." : "Không đọc được tệp.";
    } else {
      status.textContent = data.error ? data.error.code + " · " + data.error.title + ": " + (data.error.detail || "") : "Lỗi " + answer.status;
    }
  } catch (err) {
    status.textContent = "Mất kết nối với máy chủ: " + err;
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
