// Zendesk's side of the ZAF client, for browser tests of the app alone: it answers `get` and
// `metadata` from a config, records every `request` and `invoke`, and lets the test answer each
// request when it chooses. (The sandbox's end-to-end tests use the real SDK and a real host.)

let fake = null;

// Timers started and not yet fired or cleared (the app's own: gloo-timers calls these globals).
const liveTimerIds = new Set();
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
globalThis.setTimeout = function (fn, ms, ...args) {
  const id = realSetTimeout(function () {
    liveTimerIds.delete(id);
    if (typeof fn === "function") fn.apply(this, args);
  }, ms);
  liveTimerIds.add(id);
  return id;
};
globalThis.clearTimeout = function (id) {
  liveTimerIds.delete(id);
  realClearTimeout(id);
};

export function liveTimers() {
  return liveTimerIds.size;
}

// Event handlers the app has subscribed and not unsubscribed, over every event.
export function handlerCount() {
  return Object.values(fake.handlers).reduce((n, list) => n + list.length, 0);
}

export function installFakeZaf(configJson) {
  const config = JSON.parse(configJson);
  const state = { config, requests: [], invokes: [], handlers: {} };
  const client = {
    get(paths) {
      const answer = { errors: {} };
      for (const path of [].concat(paths)) {
        if (Object.prototype.hasOwnProperty.call(config.context, path)) {
          answer[path] = config.context[path];
        } else {
          answer.errors[path] = { name: "Error", message: `"${path}" is not a valid path` };
        }
      }
      if (config.contextDelayMs) {
        // Zendesk slow to answer (a timer of the fake's own, not counted as the app's).
        return new Promise((resolve) => realSetTimeout(() => resolve(answer), config.contextDelayMs));
      }
      return Promise.resolve(answer);
    },
    metadata() {
      if (config.metadataFails) return Promise.reject(new Error("metadata is unavailable"));
      return Promise.resolve(config.metadata);
    },
    request(options) {
      return new Promise((resolve, reject) => {
        state.requests.push({ options, resolve, reject });
      });
    },
    invoke(name, arg) {
      state.invokes.push({ name, arg: arg === undefined ? null : arg });
      return Promise.resolve({ errors: {} });
    },
    on(name, handler) {
      (state.handlers[name] = state.handlers[name] || []).push(handler);
    },
    off(name, handler) {
      state.handlers[name] = (state.handlers[name] || []).filter((h) => h !== handler);
    },
  };
  fake = state;
  // The app's timing, shortened where a test needs it (see src/timing.rs).
  globalThis.zendeskHeartTiming = config.timing;
  globalThis.ZAFClient = { init: () => (config.outside ? false : client) };
}

export function requestCount() {
  return fake.requests.length;
}

// The options of request `i`, as JSON.
export function requestOptions(i) {
  return JSON.stringify(fake.requests[i].options);
}

// Answers request `i` as Zendesk does with `httpCompleteResponse: true`.
export function respond(i, status, bodyJson, headersJson) {
  const request = fake.requests[i];
  const headers = headersJson ? JSON.parse(headersJson) : {};
  let responseJSON;
  try {
    responseJSON = JSON.parse(bodyJson);
  } catch (_) {
    responseJSON = undefined;
  }
  const response = { status, responseText: bodyJson, responseJSON, headers };
  if (status >= 200 && status < 300) {
    request.resolve(response);
  } else {
    request.reject({ ...response, statusText: status === 0 ? "timeout" : "error" });
  }
}

export function fire(event, payloadJson) {
  for (const handler of fake.handlers[event] || []) {
    handler(payloadJson === undefined ? undefined : JSON.parse(payloadJson));
  }
}

// Every `invoke` so far, as JSON.
export function invokes() {
  return JSON.stringify(fake.invokes);
}

// The page's own script (boot.js), run as the page runs it, before the app: `factsJson` is the
// HEART_PAGE the build defines in it (xtask/src/page.rs).
export function runPage(script, factsJson) {
  globalThis.HEART_PAGE = JSON.parse(factsJson);
  new Function(script)();
}

// Settles once the page has sent its first read, or decided to leave it to the app.
export function pageReadSettled() {
  const boot = globalThis.__heartBoot;
  return boot ? Promise.allSettled([boot.read]) : Promise.resolve();
}

// What the page left and the app did not take over.
export function forgetPage() {
  delete globalThis.__heartBoot;
}

// `fetch`, held until the test releases each call (the page fetches the agent's language).
const realFetch = globalThis.fetch;
let held = [];
export function holdFetches() {
  held = [];
  globalThis.fetch = (url, init) =>
    new Promise((resolve, reject) => held.push({ url: String(url), init, resolve, reject }));
}

export function heldFetches() {
  return held.length;
}

// Answers held fetch `i` as the network would (`ok`), or with a 404.
export function releaseFetch(i, ok) {
  const call = held[i];
  if (ok) realFetch(call.url, call.init).then(call.resolve, call.reject);
  else call.resolve(new Response("not found", { status: 404 }));
}

export function restoreFetch() {
  globalThis.fetch = realFetch;
}
