// The host side of the ZAF postMessage protocol, as the SDK (zendesk_app_framework_sdk 2.0.x)
// speaks it: handshake → zaf.app.registered; {id, request: get|set|invoke} → {id, result|error};
// {key: "request:N", message: options} → zaf.request:N.done|fail; events → {key: "zaf.<name>"}.
(() => {
  'use strict';
  const cfg = JSON.parse(document.getElementById('sandbox-config').textContent);
  const frame = document.getElementById('app-frame');
  const box = document.getElementById('app-box');
  const hostOrigin = window.location.origin;
  const subscribed = {};
  const trace = [];
  const resizes = [];
  let firstActivationSent = false;
  const sandbox = {
    registered: false,
    subscribed,
    trace,
    resizes,
    fire,
    scheme: () => cfg.data.colorScheme,
  };
  window.__sandbox = sandbox;

  const src = new URL(cfg.iframePath, cfg.appOrigin);
  src.searchParams.set('origin', hostOrigin);
  src.searchParams.set('app_guid', cfg.appGuid);
  src.searchParams.set('colorScheme', cfg.data.colorScheme);
  frame.src = src.toString();

  function send(msg) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage(JSON.stringify(msg), cfg.appOrigin);
    }
  }

  function fire(name, message) {
    send({ key: 'zaf.' + name, message: message });
    return !!subscribed[name];
  }

  window.addEventListener('message', (event) => {
    // Exactly what Zendesk checks: the app's origin and our own iframe.
    if (event.origin !== cfg.appOrigin || event.source !== frame.contentWindow) return;
    let data = event.data;
    if (typeof data === 'string') {
      try { data = JSON.parse(data); } catch (e) { return; }
    }
    if (!data || typeof data !== 'object') return;
    trace.push(data);
    if (data.request) { onCall(data); return; }
    const key = typeof data.key === 'string' ? data.key : '';
    if (key === 'iframe.handshake') { onHandshake(); return; }
    if (key.startsWith('iframe.on:')) {
      const name = key.slice('iframe.on:'.length);
      subscribed[name] = (data.message && data.message.subscriberCount) || 1;
      if (name === 'app.activated' && cfg.activateOnLoad && !firstActivationSent) {
        // Zendesk activates a freshly loaded app once, with firstLoad: true.
        firstActivationSent = true;
        fire('app.activated', { firstLoad: true });
      }
      return;
    }
    if (key.startsWith('iframe.off:')) {
      subscribed[key.slice('iframe.off:'.length)] = (data.message && data.message.subscriberCount) || 0;
      return;
    }
    if (/^request:\d+$/.test(key)) { onHttp(key, data.message || {}); return; }
    // __track__, session.live, iframe.trigger:* and the like need no answer.
  });

  function onHandshake() {
    sandbox.registered = true;
    document.body.dataset.registered = 'true';
    send({ key: 'zaf.app.registered', message: { metadata: cfg.metadata, context: cfg.context } });
  }

  function pathError(path, message) {
    return { name: 'InvalidPathError', message: message, path: path };
  }

  function onCall(data) {
    const reply = (result) => send({ id: data.id, result: result });
    const result = { errors: {} };
    switch (data.request) {
      case 'get': {
        const paths = Array.isArray(data.params) ? data.params : [data.params];
        for (const path of paths) {
          if (typeof path === 'string' && Object.prototype.hasOwnProperty.call(cfg.data, path)) {
            result[path] = cfg.data[path];
          } else {
            result.errors[path] = pathError(path, 'is not a path the sandbox knows');
          }
        }
        break;
      }
      case 'set': {
        for (const path of Object.keys(data.params || {})) {
          result.errors[path] = pathError(path, 'cannot be set in the sandbox');
        }
        break;
      }
      case 'invoke': {
        for (const [name, args] of Object.entries(data.params || {})) {
          const list = Array.isArray(args) ? args : [];
          switch (name) {
            case 'resize': resize(list[0] || {}); break;
            case 'hide': box.hidden = true; document.body.dataset.appHidden = 'true'; break;
            case 'show': box.hidden = false; document.body.dataset.appHidden = 'false'; break;
            case 'track': case 'notify': case 'preloadPane': break;
            default: result.errors[name] = pathError(name, 'is not an action the sandbox supports');
          }
        }
        break;
      }
      default:
        send({ id: data.id, error: { name: 'InvalidRequest', message: 'Unknown request ' + data.request } });
        return;
    }
    reply(result);
  }

  function cssLength(value, fallback) {
    if (typeof value === 'number' && isFinite(value)) return Math.max(0, value) + 'px';
    if (typeof value === 'string' && /^\d+(\.\d+)?(px|%)?$/.test(value.trim())) {
      const v = value.trim();
      return /\d$/.test(v) ? v + 'px' : v;
    }
    return fallback;
  }

  function resize(size) {
    frame.style.height = cssLength(size.height, frame.style.height || '0px');
    frame.style.width = cssLength(size.width, '100%');
    resizes.push({ width: frame.style.width, height: frame.style.height });
    document.body.dataset.appHeight = String(Math.round(frame.getBoundingClientRect().height));
  }

  // client.request: the host calls its own API with the agent's session, as Zendesk does.
  async function onHttp(key, options) {
    const finish = (outcome, args) =>
      send({ key: 'zaf.' + key + '.' + outcome, message: { responseArgs: args } });
    const networkFailure = (statusText, responseText) =>
      finish('fail', [{ status: 0, statusText: statusText, responseText: responseText || '', headers: {} }]);
    if (typeof options === 'string') options = { url: options };
    let url;
    try { url = new URL(options.url, hostOrigin); } catch (e) { networkFailure('error', 'invalid url'); return; }
    if (url.origin !== hostOrigin) {
      networkFailure('error', 'the sandbox host only serves its own API (' + hostOrigin + ')');
      return;
    }
    const method = String(options.type || options.method || 'GET').toUpperCase();
    const headers = {
      'Accept': 'application/json, text/javascript, */*; q=0.01',
      'X-Requested-With': 'XMLHttpRequest',
      'X-CSRF-Token': cfg.csrfToken,
    };
    Object.assign(headers, options.headers || {});
    let body;
    if (options.data != null) {
      const contentType = options.contentType || 'application/x-www-form-urlencoded; charset=UTF-8';
      let encoded;
      if (typeof options.data === 'string') encoded = options.data;
      else if (/json/i.test(contentType)) encoded = JSON.stringify(options.data);
      else encoded = new URLSearchParams(options.data).toString();
      if (method === 'GET' || method === 'HEAD') {
        url.search += (url.search ? '&' : '') + encoded;
      } else {
        body = encoded;
        headers['Content-Type'] = contentType;
      }
    }
    const controller = new AbortController();
    let timedOut = false;
    const timeout = Number(options.timeout) || 0;
    const timer = timeout > 0 ? setTimeout(() => { timedOut = true; controller.abort(); }, timeout) : null;
    let response;
    let text;
    try {
      response = await fetch(url.toString(), {
        method: method, headers: headers, body: body,
        credentials: 'same-origin', cache: 'no-store', signal: controller.signal,
      });
      text = await response.text();
    } catch (e) {
      clearTimeout(timer);
      networkFailure(timedOut ? 'timeout' : 'error', '');
      refreshLog();
      return;
    }
    clearTimeout(timer);
    const responseHeaders = {};
    response.headers.forEach((value, name) => { responseHeaders[name.toLowerCase()] = value; });
    let json;
    let parsed = false;
    if (text && (/json/i.test(responseHeaders['content-type'] || '') || options.dataType === 'json')) {
      try { json = JSON.parse(text); parsed = true; } catch (e) { parsed = false; }
    }
    const status = response.status;
    const statusText = response.statusText || '';
    const complete = { status: status, statusText: statusText, responseText: text, headers: responseHeaders };
    if (parsed) complete.responseJSON = json;
    if ((status >= 200 && status < 300) || status === 304) {
      if (options.httpCompleteResponse) {
        finish('done', [{ responseJSON: json, responseText: text, status: status, headers: responseHeaders }]);
      } else {
        finish('done', [parsed ? json : text, 'success', complete]);
      }
    } else {
      finish('fail', [complete]);
    }
    refreshLog();
  }

  // ---- the page's own controls ----
  const byId = (id) => document.getElementById(id);
  const hostStatus = (text) => { byId('faults').textContent = text; };

  // The sandbox's controls take the agent's session (the cookie goes along), its CSRF token,
  // and JSON.
  async function sandboxCall(method, path, payload) {
    const init = { method: method, headers: { 'X-CSRF-Token': cfg.csrfToken }, credentials: 'same-origin' };
    if (payload !== undefined) {
      init.body = JSON.stringify(payload);
      init.headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(path, init);
    return r.status === 204 ? null : r.json();
  }

  byId('fire-activated').addEventListener('click', () => fire('app.activated', { firstLoad: false }));
  byId('fire-updated').addEventListener('click', () =>
    fire('ticket.updated', { id: cfg.data['ticket.id'], externalId: cfg.data['ticket.externalId'] }));
  byId('toggle-scheme').addEventListener('click', () => {
    const next = cfg.data.colorScheme === 'dark' ? 'light' : 'dark';
    cfg.data.colorScheme = next;
    document.documentElement.dataset.scheme = next;
    fire('colorScheme.changed', next);
  });
  const otherAgent = async (liked) => {
    if (!cfg.photo.account || !cfg.photo.id) { hostStatus('This ticket has no photo.'); return; }
    const view = await sandboxCall('POST', '/sandbox/origin/like',
      { account: cfg.photo.account, photo_id: cfg.photo.id, liked: liked });
    hostStatus('Origin now: ' + JSON.stringify(view) + '\nFire app.activated to let the app see it.');
  };
  byId('other-like').addEventListener('click', () => otherAgent(true));
  byId('other-unlike').addEventListener('click', () => otherAgent(false));

  const showFaults = (all) => {
    const entries = Object.entries(all || {});
    hostStatus(entries.length ? entries.map(([p, f]) => p + ': ' + JSON.stringify(f)).join('\n') : 'no faults');
  };
  // Each kind of the form: a fault of the integration service's (`fault`, after the latency) or
  // one of Zendesk's proxy's own (`proxy`), as the sandbox's /sandbox/faults takes them.
  const FAULT_KINDS = {
    'latency': { fault: {} },
    'status': { fault: { status: 500 } },
    'denied': { fault: { status: 401 } },
    'not-found': { fault: { status: 404 } },
    'malformed': { fault: { malformed_json: true } },
    'wrong-types': { fault: { wrong_types: true } },
    'retry': { fault: { retry_after: 30 } },
    'retry-date': { fault: { retry_after_date_s: 30 } },
    'drop': { fault: { drop_connection: true } },
    'after-504': { fault: { after_status: 504 } },
    'after-drop': { fault: { after_drop: true } },
    'after-pad': { fault: { pad_bytes: 10000000 } },
    'proxy-404': { proxy: { status: 404 } },
    'proxy-401': { proxy: { status: 401 } },
    'proxy-429': { proxy: { status: 429, retry_after: '30' } },
    'proxy-500': { proxy: { status: 500 } },
    'proxy-html': { proxy: { html: true } },
    'proxy-204': { proxy: { no_content: true } },
    'proxy-drop': { proxy: { drop_connection: true } },
    'proxy-hold': { proxy: { hang: 'before' } },
    'proxy-hold-after': { proxy: { hang: 'after' } },
  };
  byId('fault-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const kind = FAULT_KINDS[byId('fault-kind').value] || FAULT_KINDS.latency;
    const times = Number(byId('fault-times').value) || 0;
    const body = { path: byId('fault-path').value };
    if (kind.proxy) {
      body.proxy = Object.assign({}, kind.proxy);
      if (times > 0) body.proxy.times = times;
    } else {
      body.fault = Object.assign({ latency_ms: Number(byId('fault-latency').value) || 0 }, kind.fault);
      if (times > 0) body.fault.times = times;
    }
    showFaults(await sandboxCall('POST', '/sandbox/faults', body));
  });
  byId('fault-clear').addEventListener('click', async () => showFaults(await sandboxCall('DELETE', '/sandbox/faults')));
  sandboxCall('GET', '/sandbox/faults').then(showFaults, () => {});

  async function refreshLog() {
    let snapshot;
    try {
      snapshot = await sandboxCall('GET', '/sandbox/log');
      showFaults(await sandboxCall('GET', '/sandbox/faults'));
    } catch (e) { return; }
    const list = byId('log');
    list.textContent = '';
    for (const call of (snapshot.proxy || []).slice(-20)) {
      const li = document.createElement('li');
      li.textContent = `#${call.ticket_id} ${call.post_to_path} → ${call.status}` +
        (call.error ? ` (${call.error})` : '') + ` ${call.duration_ms} ms`;
      list.appendChild(li);
    }
  }
  refreshLog();
})();
