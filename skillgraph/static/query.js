// The query page: load a catalog query, run it on a SPARQL endpoint with fetch, show a table.
// Plain JS, nothing fetched from elsewhere; text is inserted with textContent (never HTML).
"use strict";
(function () {
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const select = document.getElementById("catalog-select");
  const description = document.getElementById("catalog-description");
  const endpointInput = document.getElementById("endpoint");
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  const catalog = JSON.parse(document.getElementById("catalog-data").textContent);
  const byName = new Map(catalog.map((q) => [q.name, q]));

  function showQuery(name) {
    const q = byName.get(name);
    if (!q) return;
    textarea.value = q.text;
    description.textContent = q.description + (q.parameters ? " — parameters: " + q.parameters : "");
  }
  select.addEventListener("change", () => showQuery(select.value));
  const wanted = new URLSearchParams(location.search).get("name");
  if (wanted && byName.has(wanted)) { select.value = wanted; showQuery(wanted); }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri" && /^https?:\/\//.test(term.value)) {
      // data IRIs link to this site's pages; other http(s) IRIs as they are
      const a = document.createElement("a");
      const base = form.dataset.base;
      a.href = base && term.value.startsWith(base)
        ? form.dataset.pages + term.value.slice(base.length) + ".html"
        : term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.lang = term["xml:lang"];
    }
    return td;
  }

  function table(data) {
    const t = document.createElement("table");
    t.className = "grid results";
    const head = t.createTHead().insertRow();
    for (const v of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = t.createTBody();
    for (const row of data.results.bindings) {
      const tr = body.insertRow();
      for (const v of data.head.vars) tr.appendChild(cell(row[v]));
    }
    return t;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const raw = endpointInput.value.trim();
    results.textContent = "";
    if (!raw) { status.textContent = "No endpoint: enter the URL of a SPARQL endpoint."; return; }
    const endpoint = new URL(raw, location.href);
    status.textContent = "running…";
    const started = performance.now();
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "Content-Type": "application/sparql-query",
          "Accept": "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: textarea.value,
      });
      const ms = Math.round(performance.now() - started);
      const type = response.headers.get("Content-Type") || "";
      if (!response.ok) {
        status.textContent = "error " + response.status;
        const pre = document.createElement("pre");
        pre.className = "error";
        pre.textContent = await response.text();
        results.appendChild(pre);
        return;
      }
      const truncated = response.headers.get("X-Results-Truncated");
      if (type.includes("json")) {
        const data = await response.json();
        if ("boolean" in data) {
          status.textContent = ms + " ms";
          const p = document.createElement("p");
          p.textContent = "ASK → " + data.boolean;
          results.appendChild(p);
        } else {
          status.textContent = data.results.bindings.length + " rows, " + ms + " ms" +
            (truncated ? " (truncated at " + truncated + " rows)" : "");
          results.appendChild(table(data));
        }
      } else {
        status.textContent = ms + " ms" + (truncated ? " (truncated at " + truncated + " triples)" : "");
        const pre = document.createElement("pre");
        pre.textContent = await response.text();
        results.appendChild(pre);
      }
    } catch (err) {
      status.textContent = "request failed: " + err;
    }
  });
})();
