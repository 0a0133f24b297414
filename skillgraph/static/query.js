// The query page's editor: YASGUI (vendored in static/vendor/yasgui) over the plain forms.
// Without JavaScript, or if YASGUI did not load, the plain forms stay and work: the catalog
// form binds parameters on the server, the query form sends the query to the endpoint.
// Nothing is fetched from another host: completion uses the project's prefixes (the remote
// prefix and vocabulary completers are left out), labels come from the same endpoint.
"use strict";
(function () {
  const Y = window.Yasgui;
  if (!Y || !Y.Yasqe) return;
  const data = JSON.parse(document.getElementById("catalog-data").textContent);
  const plain = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const editor = document.getElementById("editor");
  const status = document.getElementById("status");
  const base = plain.dataset.base;
  const pages = plain.dataset.pages;
  const bindUrl = plain.dataset.bind;
  const raw = document.getElementById("endpoint").value.trim();
  const endpoint = raw ? new URL(raw, location.href).href : "";
  const byName = new Map(data.queries.map((q) => [q.name, q]));

  // Completion: the project's prefixes only (a fork of YASQE's prefix completer).
  const prefixList = Object.keys(data.prefixes).sort()
    .map((p) => p + ": <" + data.prefixes[p] + ">");
  Y.Yasqe.forkAutocompleter("prefixes", { name: "sg-prefixes", get: prefixList,
                                          persistenceId: null }, false);
  Y.defaults.yasqe.autocompleters = ["sg-prefixes", "variables"];
  Y.defaults.endpointCatalogueOptions.getData = () => (endpoint ? [{ endpoint }] : []);

  // shown before YASGUI starts: CodeMirror measures its box when it is created
  for (const id of ["catalog-form", "query-form"]) document.getElementById(id).hidden = true;
  editor.hidden = false;

  // ?query= (also rendered by the live server) or YASGUI's own #query= share links; the
  // static copy has only the URL to go by
  const search = new URLSearchParams(location.search);
  const hashQuery = new URLSearchParams(location.hash.slice(1)).get("query") ||
    search.get("query");
  const yasgui = new Y(document.getElementById("yasgui"), {
    persistenceId: null,          // the page's URL decides what is shown, not localStorage
    populateFromUrl: false,
    autoAddOnInit: false,
    autofocus: false,
    requestConfig: { endpoint, method: "POST" },
    yasqe: { persistenceId: null },
    yasr: { prefixes: data.prefixes, persistenceId: null },
  });
  // the table's "simple view": prefixed IRIs and bare literals keep rows short
  const compact = { settings: { selectedPlugin: "table",
                                pluginsConfig: { table: { compact: true } } } };
  const firstTab = yasgui.addTab(true, {
    name: "查询 / Query",
    yasqe: { value: hashQuery || textarea.value },
    yasr: compact,
    requestConfig: { endpoint },
  });

  // Every catalog query is a ready tab; tabIds maps a tab to its query's name.
  const tabNames = new Map();
  const tabOf = new Map();
  for (const q of data.queries) {
    const picked = q.name === data.selected;
    const tab = yasgui.addTab(false, {
      name: q.name,
      yasqe: { value: picked ? textarea.value : q.text },
      yasr: compact,
      requestConfig: { endpoint },
    });
    tabNames.set(tab.getId(), q.name);
    tabOf.set(q.name, tab);
  }
  const lastBound = new Map();  // query name → { text, pairs } of its last binding
  if (data.selected) {
    lastBound.set(data.selected, { text: textarea.value, pairs: valuePairs(data.values) });
    tabOf.get(data.selected).select();
  } else if (!hashQuery && tabOf.has(search.get("name"))) {
    tabOf.get(search.get("name")).select();  // static copy: the tab, unbound
  } else {
    firstTab.select();
  }


  // --- parameter forms -------------------------------------------------------------
  const box = document.getElementById("catalog-params");
  const description = document.getElementById("catalog-description");
  const paramForm = document.getElementById("param-form");
  // between the tabs and the editor: the parameter form, then status and links
  yasgui.rootEl.insertBefore(box, yasgui.tabPanelsEl);
  yasgui.rootEl.insertBefore(document.getElementById("editor-links"), yasgui.tabPanelsEl);

  function valuePairs(values) {
    const pairs = [];
    for (const [k, vs] of Object.entries(values || {})) for (const v of vs) pairs.push([k, v]);
    return pairs;
  }

  function field(p, given) {
    const label = document.createElement("label");
    label.className = "param";
    label.append(p.name + (p.required ? " *" : "") + " ");
    let input;
    if (p.choices.length) {
      input = document.createElement("select");
      for (const c of [""].concat(p.choices)) {
        const o = document.createElement("option");
        o.value = c;
        o.textContent = c || "(" + (p.default.join(" ") || "—") + ")";
        input.appendChild(o);
      }
      input.value = given[0] || "";
    } else if (p.list) {
      input = document.createElement("textarea");
      input.rows = 2;
      input.placeholder = "one value per line";
      input.value = given.join("\n");
    } else {
      input = document.createElement("input");
      input.type = "text";
      input.size = 60;
      input.placeholder = p.default.join(" ") || (p.type === "iri" ? "碳排放核算员/3" : "");
      input.value = given[0] || "";
    }
    input.name = p.name;
    input.dataset.list = p.list ? "1" : "";
    label.appendChild(input);
    const small = document.createElement("small");
    small.textContent = p.type + (p.list ? ", list" : "") + ": " + p.description;
    label.appendChild(small);
    return label;
  }

  function showParams(name) {
    const q = byName.get(name);
    paramForm.textContent = "";
    box.hidden = !q;
    if (!q) return;
    description.textContent = q.title + " — " + q.description;
    const given = new Map();
    for (const [k, v] of (lastBound.get(name) || { pairs: [] }).pairs) {
      given.set(k, (given.get(k) || []).concat([v]));
    }
    for (const p of q.params) paramForm.appendChild(field(p, given.get(p.name) || []));
    const run = document.createElement("button");
    run.type = "submit";
    run.textContent = q.params.length ? "绑定并运行 / Bind and run" : "运行 / Run";
    run.disabled = !bindUrl && q.params.length > 0;
    paramForm.appendChild(run);
    const err = document.createElement("p");
    err.id = "param-error";
    err.className = "error";
    err.setAttribute("role", "alert");
    if (!bindUrl && q.params.length) {
      err.textContent = "Binding parameters needs the live server (skillgraph serve); " +
        "edit the VALUES in the query instead.";
    }
    paramForm.appendChild(err);
  }

  function formPairs() {
    const pairs = [];
    for (const el of paramForm.querySelectorAll("[name]")) {
      const values = el.dataset.list ? el.value.split("\n") : [el.value];
      for (const v of values) if (v.trim()) pairs.push([el.name, v.trim()]);
    }
    return pairs;
  }

  paramForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const tab = yasgui.getTab();
    const name = tabNames.get(tab.getId());
    const q = byName.get(name);
    const err = document.getElementById("param-error");
    err.textContent = "";
    if (q.params.length) {
      const pairs = formPairs();
      const url = new URL(bindUrl, location.href);
      url.searchParams.set("name", name);
      for (const [k, v] of pairs) url.searchParams.append(k, v);
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      const answer = await response.json();
      if (!response.ok) { err.textContent = answer.error; return; }
      tab.setQuery(answer.query);
      lastBound.set(name, { text: answer.query, pairs });
    }
    updateLinks();
    tab.query().catch(() => {});
  });

  // --- status, labels beside IRIs, downloads, shareable URL -----------------------
  yasgui.on("query", () => { status.textContent = "running…"; });
  yasgui.on("queryResponse", (_y, tab) => setTimeout(() => showStatus(tab), 0));
  function showStatus(tab) {  // after YASR has taken the response (it shows the time)
    const results = tab.getYasr() && tab.getYasr().results;
    const bindings = results && results.getBindings && results.getBindings();
    if (results && results.getError && results.getError()) {
      status.textContent = "error";
    } else if (bindings) {
      status.textContent = bindings.length + " rows";
    } else {
      status.textContent = "done";
    }
    decorateSoon();
  }

  const labels = new Map();  // IRI → label ("" when it has none)
  const SAFE_IRI = /^[a-z][a-z0-9+.-]*:[^<>"{}|^`\\\s]*$/i;

  function pickLabel(rows) {
    const zh = rows.find((r) => (r.label["xml:lang"] || "").startsWith("zh"));
    const en = rows.find((r) => (r.label["xml:lang"] || "").startsWith("en"));
    return (zh || en || rows[0]).label.value;
  }

  async function fetchLabels(iris, where) {
    const wanted = iris.filter((i) => SAFE_IRI.test(i) && !labels.has(i)).slice(0, 500);
    if (!wanted.length || !where) return;
    for (const i of wanted) labels.set(i, "");
    const text = "PREFIX skos: <" + data.prefixes.skos + ">\n" +
      "PREFIX rdfs: <" + data.prefixes.rdfs + ">\n" +
      "SELECT ?s ?label WHERE { VALUES ?s { " + wanted.map((i) => "<" + i + ">").join(" ") +
      " } ?s skos:prefLabel|rdfs:label ?label }";
    try {
      const response = await fetch(where, {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query",
                   Accept: "application/sparql-results+json" },
        body: text,
      });
      if (!response.ok) return;
      const found = new Map();
      for (const row of (await response.json()).results.bindings) {
        found.set(row.s.value, (found.get(row.s.value) || []).concat([row]));
      }
      for (const [iri, rows] of found) labels.set(iri, pickLabel(rows));
    } catch (err) {
      // labels are a help; the IRIs stay as they are
    }
  }

  function label(a) {
    const text = labels.get(a.dataset.iri);
    if (!text) return;
    const span = document.createElement("span");
    span.className = "sg-label";
    span.textContent = text;
    a.after(span);
    a.dataset.sgLabel = "1";
  }

  async function decorate() {
    const root = document.getElementById("yasgui");
    const fresh = [...root.querySelectorAll(".yasr a.iri:not([data-iri])")];
    for (const a of fresh) {
      const iri = a.getAttribute("href");
      a.dataset.iri = iri;
      if (base && iri.startsWith(base)) {  // data IRIs open this site's page
        a.href = new URL(pages + iri.slice(base.length) + ".html", location.href).href;
      }
    }
    const pending = [...root.querySelectorAll(".yasr a.iri[data-iri]:not([data-sg-label])")];
    const tab = yasgui.getTab();
    await fetchLabels([...new Set(pending.map((a) => a.dataset.iri))], tab && tab.getEndpoint());
    for (const a of pending) if (!a.dataset.sgLabel && a.isConnected) label(a);
  }

  let timer = 0;
  function decorateSoon() {
    clearTimeout(timer);
    timer = setTimeout(decorate, 30);
  }
  new MutationObserver(decorateSoon).observe(document.getElementById("yasgui"),
                                             { childList: true, subtree: true });

  function updateLinks() {
    const tab = yasgui.getTab();
    if (!tab || !tab.getYasqe()) return;
    const text = tab.getQuery();
    const where = tab.getEndpoint();
    for (const fmt of ["csv", "json"]) {
      const a = document.getElementById("download-" + fmt);
      if (!where) { a.removeAttribute("href"); continue; }
      const url = new URL(where, location.href);
      url.searchParams.set("query", text);
      url.searchParams.set("format", fmt);
      a.href = url.href;
    }
    const share = new URL(plain.dataset.here, location.href);
    const name = tabNames.get(tab.getId());
    const bound = name && lastBound.get(name);
    if (bound && bound.text === text) {
      share.searchParams.set("name", name);
      for (const [k, v] of bound.pairs) share.searchParams.append(k, v);
    } else {
      share.searchParams.set("query", text);
    }
    document.getElementById("share-link").href = share.href;
  }

  function watch() {
    const tab = yasgui.getTab();
    const yasqe = tab && tab.getYasqe();
    if (yasqe && !yasqe.sgWatched) {
      yasqe.sgWatched = true;
      yasqe.on("change", updateLinks);
    }
    showParams(tabNames.get(tab.getId()));
    updateLinks();
  }
  yasgui.on("tabSelect", () => setTimeout(watch, 0));
  yasgui.on("tabChange", updateLinks);
  for (const id of ["download-csv", "download-json", "share-link"]) {
    document.getElementById(id).addEventListener("pointerdown", updateLinks);
    document.getElementById(id).addEventListener("focus", updateLinks);
  }
  watch();
})();
